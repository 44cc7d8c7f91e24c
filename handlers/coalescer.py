"""In-place updates coalesced per card, for every platform's edge."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Hashable
from typing import Any

from bot.metrics import QUEUE_DEPTH

Job = Callable[[], Awaitable[None]]
Spawn = Callable[[Coroutine[Any, Any, None]], Any]  # starts tracked background work

UPDATE_INTERVAL = 1.0  # seconds between two runs of one coalesced job
PENDING = QUEUE_DEPTH.labels("card_updates")  # cards with an update waiting


class Coalescer:
    """Runs only the newest job per key, at most once per `interval`: a burst of votes on one
    card costs two rounds of updates (Slack's chat.update, a Teams activity update), not one
    per click, and stays within both platforms' rate limits."""

    def __init__(self, spawn: Spawn, interval: float = UPDATE_INTERVAL) -> None:
        self._spawn = spawn
        self._interval = interval
        self._pending: dict[Hashable, Job] = {}
        self._draining: set[Hashable] = set()
        self._ran_at: dict[Hashable, float] = {}

    def submit(self, key: Hashable, job: Job) -> None:
        if key not in self._pending:
            PENDING.inc()
        self._pending[key] = job
        if key not in self._draining:
            self._draining.add(key)
            self._spawn(self._drain(key))

    async def _drain(self, key: Hashable) -> None:
        loop = asyncio.get_running_loop()
        try:
            while key in self._pending:
                wait = self._ran_at.get(key, -self._interval) + self._interval - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)  # newer jobs replace the pending one meanwhile
                job = self._pending.pop(key)
                PENDING.dec()
                self._ran_at[key] = loop.time()
                await job()
        finally:
            self._draining.discard(key)
            self._forget_old(loop.time())

    def _forget_old(self, now: float) -> None:
        for key, ran in list(self._ran_at.items()):
            if now - ran > self._interval and key not in self._draining:
                del self._ran_at[key]
