"""`kill -9` in the middle of a burst of clicks: every click that got its 200 is still counted
after a restart. A real `howcanwe serve` process, signed requests over HTTP, the fake Web API."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import unused_port
from sqlalchemy import Connection, select

from bot.core.interaction import VOTE
from storage import models as m
from storage import plan_ranks, tallies
from storage.database import create_engine
from tests.conftest import process_environment
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack import test_exactly_once
from tests.handlers.slack.fake_slack import FakeSlack

PEOPLE = 300
KILL_AFTER = 300  # acknowledged clicks before the process is killed
TOPICS = test_exactly_once.TOPICS[:10]


@asynccontextmanager
async def serving(
    database_url: str, fake: FakeSlack, cwd: Path
) -> AsyncIterator[tuple[str, asyncio.subprocess.Process]]:
    """`howcanwe serve` on a free loopback port; yields its base URL and process; killed with
    SIGKILL on the way out if still running."""
    port = unused_port()
    # The server's log is kept beside the test's database, to read; the child has its own handle.
    with (cwd / "serve.log").open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "serve",
            env={
                **process_environment(),
                "HOST": "127.0.0.1",
                "PORT": str(port),
                "DATABASE_URL": database_url,
                "HOWCANWE_AUTO_MIGRATE": "true",
                "HOWCANWE_IN_PROCESS_CLOCK": "false",
                "HOWCANWE_ORGANISERS": "slack:UORG",
                "SLACK_SIGNING_SECRET": rq.SECRET,
                "SLACK_BOT_TOKEN": "xoxb-crash",
                "SLACK_API_URL": fake.api_url,
            },
            cwd=cwd,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        await _until_healthy(base, process)
        yield base, process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGKILL)
        await process.wait()


async def _until_healthy(base: str, process: asyncio.subprocess.Process) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            assert process.returncode is None, "howcanwe serve exited at start-up"
            with contextlib.suppress(aiohttp.ClientError):  # not listening yet
                async with session.get(f"{base}/healthz") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.1)
    raise AssertionError("howcanwe serve did not become healthy")


async def post(session: aiohttp.ClientSession, base: str, request: tuple[str, str]) -> int:
    body, content_type = request
    headers = {"Content-Type": content_type, **rq.sign(body)}
    async with session.post(f"{base}/slack/events", data=body.encode(), headers=headers) as r:
        return r.status


async def test_every_acknowledged_click_survives_kill_9(database_url: str, tmp_path: Path) -> None:
    fake = FakeSlack()
    await fake.start()
    try:
        async with (
            serving(database_url, fake, tmp_path) as (base, server),
            aiohttp.ClientSession() as session,
        ):
            assert await post(session, base, rq.command("prompt inclusive-growth")) == 200
            await asyncio.wait_for(fake.until("chat.postMessage", 1), 90)
            ts = fake.last_ts()
            await _until_recorded(database_url, ts)  # a reply sooner would be in no known thread
            for n, topic in enumerate(TOPICS):
                reply = rq.event(rq.thread_reply(f"More {topic} for everyone", ts), f"Ev-{n}")
                assert await post(session, base, reply) == 200
            await asyncio.wait_for(fake.until("chat.postMessage", 1 + len(TOPICS)), 90)

            clicks = [
                (f"U{person:03d}", (person + k) % len(TOPICS) + 1)
                for person in range(PEOPLE)
                for k in range(5)
            ]
            acked: set[tuple[str, int]] = set()
            enough = asyncio.Event()

            async def click(user: str, idea: int) -> None:
                request = rq.action(VOTE, str(idea), user=user, message_ts=ts)
                try:
                    status = await post(session, base, request)
                except (aiohttp.ClientError, TimeoutError):
                    return  # the process died before answering: nobody was told anything
                if status == 200:
                    acked.add((user, idea))
                    if len(acked) >= KILL_AFTER:
                        enough.set()

            burst = asyncio.gather(*(click(u, i) for u, i in clicks))
            await enough.wait()
            server.send_signal(signal.SIGKILL)  # kill -9, mid-burst
            await burst
        assert KILL_AFTER <= len(acked) < len(clicks)

        async with serving(database_url, fake, tmp_path):  # restarted on the same database
            stored = await _votes(database_url)
            kept, recounted = await _kept_and_recounted(database_url)
    finally:
        await fake.close()
    assert acked <= stored, f"{len(acked - stored)} acknowledged clicks were lost"
    # What the writes keep beside the votes (tallies, activity counts, the plan's ranks) died
    # with them or not at all.
    assert kept == recounted


async def _kept_and_recounted(database_url: str) -> tuple[list[Any], list[Any]]:
    engine = create_engine(database_url)

    def both(conn: Connection) -> tuple[list[Any], list[Any]]:
        pid = conn.scalar(select(m.Programme.id))
        assert pid is not None
        kept = [*tallies.kept(conn, pid).as_dicts(), plan_ranks.kept(conn, pid)]
        return kept, [*tallies.recounted(conn, pid).as_dicts(), plan_ranks.recounted(conn, pid)]

    try:
        async with engine.connect() as conn:
            return await conn.run_sync(both)
    finally:
        await engine.dispose()


async def _until_recorded(database_url: str, message_ts: str) -> None:
    """Wait until the bot has stored where its prompt went: it does so just after Slack answers
    the post, so a person never replies before, but a test can."""
    engine = create_engine(database_url)
    try:
        for _ in range(300):
            async with engine.connect() as conn:
                if await conn.scalar(select(m.Post.id).where(m.Post.message_id == message_ts)):
                    return
            await asyncio.sleep(0.1)
    finally:
        await engine.dispose()
    raise AssertionError("the prompt's post was never recorded")


async def _votes(database_url: str) -> set[tuple[str, int]]:
    engine = create_engine(database_url)
    try:
        query = (
            select(m.Participant.user_id, m.Idea.number)
            .join(m.Vote, m.Vote.participant_id == m.Participant.id)
            .join(m.Idea, m.Idea.id == m.Vote.idea_id)
        )
        async with engine.connect() as conn:
            return {(user, number) for user, number in (await conn.execute(query)).all()}
    finally:
        await engine.dispose()
