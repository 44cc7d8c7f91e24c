"""Micro-batching of awaited calls, for the reads and writes a burst of clicks repeats."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from bot.metrics import QUEUE_DEPTH

log = logging.getLogger(__name__)

K = TypeVar("K")
I = TypeVar("I")  # noqa: E741 - an item, as in Batcher[K, I, R]
R = TypeVar("R")


class Batcher(Generic[K, I, R]):
    """Micro-batching of awaited calls per key: `submit` waits for its own result, while every
    item submitted before a batch starts is handled by one call of `handle`. The first item of a
    quiet key starts a batch at once (on the next turn of the event loop), so nothing waits for
    a timer. Up to `concurrency` batches of one key run at a time: one where the database has a
    single writer, a few where it runs writers side by side and settles their races itself."""

    def __init__(
        self,
        handle: Callable[[K, list[I]], Awaitable[list[R]]],
        concurrency: int = 1,
        queue: str | None = None,
    ) -> None:
        self._handle = handle
        self._depth = QUEUE_DEPTH.labels(queue) if queue else None  # items waiting, for /metrics
        self._concurrency = concurrency
        self._waiting: dict[K, list[tuple[I, asyncio.Future[R]]]] = {}
        self._running: dict[K, set[asyncio.Task[None]]] = {}

    async def submit(self, key: K, item: I) -> R:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._waiting.setdefault(key, []).append((item, future))
        if self._depth is not None:
            self._depth.inc()
        running = self._running.setdefault(key, set())
        if len(running) < self._concurrency:
            running.add(loop.create_task(self._drain(key)))
        return await future

    async def _drain(self, key: K) -> None:
        try:
            while batch := self._waiting.pop(key, None):
                if self._depth is not None:
                    self._depth.dec(len(batch))
                await self._settle(key, batch)
        finally:
            running = self._running[key]
            running.discard(asyncio.current_task())
            if not running:
                del self._running[key]

    async def _settle(self, key: K, batch: list[tuple[I, asyncio.Future[R]]]) -> None:
        try:
            results = await self._handle(key, [item for item, _ in batch])
        except Exception as error:  # every caller of the batch hears of the failure
            log.warning("batch failed", extra={"items": len(batch), "error": repr(error)})
            for _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():  # its caller may have given up waiting
                future.set_result(result)

    async def idle(self) -> None:
        """Wait until every batch started so far has been written."""
        while self._running:
            tasks = [task for running in self._running.values() for task in running]
            await asyncio.gather(*tasks, return_exceptions=True)
