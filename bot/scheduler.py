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

from bot.core.usecases import digests, housekeeping, reminders
from bot.core.workshop import Workshop
from bot.metrics import CLOCK_LAST_TICK, CLOCK_TICKS

log = logging.getLogger(__name__)

HOUSEKEEPING_SECONDS = 3600
DIGEST_TICK_SECONDS = 60  # digests are due on the minute: sent within a minute of their time
TICK_JOB = "digests"  # the job whose runs `howcanwe doctor` checks (every minute)
NUDGE_JOB = "nudges"  # reminders, phase changes set for later, "you said, we did" (every minute)

Beat = Callable[[str, datetime], Awaitable[None]]  # records a job's run (storage.clock_ticks)


def _guarded(
    name: str, job: Callable[[], Awaitable[object]], beat: Beat | None
) -> Callable[[], Awaitable[None]]:
    """A job that fails is logged with its name and tried again at its next run; each run is
    counted for /metrics and recorded for `howcanwe doctor`."""

    async def run() -> None:
        try:
            await job()
        except Exception:
            CLOCK_TICKS.labels(name, "failed").inc()
            log.exception("scheduled job failed", extra={"job": name})
        else:
            CLOCK_TICKS.labels(name, "ok").inc()
        if name != TICK_JOB:
            return
        at = datetime.now(UTC)
        CLOCK_LAST_TICK.set(at.timestamp())
        if beat is not None:
            try:
                await beat(name, at)
            except Exception as error:  # the next tick records it; the job itself has run
                log.warning("clock tick not recorded", extra={"error": repr(error)})

    return run


def _every(
    scheduler: AsyncIOScheduler,
    name: str,
    job: Callable[[], Awaitable[object]],
    seconds: int,
    beat: Beat | None,
) -> None:
    scheduler.add_job(
        _guarded(name, job, beat),
        "interval",
        seconds=seconds,
        id=name,
        name=name,
        coalesce=True,  # after a pause, run once, not once per missed interval
        max_instances=1,  # a slow run is never overlapped by the next
        next_run_time=datetime.now(UTC),  # at once; real time: APScheduler's own clock
    )


@asynccontextmanager
async def nudging(workshop: Workshop, platforms: frozenset[str]) -> AsyncIterator[None]:
    """A clock for nudges to channels on `platforms` only (`howcanwe chat` prints the console's;
    the platforms' are left to the clock process)."""
    scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop(), timezone="UTC")
    nudge = lambda: reminders.send_due(workshop, platforms)  # noqa: E731
    _every(scheduler, NUDGE_JOB, nudge, DIGEST_TICK_SECONDS, None)
    scheduler.start()
    try:
        yield
    finally:
        scheduler.shutdown(wait=False)


@asynccontextmanager
async def running(workshop: Workshop, beat: Beat | None = None) -> AsyncIterator[AsyncIOScheduler]:
    """Start the jobs on the running event loop; stop them on exit."""
    scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop(), timezone="UTC")
    tidy = lambda: housekeeping.tidy(workshop)  # noqa: E731
    _every(scheduler, "housekeeping", tidy, HOUSEKEEPING_SECONDS, beat)
    _every(scheduler, TICK_JOB, lambda: digests.send_due(workshop), DIGEST_TICK_SECONDS, beat)
    nudge = lambda: reminders.send_due(workshop)  # noqa: E731
    _every(scheduler, NUDGE_JOB, nudge, DIGEST_TICK_SECONDS, beat)
    scheduler.start()
    log.info("clock started", extra={"jobs": [job.id for job in scheduler.get_jobs()]})
    try:
        yield scheduler
    finally:
        scheduler.shutdown(wait=False)
