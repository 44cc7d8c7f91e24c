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

STOP_GRACE_SECONDS = 10  # a run under way when the process stops gets this long to finish

Beat = Callable[[str, datetime], Awaitable[None]]  # records a job's run (storage.clock_ticks)
Runs = set[asyncio.Task[object]]  # the jobs' runs under way


def _guarded(
    name: str, job: Callable[[], Awaitable[object]], beat: Beat | None, runs: Runs
) -> Callable[[], Awaitable[None]]:
    """A job that fails is logged with its name and tried again at its next run; each run is
    counted for /metrics and recorded for `howcanwe doctor`. A run stopped midway (the process
    is stopping) says so in one line: what it claimed and did not record lapses and is sent by
    a later run."""

    async def run() -> None:
        this = asyncio.current_task()
        assert this is not None  # APScheduler runs each coroutine job as a task
        runs.add(this)
        try:
            await _once(name, job, beat)
        except asyncio.CancelledError:  # the run's own task, ended by `_stopped`
            log.warning("scheduled job stopped midway", extra={"job": name})
        finally:
            runs.discard(this)

    return run


async def _once(name: str, job: Callable[[], Awaitable[object]], beat: Beat | None) -> None:
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


def _every(
    scheduler: AsyncIOScheduler,
    name: str,
    job: Callable[[], Awaitable[object]],
    seconds: int,
    beat: Beat | None,
    runs: Runs,
) -> None:
    scheduler.add_job(
        _guarded(name, job, beat, runs),
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
    runs: Runs = set()
    nudge = lambda: reminders.send_due(workshop, platforms)  # noqa: E731
    _every(scheduler, NUDGE_JOB, nudge, DIGEST_TICK_SECONDS, None, runs)
    scheduler.start()
    try:
        yield
    finally:
        await _stopped(scheduler, runs)


@asynccontextmanager
async def running(workshop: Workshop, beat: Beat | None = None) -> AsyncIterator[AsyncIOScheduler]:
    """Start the jobs on the running event loop; stop them on exit."""
    scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop(), timezone="UTC")
    runs: Runs = set()
    tidy = lambda: housekeeping.tidy(workshop)  # noqa: E731
    _every(scheduler, "housekeeping", tidy, HOUSEKEEPING_SECONDS, beat, runs)
    send = lambda: digests.send_due(workshop)  # noqa: E731
    _every(scheduler, TICK_JOB, send, DIGEST_TICK_SECONDS, beat, runs)
    nudge = lambda: reminders.send_due(workshop)  # noqa: E731
    _every(scheduler, NUDGE_JOB, nudge, DIGEST_TICK_SECONDS, beat, runs)
    scheduler.start()
    log.info("clock started", extra={"jobs": [job.id for job in scheduler.get_jobs()]})
    try:
        yield scheduler
    finally:
        await _stopped(scheduler, runs)


async def _stopped(scheduler: AsyncIOScheduler, runs: Runs) -> None:
    """No new runs; those under way finish (what they sent is recorded), or are stopped after
    the grace period (APScheduler's shutdown cancels them)."""
    scheduler.pause()
    under_way = set(runs)
    if under_way:
        await asyncio.wait(under_way, timeout=STOP_GRACE_SECONDS)
    scheduler.shutdown(wait=False)
    await asyncio.gather(*under_way, return_exceptions=True)
