"""The ExportStore contract: each listing of a full export holds the very ideas, in the very
order, that the whole plan laid out in Python (`bot.core.plan`) has, read a batch at a time."""

from __future__ import annotations

import pytest

from bot.core.domain import Emerging
from bot.core.emerging import gather
from bot.core.plan_export import Listing, Part
from bot.core.plan_views import UNASSIGNED
from tests.contracts.conftest import PROGRAMME
from tests.contracts.test_plan_views import BOOK, GRID, TAGS, THEMES, by_actor, script, whole_plan


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 3: every listing of the script spans several."""
    monkeypatch.setattr("storage.plan_exports.BATCH", 3)
    monkeypatch.setattr("tests.fakes.plan_exports.BATCH", 3)


async def test_every_listing_is_the_plans_own_in_its_order(store) -> None:
    await script(store)
    plan = await whole_plan(store)
    async with store.plan_export(PROGRAMME, GRID) as reader:

        async def listed(listing: Listing) -> tuple:
            batches = [batch async for batch in reader.ideas(listing)]
            assert all(0 < len(b) <= 3 for b in batches), listing
            return tuple(i for b in batches for i in b)

        for tp in plan.themes:
            key = tp.theme.key
            assert await listed(Listing(key)) == tp.ideas, key
            assert await listed(Listing(key, part=Part.MERGED)) == tp.merged, key
            assert await listed(Listing(key, part=Part.HIDDEN)) == tp.hidden, key
            for cell in tp.cells:
                assert await listed(Listing(key, cell.actor.key)) == cell.ideas, key
            assert await listed(Listing(key, UNASSIGNED)) == tp.unassigned, key
            both = (("business", 1), ("community", 2))
            shortlist = tuple(
                i for i in tp.ideas if all(i.votes_by_audience.get(a, 0) >= n for a, n in both)
            )
            assert await listed(Listing(key, backers=both)) == shortlist, key
        for found in gather([Emerging(key, key, key) for key in TAGS], plan.ideas):
            assert await listed(Listing(emerging=found.emerging.key)) == found.ideas
        for actor, ideas in by_actor(plan).items():
            assert await listed(Listing(actor=actor)) == ideas
        assert await listed(Listing("no-such-theme")) == ()
        merged = sum(len(tp.merged) + len(tp.hidden) for tp in plan.themes)
        assert merged == 2  # the script's merge and hidden idea are there


async def test_the_head_is_the_plans_figures(store) -> None:
    await script(store)
    plan = await whole_plan(store)
    async with store.plan_export(PROGRAMME, GRID) as reader:
        head = await reader.head()
        votes = await reader.theme_votes()
    assert head.stats == plan.stats
    assert head.voters == await store.theme_voters(PROGRAMME)
    assert head.theme_keys == {*THEMES, "retired-theme"}
    for tp in plan.themes:
        for cell in tp.cells:
            assert head.counts.get((tp.theme.key, cell.actor.key), 0) == len(cell.ideas)
        assert head.counts.get((tp.theme.key, UNASSIGNED), 0) == len(tp.unassigned)
        for audience in BOOK.audiences:
            want = sum(i.votes_by_audience.get(audience.key, 0) for i in tp.ideas)
            assert votes.get((tp.theme.key, audience.key), 0) == want
