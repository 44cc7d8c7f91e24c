"""The clock's housekeeping: old event ids are forgotten, recent ones kept for retries."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from prometheus_client import REGISTRY

from bot import scheduler
from bot.config import Settings
from bot.core.domain import Claim
from bot.core.usecases import housekeeping
from bot.services import Services, clock_in_web
from handlers.turns import LEASE


async def _first_sighting(repo, platform: str, event: str) -> bool:
    """True if the event was new (it is now handled), False if handled before."""
    if await repo.claim(platform, event, LEASE) is not Claim.NEW:
        return False
    await repo.handled(platform, event)
    return True


async def test_event_ids_older_than_a_week_are_forgotten(services, clock) -> None:
    repo = services.repo
    assert await _first_sighting(repo, "slack", "old")
    clock.advance(days=6)
    assert await _first_sighting(repo, "teams", "recent")
    clock.advance(days=2)
    assert await housekeeping.forget_old_events(services.engine.workshop) == 1
    assert await _first_sighting(repo, "slack", "old") is True  # forgotten: new again
    assert await _first_sighting(repo, "teams", "recent") is False  # still remembered


async def test_the_clock_runs_housekeeping_as_soon_as_it_starts(services, clock) -> None:
    repo = services.repo
    await _first_sighting(repo, "slack", "old")
    clock.advance(days=8)
    async with scheduler.running(services.engine.workshop) as running:
        assert [job.id for job in running.get_jobs()] == ["housekeeping", "digests", "nudges"]
        forgotten = False
        for _ in range(200):  # bounded wait: the first run is due at once
            await asyncio.sleep(0.05)
            # While "old" is remembered this returns False; once forgotten it is new again.
            forgotten = await _first_sighting(repo, "slack", "old")
            if forgotten:
                break
    assert forgotten


def test_the_clock_runs_in_the_web_process_only_on_the_embedded_database() -> None:
    assert clock_in_web(Settings(database_url="sqlite+aiosqlite:///x.db"))
    assert not clock_in_web(Settings(database_url="postgres://u@h/db"))
    assert clock_in_web(Settings(database_url="postgres://u@h/db", in_process_clock=True))


async def test_each_digest_tick_is_recorded_for_the_doctor_and_counted(
    database_services: Services,
) -> None:
    repo = database_services.repo
    ticks = (
        REGISTRY.get_sample_value("howcanwe_clock_ticks_total", {"job": "digests", "result": "ok"})
        or 0.0
    )
    assert await repo.last_tick(scheduler.TICK_JOB) is None
    started = datetime.now(UTC)

    async with scheduler.running(database_services.engine.workshop, repo.record_tick):
        last = None
        for _ in range(200):  # bounded wait: the first run is due at once
            await asyncio.sleep(0.05)
            last = await repo.last_tick(scheduler.TICK_JOB)
            if last is not None:
                break

    assert last is not None and started <= last <= datetime.now(UTC)
    assert (
        REGISTRY.get_sample_value("howcanwe_clock_ticks_total", {"job": "digests", "result": "ok"})
        == ticks + 1
    )
    assert (
        REGISTRY.get_sample_value("howcanwe_clock_last_tick_timestamp_seconds") == last.timestamp()
    )


async def test_a_stop_lets_a_run_under_way_finish_then_stops_one_that_hangs(
    services, monkeypatch, caplog
) -> None:
    """`howcanwe chat` ending at the end of its script, or a server told to stop, in the middle
    of a round of nudges: it ends, recorded, or it is stopped with one line, no traceback."""
    monkeypatch.setattr(scheduler, "STOP_GRACE_SECONDS", 0.2)
    started, finished, hung = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def slow_round(*_: object) -> int:
        started.set()
        await asyncio.sleep(0.05)
        finished.set()
        return 0

    async def hanging_round(*_: object) -> int:
        hung.set()
        await asyncio.Event().wait()
        return 0

    for round_, done in ((slow_round, finished), (hanging_round, None)):
        monkeypatch.setattr(scheduler.reminders, "send_due", round_)
        async with scheduler.nudging(services.engine.workshop, frozenset({"console"})):
            await (started if done else hung).wait()
        if done is not None:
            assert done.is_set()  # the stop waited for it
    assert [r.getMessage() for r in caplog.records if r.name == "bot.scheduler"] == [
        "scheduled job stopped midway"
    ]
    assert not any(r.exc_info for r in caplog.records)
