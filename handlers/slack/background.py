"""Work done after the ack: tracked tasks, and a cap on engine calls."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

WORKERS = 256  # engine calls in flight at once, per process (votes among them share batches)


class Tasks:
    """Work started after the ack; tracked so that shutdown (and tests) can wait for it.
    `limited` work takes one of `workers` slots, so a burst of clicks queues cheaply instead of
    crowding the event loop that must keep acking within 3 s."""

    def __init__(self, workers: int = WORKERS) -> None:
        self._running: set[asyncio.Task[Any]] = set()
        self._slots = asyncio.Semaphore(workers)

    def spawn(self, work: Coroutine[Any, Any, T], limited: bool = False) -> asyncio.Task[T]:
        task = asyncio.get_running_loop().create_task(self._slot(work) if limited else work)
        self._running.add(task)
        task.add_done_callback(self._done)
        return task

    async def _slot(self, work: Coroutine[Any, Any, T]) -> T:
        async with self._slots:
            return await work

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("slack background work failed", exc_info=task.exception())

    async def idle(self) -> None:
        """Return once no work is left (work may start more work, hence the loop)."""
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)
