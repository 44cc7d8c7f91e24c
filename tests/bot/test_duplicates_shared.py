"""The near-duplicate index is the database's, not a process's: two processes on one database
(SQLite, then PostgreSQL) see each other's ideas at their next check, and neither builds
anything first."""

from __future__ import annotations

from bot.config import Settings
from bot.core.domain import Anchor, AnchorKind
from bot.services import Services, open_services
from tests.bot.test_duplicates import BRAND, BRAND_LONGER
from tests.bot.test_workshop import Room
from tests.conftest import FakeClock


async def test_an_idea_stored_through_one_process_is_a_duplicate_through_the_other(
    database_services: Services, settings: Settings, clock: FakeClock
) -> None:
    first = Room(database_services)
    async with open_services(settings, clock=clock) as opened:
        second = Room(opened)
        await first.cmd("olive", "prompt fostering")
        second.threads = first.threads  # the same channel, the same prompt's thread
        stored = await first.reply("ann", BRAND)
        assert stored[0].anchor == Anchor(AnchorKind.IDEA, 1)
        held = await second.reply("bob", BRAND_LONGER)
        assert held[0].card.title == "This looks like #1"
        added = await second.reply("cat", "Put a research student in every start-up")
        assert added[0].anchor == Anchor(AnchorKind.IDEA, 2)
        again = await first.reply("dan", "Put a research student in every start-up, paid")
        assert again[0].card.title == "This looks like #2"
