"""Work done after the ack: tracked tasks, a cap on engine calls, and coalesced updates."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Hashable
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
Job = Callable[[], Awaitable[None]]

WORKERS = 64  # engine calls in flight at once, per process
UPDATE_INTERVAL = 1.0  # seconds between two runs of one coalesced job (a chat.update)


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


class Coalescer:
    """Runs only the newest job per key, at most once per `interval`: a burst of votes on one
    card costs two rounds of chat.update, not one per click."""

    def __init__(self, tasks: Tasks, interval: float = UPDATE_INTERVAL) -> None:
        self._tasks = tasks
        self._interval = interval
        self._pending: dict[Hashable, Job] = {}
        self._draining: set[Hashable] = set()
        self._ran_at: dict[Hashable, float] = {}

    def submit(self, key: Hashable, job: Job) -> None:
        self._pending[key] = job
        if key not in self._draining:
            self._draining.add(key)
            self._tasks.spawn(self._drain(key))

    async def _drain(self, key: Hashable) -> None:
        loop = asyncio.get_running_loop()
        try:
            while key in self._pending:
                wait = self._ran_at.get(key, -self._interval) + self._interval - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)  # newer jobs replace the pending one meanwhile
                job = self._pending.pop(key)
                self._ran_at[key] = loop.time()
                await job()
        finally:
            self._draining.discard(key)
            self._forget_old(loop.time())

    def _forget_old(self, now: float) -> None:
        for key, ran in list(self._ran_at.items()):
            if now - ran > self._interval and key not in self._draining:
                del self._ran_at[key]
