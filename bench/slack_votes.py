"""Benchmark: signed Slack vote clicks at the real server over loopback, against a bare bolt app.

Run from the repository root: `.venv/bin/python -m bench.slack_votes [--clicks 8000]
[--concurrency 32 128]`.
The server runs in its own process on an SQLite file; this process plays Slack (the clicks, and
the fake Web API the bot answers through). Prints acks/s, ack p50/p99 and votes durably stored/s,
then the same for a bolt app that only acks, and the ratio; `--rounds` pairs (3 by default),
alternated, and their median ratio, as one pair swings by ±15 % on a busy 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import random
import re
import socket
import statistics
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from aiohttp import ClientSession, TCPConnector, web
from slack_bolt.async_app import AsyncApp
from sqlalchemy import func, select

from bench.ideas import distinct_ideas
from bot.app import create_app, tune_garbage_collector
from bot.config import Settings, SlackSettings
from bot.services import open_services
from handlers.slack.mount import EVENTS_PATH
from handlers.slack.webapi import web_client
from storage.database import READ_ONLY, create_engine
from storage.models import Idea, Vote
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.fake_slack import FakeSlack

IDEAS = 10
VOTES_EACH = 5  # the playbook's budget per theme: every click below is a vote that counts
STORE_WAIT = 60.0


@dataclass
class Figures:
    clicks: int
    started: float  # time.perf_counter() when the first click went out
    seconds: float
    latencies: list[float]
    stored: int | None = None
    stored_seconds: float | None = None

    @property
    def acks_per_second(self) -> float:
        return len(self.latencies) / self.seconds

    def line(self, name: str) -> str:
        ms = sorted(x * 1000 for x in self.latencies)
        p50 = statistics.median(ms)
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
        text = (
            f"{name:9} clicks={self.clicks} acked={len(self.latencies)} "
            f"acks/s={self.acks_per_second:.0f} ack_p50={p50:.1f}ms ack_p99={p99:.1f}ms"
        )
        if self.stored is not None and self.stored_seconds:
            rate = self.stored / self.stored_seconds
            text += f" stored={self.stored} stored/s={rate:.0f}"
        return text


def settings(database_url: str, api_url: str) -> Settings:
    slack = SlackSettings(signing_secret=rq.SECRET, bot_token="xoxb-bench", api_url=api_url)
    return Settings(
        database_url=database_url,
        organisers=frozenset({"slack:UORG"}),
        auto_migrate=True,
        slack=slack,
        log_level="WARNING",
    )


# ---- the server process -------------------------------------------------------------------


def serve(kind: str, port: int, database_url: str, api_url: str) -> None:
    asyncio.run(_serve(kind, port, database_url, api_url))


async def _serve(kind: str, port: int, database_url: str, api_url: str) -> None:
    config = settings(database_url, api_url)
    if kind == "howcanwe":
        async with open_services(config) as services:
            await _run(create_app(config, services), port)
    else:
        await _run(bare_app(config), port)


def bare_app(config: Settings) -> web.Application:
    """The baseline: the same bolt setup and adapter, with a listener that only acks."""
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request

    bolt = AsyncApp(
        client=web_client(config.slack, config.slack.bot_token),
        signing_secret=config.slack.signing_secret,
        process_before_response=True,
    )

    @bolt.action(re.compile(".+"))
    async def ack_only(ack) -> None:  # type: ignore[no-untyped-def]
        await ack()

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post(EVENTS_PATH, events)
    app.router.add_get("/healthz", lambda _: web.Response(text="ok"))
    return app


async def _run(app: web.Application, port: int) -> None:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    tune_garbage_collector()  # as `howcanwe serve` does
    await asyncio.Event().wait()  # until the benchmark terminates the process


# ---- this process: Slack ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """One server process; `async with` starts it and waits until it answers."""

    def __init__(self, kind: str, database_url: str, api_url: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        context = multiprocessing.get_context("spawn")
        self._process = context.Process(
            target=serve, args=(kind, self.port, database_url, api_url), daemon=True
        )

    async def __aenter__(self) -> Server:
        self._process.start()
        async with ClientSession() as session:
            for _ in range(300):
                with contextlib.suppress(OSError):  # not listening yet
                    async with session.get(self.url + "/healthz") as response:
                        if response.status == 200:
                            return self
                await asyncio.sleep(0.1)
        raise RuntimeError("the server did not start")

    async def __aexit__(self, *_: object) -> None:
        self._process.terminate()
        await asyncio.to_thread(self._process.join, 10)


async def post(session: ClientSession, url: str, request: tuple[str, str]) -> float:
    body, content_type = request
    headers = {"Content-Type": content_type, **rq.sign(body)}
    started = time.perf_counter()
    async with session.post(url + EVENTS_PATH, data=body.encode(), headers=headers) as response:
        await response.read()
        if response.status != 200:
            raise RuntimeError(f"{response.status}: {await response.text()}")
    return time.perf_counter() - started


async def click_all(
    url: str, clicks: list[tuple[str, str]], concurrency: int, budget: float
) -> Figures:
    """Send every click with `concurrency` in flight; stop early if `budget` seconds pass."""
    latencies: list[float] = []
    queue = iter(clicks)
    started = time.perf_counter()

    async def worker(session: ClientSession) -> None:
        for request in queue:
            if time.perf_counter() - started > budget:
                return
            latencies.append(await post(session, url, request))

    async with ClientSession(connector=TCPConnector(limit=concurrency)) as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    return Figures(len(clicks), started, time.perf_counter() - started, latencies)


async def wait_for_count(database_url: str, table: type, expected: int) -> tuple[int, float]:
    """Poll until `expected` rows are stored (or STORE_WAIT passes); returns (rows, when)."""
    engine = create_engine(database_url)
    deadline = time.perf_counter() + STORE_WAIT
    query = select(func.count()).select_from(table)
    try:
        # A read-only transaction: a plain BEGIN, so polling never takes the write lock.
        async with engine.connect() as connection:
            await connection.execution_options(**{READ_ONLY: True})
            while True:
                rows = int(await connection.scalar(query) or 0)
                await connection.rollback()  # a fresh snapshot on the next poll
                if rows >= expected or time.perf_counter() > deadline:
                    return rows, time.perf_counter()
                await asyncio.sleep(0.05)
    finally:
        await engine.dispose()


async def workshop_clicks(
    url: str, database_url: str, fake: FakeSlack, voters: int
) -> list[tuple[str, str]]:
    """Post a prompt and IDEAS ideas; return each voter's VOTES_EACH clicks, shuffled."""
    async with ClientSession() as session:
        await post(session, url, rq.command("prompt inclusive-growth", user="UORG"))
        await fake.until("chat.postMessage", 1)
        prompt_ts = fake.last_ts()
        for n, text in enumerate(distinct_ideas(IDEAS)):
            reply = rq.thread_reply(text, prompt_ts, user=f"UA{n}")
            await post(session, url, rq.event(reply, f"EvBench{n}"))
    await wait_for_count(database_url, Idea, IDEAS)
    await fake.until("chat.postMessage", IDEAS + 1)
    card_ts = [c.answer["ts"] for c in fake.calls if c.method == "chat.postMessage"][1:]
    rng = random.Random(7)
    clicks = []
    for voter in range(voters):
        for number in rng.sample(range(1, IDEAS + 1), VOTES_EACH):
            clicks.append(
                rq.action(
                    "idea.vote",
                    str(number),
                    user=f"UV{voter}",
                    message_ts=card_ts[number - 1],
                    thread_ts=prompt_ts,
                )
            )
    rng.shuffle(clicks)
    return clicks


