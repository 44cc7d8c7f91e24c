"""The plan at a glance read once per revision, however many readers ask at once."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.core.domain import ConversationRef, NewIdea, Participant
from bot.core.usecases.plan_views import plan_summary
from tests.bot.conftest import MemoryServices

ANN = Participant("slack", "U1", "Ann")
TOWN = ConversationRef("slack", "T1", "CTOWN", "town")


class HeldReads:
    """Counts the store's reads of the plan and holds each until released."""

    def __init__(self, services: MemoryServices) -> None:
        self.reads = 0
        self.release = asyncio.Event()
        self._read = services.repo.plan_tops
        services.repo.plan_tops = self.plan_tops  # type: ignore[method-assign]

    async def plan_tops(self, *args: Any, **kwargs: Any) -> Any:
        self.reads += 1
        await self.release.wait()
        return await self._read(*args, **kwargs)


async def idea(services: MemoryServices, text: str) -> None:
    await services.engine.workshop.ready("default")
    new = NewIdea("default", text, "inclusive-growth", ANN, TOWN, None)
    assert (await services.repo.add_idea(new)).idea is not None


async def test_readers_at_one_revision_share_one_read(services: MemoryServices) -> None:
    ws = services.engine.workshop
    await idea(services, "Night buses to the industrial estates")
    held = HeldReads(services)
    readers = [asyncio.ensure_future(plan_summary(ws, "default")) for _ in range(5)]
    await asyncio.sleep(0.01)
    readers[0].cancel()  # a reader leaving early cancels nothing for the others
    held.release.set()
    found = await asyncio.gather(*readers[1:])
    assert held.reads == 1
    assert all(s is found[0] for s in found) and found[0].stats.ideas == 1
    await plan_summary(ws, "default")
    assert held.reads == 1  # kept while the revision stands


async def test_a_write_meanwhile_makes_the_next_reader_read_again(
    services: MemoryServices,
) -> None:
    ws = services.engine.workshop
    held = HeldReads(services)
    first = asyncio.ensure_future(plan_summary(ws, "default"))
    await asyncio.sleep(0.01)
    await idea(services, "Paid apprenticeships with local employers")
    second = asyncio.ensure_future(plan_summary(ws, "default"))
    await asyncio.sleep(0.01)
    held.release.set()
    assert held.reads == 2
    assert (await second).stats.ideas == 1
    await first
