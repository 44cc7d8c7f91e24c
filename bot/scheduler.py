"""The metronome: APScheduler runs the clock's jobs; the database keeps what is due and done.

It runs inside `howcanwe serve` on the embedded SQLite database (one process does everything)
and in the single `clock` process (`howcanwe clock`) when the database is a server.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.core.usecases import digests, housekeeping
from bot.core.workshop import Workshop

log = logging.getLogger(__name__)

HOUSEKEEPING_SECONDS = 3600
DIGEST_TICK_SECONDS = 60  # digests are due on the minute: sent within a minute of their time


def _guarded(name: str, job: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[None]]:
    """A job that fails is logged with its name and tried again at its next run."""

    async def run() -> None:
        try:
            await job()
        except Exception:
            log.exception("scheduled job failed", extra={"job": name})

    return run


def _every(
    scheduler: AsyncIOScheduler, name: str, job: Callable[[], Awaitable[object]], seconds: int
) -> None:
    scheduler.add_job(
        _guarded(name, job),
        "interval",
        seconds=seconds,
        id=name,
        name=name,
        coalesce=True,  # after a pause, run once, not once per missed interval
        max_instances=1,  # a slow run is never overlapped by the next
        next_run_time=datetime.now(UTC),  # at once; real time: APScheduler's own clock
    )


@asynccontextmanager
async def running(workshop: Workshop) -> AsyncIterator[AsyncIOScheduler]:
    """Start the jobs on the running event loop; stop them on exit."""
    scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop(), timezone="UTC")
    _every(scheduler, "housekeeping", lambda: housekeeping.tidy(workshop), HOUSEKEEPING_SECONDS)
    _every(scheduler, "digests", lambda: digests.send_due(workshop), DIGEST_TICK_SECONDS)
    scheduler.start()
    log.info("clock started", extra={"jobs": [job.id for job in scheduler.get_jobs()]})
    try:
        yield scheduler
    finally:
        scheduler.shutdown(wait=False)
