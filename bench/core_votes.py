"""Votes per second through the core (engine → use case → guarded SQL), against a baseline of
bare single-row INSERTs on the same database in the same run.

    .venv/bin/python -m bench.core_votes [--votes 2000] [--concurrency 16] [--postgres URL]

Prints throughput and latency for both, and their ratio (stable on a noisy machine).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import asyncpg
from sqlalchemy import text

from bench.ideas import distinct_ideas
from bot.config import Settings
from bot.core.domain import ConversationRef, Participant
from bot.core.interaction import Command, Context, Rejected
from bot.services import open_services

IDEAS = 100
PARTICIPANTS = 400


async def timed(
    jobs: list[Callable[[], Awaitable[object]]], concurrency: int
) -> tuple[float, list[float]]:
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []

    async def one(job: Callable[[], Awaitable[object]]) -> None:
        async with gate:
            start = time.perf_counter()
            await job()
            latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    await asyncio.gather(*(one(job) for job in jobs))
    return time.perf_counter() - start, latencies


def report(label: str, count: int, elapsed: float, latencies: list[float]) -> float:
    rate = count / elapsed
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"  {label:<34} {rate:8.0f} votes/s   p50 {cuts[49] * 1000:6.1f} ms   "
        f"p99 {cuts[98] * 1000:6.1f} ms"
    )
    return rate


async def run(database_url: str, label: str, votes: int, concurrency: int) -> None:
    settings = Settings(database_url=database_url, auto_migrate=True, organisers=frozenset())
    async with open_services(settings) as services:
        engine, db = services.engine, services.db
        where = ConversationRef("console", "local", "bench", "bench")
        author = Context(Participant("console", "author", "Author"), where)
        await engine.handle(author, Command("prompt inclusive"))
        for idea in distinct_ideas(IDEAS):
            await engine.handle(author, Command(f"idea inclusive: {idea}"))
        pairs = [(p, 1 + (p * 7 + k) % IDEAS) for p in range(PARTICIPANTS) for k in range(5)]
        pairs = pairs[:votes]

        refused: list[str] = []

        def vote(participant: int, idea: int) -> Callable[[], Awaitable[object]]:
            who = Context(Participant("console", f"p{participant}", f"P{participant}"), where)

            async def go() -> None:
                replies = await engine.handle(who, Command(f"vote {idea}"))
                refused.extend(r.reason for r in replies if isinstance(r, Rejected))

            return go

        elapsed, lat = await timed([vote(p, i) for p, i in pairs], concurrency)
        async with db.connect() as conn:
            stored = (await conn.execute(text("SELECT count(*) FROM votes"))).scalar_one()
        print(
            f"{label}: {len(pairs)} votes, concurrency {concurrency}, {stored} stored, "
            f"{len(refused)} refused {sorted(set(refused))[:3]}"
        )
        ours = report("howcanwe vote (engine + budget)", len(pairs), elapsed, lat)

        async with db.begin() as conn:
            await conn.execute(text("CREATE TABLE bench_votes (idea integer, who text, at text)"))

        def insert(participant: int, idea: int) -> Callable[[], Awaitable[object]]:
            async def go() -> None:
                async with db.begin() as conn:
                    await conn.execute(
                        text("INSERT INTO bench_votes VALUES (:i, :w, :a)"),
                        {"i": idea, "w": f"p{participant}", "a": datetime.now(UTC).isoformat()},
                    )

            return go

        elapsed, lat = await timed([insert(p, i) for p, i in pairs], concurrency)
        bare = report("baseline: bare INSERT per vote", len(pairs), elapsed, lat)
        print(f"  ratio howcanwe / baseline: {ours / bare:.2f}")
        assert stored + len(refused) == len(pairs), "every vote is either stored or refused"
        rejected = await engine.handle(
            Context(Participant("console", "p0", "P0"), where), Command("vote 9999")
        )
        assert isinstance(rejected[0], Rejected)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--votes", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        await run(f"sqlite:///{folder}/bench.db", "SQLite", args.votes, args.concurrency)
    name = f"howcanwe_bench_{uuid.uuid4().hex[:8]}"
    try:
        admin = await asyncpg.connect(args.postgres)
    except OSError:
        print("PostgreSQL: not reachable, skipped")
        return
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = args.postgres.rsplit("/", 1)[0] + "/" + name
        await run(url, "PostgreSQL", args.votes, args.concurrency)
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
