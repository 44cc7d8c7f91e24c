"""Participation by hour and audience, counted by the database on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.interaction import Command
from bot.core.participation import HourCount
from tests.conftest import FakeClock, ctx


async def test_ideas_and_votes_are_counted_per_utc_hour_and_audience(services, clock: FakeClock):
    engine = services.engine

    async def say(user: str, channel: str, text: str) -> None:
        await engine.handle(ctx(user, channel), Command(text))

    await say("olive", "biz", "channel business")
    clock.advance(hours=14, minutes=59)  # 23:59 UTC on 2 March
    await say("ann", "general", "idea inclusive: Community energy co-ops")
    await say("bob", "biz", "idea inclusive: Paid apprenticeships")
    await say("bob", "biz", "vote 1")
    clock.advance(minutes=2)  # 00:01 UTC on 3 March
    await say("ann", "general", "vote 1")
    await say("ann", "biz", "vote 2")  # counts for the channel it was cast in
    clock.advance(days=2)
    await say("cat", "general", "idea inclusive: Spam spam spam")
    await say("dan", "general", "vote 3")
    await say("olive", "general", "hide 3")  # hidden ideas and their votes are left out

    assert await services.repo.participation("default") == [
        HourCount(datetime(2026, 3, 2, 23, tzinfo=UTC), "business", 1, 1),
        HourCount(datetime(2026, 3, 2, 23, tzinfo=UTC), "community", 1, 0),
        HourCount(datetime(2026, 3, 3, 0, tzinfo=UTC), "business", 0, 1),
        HourCount(datetime(2026, 3, 3, 0, tzinfo=UTC), "community", 0, 1),
    ]


async def test_a_programme_with_nothing_yet_has_no_days(services) -> None:
    await services.engine.workshop.ready("default")
    assert await services.repo.participation("default") == []
