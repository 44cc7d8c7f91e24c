"""Work done after the ack (replies going out), tracked so that shutdown and tests can wait."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class Tasks:
    """Replies and updates sent after the ack. What the core stores is committed before the
    ack, so this work only ever carries out answers to requests already decided."""

    def __init__(self) -> None:
        self._running: set[asyncio.Task[Any]] = set()

    def spawn(self, work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        task = asyncio.get_running_loop().create_task(work)
        self._running.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("slack background work failed", exc_info=task.exception())

    async def idle(self) -> None:
        """Return once no work is left (work may start more work, hence the loop)."""
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)
