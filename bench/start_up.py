"""Start-up to serving with a big programme: a real `howcanwe serve` on a seeded SQLite or
PostgreSQL database (bench.digest_build's seeding), timed to its first `/healthz` and to its
first answered idea (a signed Slack thread reply, answered with the idea's card at the fake Web
API), with the server's resident memory; the same on a database of 100 ideas as the baseline,
with the meaning models (the default) and without (HOWCANWE_SUGGESTER=words): the difference is
what loading the models costs. Run by bench.near_duplicates, since the near-duplicate index is
what a big programme used to make the first idea wait for (it was built in every process at
start-up); alone, `python -m bench.start_up [--ideas 300000] [--databases sqlite,postgresql]`,
or `--url URL` for a database kept by `bench.digest_build --keep`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from aiohttp import ClientSession

from bench.digest_build import seed, temporary
from bench.slack_votes import free_port, post
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.fake_slack import FakeSlack

IDEA = "Free secure bike parking at every railway station"
ANSWER_WITHIN = 120  # seconds: a loaded machine is slow, a bot that never answers is a failure


async def start_up(ideas: int, databases: list[str], postgres: str, url: str | None = None) -> None:
    """Seed `ideas` (one vote each), then time a fresh server on it and on 100 ideas, on each
    kind of database; `url`: a big database kept before (bench.digest_build --keep) instead."""
    options = argparse.Namespace(postgres=postgres, keep=False)
    if url is not None:
        database = "postgresql" if url.startswith("postgres") else "sqlite"
        async with temporary(database, options) as small:
            if small is None:
                raise SystemExit(f"{database}: not reachable at {postgres}")
            await seed(small, argparse.Namespace(ideas=100, votes=100, participants=100))
            for label, served in (("the database named", url), ("baseline: 100 ideas", small)):
                print(f"  {label:26} " + await _served(served))
        return
    for database in databases:
        async with temporary(database, options) as big, temporary(database, options) as small:
            if big is None or small is None:
                print(f"{database}: not reachable at {postgres}, skipped")
                continue
            started = time.perf_counter()
            await seed(big, argparse.Namespace(ideas=ideas, votes=ideas, participants=5000))
            await seed(small, argparse.Namespace(ideas=100, votes=100, participants=100))
            print(f"{database}: seeded {ideas:,} ideas in {time.perf_counter() - started:.0f} s")
            for label, url in ((f"{ideas:,} ideas", big), ("baseline: 100 ideas", small)):
                print(f"  {label:26} " + await _served(url))
            words = await _served(small, {"HOWCANWE_SUGGESTER": "words"})
            print(f"  {'100 ideas, no models':26} " + words)


async def _served(url: str, settings: dict[str, str] | None = None) -> str:
    fake = FakeSlack()
    await fake.start()
    port = free_port()
    env = (
        os.environ
        | {
            "DATABASE_URL": url,
            "PORT": str(port),
            "SLACK_SIGNING_SECRET": rq.SECRET,
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_API_URL": fake.api_url,
            "HOWCANWE_ORGANISERS": "slack:UORG",
            "HOWCANWE_LOG_LEVEL": "WARNING",
        }
        | (settings or {})
    )
    started = time.perf_counter()
    server = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "serve", env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        async with ClientSession() as session:
            await _healthy(session, base)
            serving, at_serving = time.perf_counter() - started, _rss(server.pid)
            # A trigger and an event id of their own: a database kept from an earlier run
            # knows the last ones, and would take these for Slack retrying them.
            run = uuid.uuid4().hex
            prompt = rq.command_fields("prompt inclusive-growth", user="UORG")
            prompt["trigger_id"] = f"trig-bench-{run}"
            await post(session, base, (urlencode(prompt), rq.FORM))
            await _answered(fake, 1)
            reply = rq.thread_reply(IDEA, fake.last_ts(), user="UA1")
            acked = await post(session, base, rq.event(reply, f"Ev{run}"))
            await _answered(fake, 2)
            answered = time.perf_counter() - started
        peak = max(at_serving, await _peak(server.pid, seconds=15))
    finally:
        server.terminate()
        await server.wait()
        await fake.close()
    return (
        f"/healthz after {serving:.2f} s, first idea answered after {answered:.2f} s "
        f"(its request {acked * 1000:.0f} ms); RSS at serving {at_serving:.0f} MB, "
        f"peak in 15 s {peak:.0f} MB"
    )


async def _answered(fake: FakeSlack, answers: int) -> None:
    """Wait for the bot's `answers`th message, posted or ephemeral (on a database kept from an
    earlier run the idea is already there, and its author is told so privately), or fail the
    run rather than hang on a bot that never answers."""
    deadline = time.perf_counter() + ANSWER_WITHIN
    while len(fake.of("chat.postMessage")) + len(fake.of("chat.postEphemeral")) < answers:
        if time.perf_counter() > deadline:
            raise RuntimeError(f"the bot did not answer {answers} times within {ANSWER_WITHIN} s")
        await asyncio.sleep(0.005)


async def _healthy(session: ClientSession, base: str) -> None:
    for _ in range(3000):
        with contextlib.suppress(OSError):
            async with session.get(base + "/healthz") as response:
                if response.status == 200:
                    return
        await asyncio.sleep(0.01)
    raise RuntimeError("the server did not start")


async def _peak(pid: int, seconds: float) -> float:
    """The most resident memory seen over `seconds` (the index builds meanwhile)."""
    peak, deadline = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        peak = max(peak, _rss(pid))
        await asyncio.sleep(0.1)
    return peak


def _rss(pid: int) -> float:
    """A process's resident memory, MB (Linux; 0 elsewhere)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=300_000)
    parser.add_argument("--databases", default="sqlite")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--url", help="a big database kept before, instead of seeding one")
    args = parser.parse_args()
    asyncio.run(start_up(args.ideas, args.databases.split(","), args.postgres, args.url))
