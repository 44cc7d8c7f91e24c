"""The EmergingStore contract: emerging themes added once per key, in order; ideas tagged and
untagged once, merged and missing ideas refused, in the history."""

from __future__ import annotations

from bot.core.domain import Emerging, Outcome
from tests.conftest import person
from tests.contracts.conftest import PROGRAMME
from tests.contracts.helpers import add

OLIVE, ORG = person("olive"), person("org")
BOLD = Emerging("be-bold", "Be bold", "take good risks", added=True)


async def test_emerging_themes_are_added_once_per_key_in_order(store) -> None:
    assert await store.added_emerging(PROGRAMME) == []
    assert await store.add_emerging(PROGRAMME, BOLD, OLIVE)
    later = Emerging("hubs", "Hubs", "community hubs", added=True)
    assert await store.add_emerging(PROGRAMME, later, ORG)
    again = Emerging("be-bold", "Be Bold!", "again", added=True)
    assert not await store.add_emerging(PROGRAMME, again, ORG)
    assert await store.added_emerging(PROGRAMME) == [BOLD, later]
    await store.ensure_programme("other", "Other", "public")
    assert await store.added_emerging("other") == []


async def test_ideas_are_tagged_and_untagged_once(store) -> None:
    await add(store, "a")
    done = await store.tag(PROGRAMME, 1, "be-bold", True, OLIVE)
    assert done.outcome is Outcome.DONE and done.idea is not None
    assert done.idea.emerging == ("be-bold",)
    assert (await store.tag(PROGRAMME, 1, "be-bold", True, OLIVE)).outcome is Outcome.ALREADY
    both = await store.tag(PROGRAMME, 1, "branding-matters", True, ORG)
    assert both.idea is not None and set(both.idea.emerging) == {"be-bold", "branding-matters"}
    off = await store.tag(PROGRAMME, 1, "be-bold", False, OLIVE)
    assert off.outcome is Outcome.DONE and off.idea is not None
    assert off.idea.emerging == ("branding-matters",)
    assert (await store.tag(PROGRAMME, 1, "be-bold", False, OLIVE)).outcome is Outcome.ALREADY
    actions = [(e.action, e.detail) for e in await store.history(PROGRAMME, 1)][1:]
    assert actions == [
        ("idea.tagged", {"emerging": "be-bold"}),
        ("idea.tagged", {"emerging": "branding-matters"}),
        ("idea.untagged", {"emerging": "be-bold"}),
    ]


async def test_merged_and_missing_ideas_are_not_tagged(store) -> None:
    await add(store, "a")
    await add(store, "b")
    await store.merge(PROGRAMME, 2, 1, OLIVE)
    merged = await store.tag(PROGRAMME, 2, "be-bold", True, OLIVE)
    assert merged.outcome is Outcome.MERGED and merged.idea is not None
    assert merged.idea.emerging == ()
    assert (await store.tag(PROGRAMME, 9, "be-bold", True, OLIVE)).outcome is Outcome.NO_SUCH_IDEA


async def test_a_themes_tagged_texts_are_its_newest_live_ideas(store) -> None:
    for text in ("a", "b", "c", "d", "e"):
        await add(store, text)
    for number in (1, 2, 3, 4, 5):
        await store.tag(PROGRAMME, number, "be-bold", True, OLIVE)
    await store.tag(PROGRAMME, 2, "hubs", True, OLIVE)
    await store.merge(PROGRAMME, 5, 1, OLIVE)  # part of #1 now: not on the plan on its own
    assert await store.tagged_texts(PROGRAMME, {"be-bold", "hubs", "none"}, 3) == {
        "be-bold": ["d", "c", "b"],
        "hubs": ["b"],
    }