async def one_round(clicks: int, concurrency: int, budget: float) -> float:
    """howcanwe then the bare app, on the same clicks' count; prints both, returns the ratio."""
    fake = FakeSlack()
    await fake.start()
    voters = max(1, clicks // VOTES_EACH)
    try:
        with tempfile.TemporaryDirectory() as folder:
            database_url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
            async with Server("howcanwe", database_url, fake.api_url) as server:
                requests = await workshop_clicks(server.url, database_url, fake, voters)
                ours = await click_all(server.url, requests, concurrency, budget)
                stored, stored_at = await wait_for_count(database_url, Vote, len(ours.latencies))
                ours = replace(ours, stored=stored, stored_seconds=stored_at - ours.started)
            bare_requests = [rq.action("idea.vote", "1", user=f"UV{n}") for n in range(clicks)]
            async with Server("bare", database_url, fake.api_url) as server:
                bare = await click_all(server.url, bare_requests, concurrency, budget)
        updates = len(fake.of("chat.update"))
    finally:
        await fake.close()
    print(ours.line("howcanwe"))
    print(bare.line("bare bolt"))
    assert ours.stored_seconds
    ratio = (ours.stored or 0) / ours.stored_seconds / bare.acks_per_second
    print(
        f"stored votes/s ÷ bare acks/s = {ratio:.2f}; every acked vote stored: "
        f"{ours.stored == len(ours.latencies)}; chat.update calls: {updates} "
        f"for {len(ours.latencies)} clicks on {IDEAS} cards"
    )
    return ratio


async def main(clicks: int, concurrencies: list[int], budget: float, rounds: int) -> None:
    """Rounds alternate the two apps, so a machine that slows down mid-run slows both. Each
    click is acked once its vote is committed, so a few clients that each wait for their ack
    measure the commit's latency, and many in flight (a workshop's burst) the throughput:
    both are printed."""
    for concurrency in concurrencies:
        print(f"{concurrency} clicks in flight")
        ratios = [await one_round(clicks, concurrency, budget) for _ in range(rounds)]
        listed = ", ".join(f"{r:.2f}" for r in ratios)
        print(
            f"median ratio over {rounds} rounds, {concurrency} in flight: "
            f"{statistics.median(ratios):.2f} ({listed})"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=8000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[32, 128])
    parser.add_argument("--seconds", type=float, default=60.0, help="stop sending after this")
    parser.add_argument("--rounds", type=int, default=3, help="howcanwe/bare pairs, alternated")
    args = parser.parse_args()
    asyncio.run(main(args.clicks, args.concurrency, args.seconds, args.rounds))
