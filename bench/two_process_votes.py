"""Benchmark: two `howcanwe` web processes on one PostgreSQL database take a burst of signed Slack
vote clicks at once, against two bare bolt apps that only ack.

Run from the repository root: `.venv/bin/python -m bench.two_process_votes [--clicks 1000 10000]`.
Needs PostgreSQL (HOWCANWE_TEST_POSTGRES_URL, default the local server, as the tests); a
throw-away database is created and dropped. Every click is sent at once (up to `--in-flight` per
process on the wire), half to each process; each voter's clicks are spread over both. Prints
acks/s, ack p50/p99 and votes stored/s for both pairs, the ratio, whether every acknowledged
vote was stored exactly once (stored = expected), and whether the vote tallies and the plan's
ranks the clicks kept (`storage.tallies`, `storage.plan_ranks`) equal a recount from the votes.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from aiohttp import ClientSession, TCPConnector
from sqlalchemy import Connection, select

from bench.slack_votes import Figures, Server, post, wait_for_count, workshop_clicks
from storage import plan_ranks, tallies
from storage.database import create_engine
from storage.models import Programme, Vote
from tests.conftest import create_postgres_database, drop_postgres_database, migrate
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.fake_slack import FakeSlack

VOTES_EACH = 5


async def burst(urls: list[str], clicks: list[tuple[str, str]], in_flight: int) -> Figures:
    """Every click at once, click n to process n mod 2; failures are counted, not raised."""
    latencies: list[float] = []
    failed = 0
    sessions = [ClientSession(connector=TCPConnector(limit=in_flight)) for _ in urls]

    async def one(n: int, request: tuple[str, str]) -> None:
        nonlocal failed
        try:
            latencies.append(await post(sessions[n % len(urls)], urls[n % len(urls)], request))
        except RuntimeError:
            failed += 1

    started = time.perf_counter()
    try:
        await asyncio.gather(*(one(n, request) for n, request in enumerate(clicks)))
    finally:
        for session in sessions:
            await session.close()
    if failed:
        print(f"  {failed} clicks were refused")
    return Figures(len(clicks), started, time.perf_counter() - started, latencies)


async def one_size(database_url: str, clicks: int, in_flight: int) -> float:
    fake = FakeSlack()
    await fake.start()
    try:
        async with (
            Server("howcanwe", database_url, fake.api_url) as first,
            Server("howcanwe", database_url, fake.api_url) as second,
        ):
            requests = await workshop_clicks(first.url, database_url, fake, clicks // VOTES_EACH)
            ours = await burst([first.url, second.url], requests, in_flight)
            stored, stored_at = await wait_for_count(database_url, Vote, len(requests))
            ours.stored, ours.stored_seconds = stored, stored_at - ours.started
        counted = await tallies_exact(database_url)
        bare_requests = [rq.action("idea.vote", "1", user=f"UV{n}") for n in range(clicks)]
        async with (
            Server("bare", database_url, fake.api_url) as first,
            Server("bare", database_url, fake.api_url) as second,
        ):
            bare = await burst([first.url, second.url], bare_requests, in_flight)
    finally:
        await fake.close()
    print(ours.line("howcanwe"))
    print(bare.line("bare bolt"))
    assert ours.stored_seconds
    ratio = stored / ours.stored_seconds / bare.acks_per_second
    print(
        f"stored votes/s ÷ bare acks/s = {ratio:.2f}; expected={len(requests)} stored={stored}: "
        f"{'exact' if stored == len(requests) == len(ours.latencies) else 'NOT EXACT'}; "
        f"tallies {'equal a recount' if counted else 'DIFFER FROM A RECOUNT'}"
    )
    return ratio


async def tallies_exact(database_url: str) -> bool:
    """Whether every programme's kept vote tallies and plan ranks equal a recount."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_tallies_exact)
    finally:
        await engine.dispose()


def _tallies_exact(conn: Connection) -> bool:
    for pid in conn.scalars(select(Programme.id)):
        kept, recounted = tallies.kept(conn, pid), tallies.recounted(conn, pid)
        if kept.as_dicts() != recounted.as_dicts():
            return False
        if plan_ranks.kept(conn, pid) != plan_ranks.recounted(conn, pid):
            return False
    return True


async def main(sizes: list[int], in_flight: int) -> None:
    for clicks in sizes:
        print(f"{clicks} concurrent clicks, two processes on one PostgreSQL database")
        url = await create_postgres_database()
        try:
            await migrate(url)
            await one_size(url, clicks, in_flight)
        finally:
            await drop_postgres_database(url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--in-flight", type=int, default=500, help="connections per process")
    args = parser.parse_args()
    asyncio.run(main(args.clicks, args.in_flight))
