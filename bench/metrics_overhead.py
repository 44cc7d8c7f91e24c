"""What counting costs: requests per second through the ack-timing middleware against the same
app without it, alternated in the same run, and the cost of one ballot's counters.

    .venv/bin/python -m bench.metrics_overhead [--requests 3000] [--rounds 3]

Prints each round's requests/s with and without the middleware, their median ratio (stable on a
noisy machine), and microseconds per counted ballot next to an empty loop.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import timeit

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.metrics import BALLOTS, BATCH_SIZE
from handlers.web.metrics import count_acks

CONCURRENCY = 32


async def _ok(_request: web.Request) -> web.Response:
    return web.Response(text="")


async def requests_per_second(timed: bool, requests: int) -> float:
    """POSTs to /slack/events answered at once: only the framework and the middleware work."""
    app = web.Application(middlewares=[count_acks] if timed else [])
    app.router.add_post("/slack/events", _ok)
    async with TestClient(TestServer(app, host="127.0.0.1")) as http:
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one() -> None:
            async with gate, http.post("/slack/events", data=b"{}") as response:
                await response.read()

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(requests)))
        return requests / (time.perf_counter() - started)


def ballot_microseconds(ballots: int) -> tuple[float, float]:
    """One ballot's counters (its outcome, and its share of a batch of 100), and an empty loop."""
    cast = BALLOTS.labels("cast")
    votes = BATCH_SIZE.labels("votes")

    def counted() -> None:
        cast.inc()
        votes.observe(100)

    def empty() -> None:
        pass

    per = 1e6 / ballots
    return timeit.timeit(counted, number=ballots) * per, timeit.timeit(empty, number=ballots) * per


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ratios = []
    for round_ in range(1, args.rounds + 1):
        if round_ % 2:  # which goes first alternates: a warmer second run favours neither
            bare = await requests_per_second(False, args.requests)
            timed = await requests_per_second(True, args.requests)
        else:
            timed = await requests_per_second(True, args.requests)
            bare = await requests_per_second(False, args.requests)
        ratios.append(timed / bare)
        print(f"round {round_}: {timed:,.0f} req/s with the middleware, {bare:,.0f} without")
    print(f"median ratio (with / without): {statistics.median(ratios):.3f}")
    counted, empty = ballot_microseconds(200_000)
    print(f"a ballot's counters: {counted:.2f} µs (an empty call: {empty:.2f} µs)")


if __name__ == "__main__":
    asyncio.run(main())
