"""The ThemeGroupStore contract: proposals stored with numbers never reused, replaced but for
the confirmed; renamed, merged, dropped once; a confirm adds the theme and tags the ideas still
on the plan in one go, in their history."""

from __future__ import annotations

from bot.core.domain import Emerging, ThemeDraft, ThemeState
from tests.conftest import person
from tests.contracts.conftest import PROGRAMME
from tests.contracts.helpers import add

OLIVE, ORG = person("olive"), person("org")
HOMES = Emerging("homes", "Homes", "Found in the ideas (t1).", added=True)


async def _proposed(store, *drafts: ThemeDraft):
    for _ in range(4):
        await add(store, f"idea {_}")
    return await store.replace_proposed_themes(PROGRAMME, drafts, OLIVE)


async def test_proposals_are_numbered_and_replaced_but_for_the_confirmed(store) -> None:
    stored = await _proposed(
        store, ThemeDraft("Homes", (2, 1)), ThemeDraft("Branding", (3,), "branding-matters")
    )
    assert [(p.ref, p.label, p.numbers, p.emerging_key, p.state) for p in stored] == [
        ("t1", "Homes", (1, 2), None, ThemeState.OPEN),
        ("t2", "Branding", (3,), "branding-matters", ThemeState.OPEN),
    ]
    assert await store.proposed_themes(PROGRAMME) == stored
    assert await store.confirm_proposed_theme(PROGRAMME, 1, "homes", HOMES, ORG) == [1, 2]
    again = await store.replace_proposed_themes(PROGRAMME, [ThemeDraft("Jobs", (4,))], OLIVE)
    assert [(p.ref, p.numbers) for p in again] == [("t3", (4,))]
    assert await store.proposed_theme(PROGRAMME, 2) is None
    confirmed = await store.proposed_theme(PROGRAMME, 1)
    assert confirmed is not None and confirmed.state is ThemeState.CONFIRMED
    assert await store.confirmed_theme_keys(PROGRAMME) == ["homes"]
    await store.ensure_programme("other", "Other", "public")
    assert await store.proposed_themes("other") == []


async def test_a_confirm_adds_the_theme_and_tags_live_ideas_once(store) -> None:
    await _proposed(store, ThemeDraft("Homes", (1, 2, 3)), ThemeDraft("Other", (4,)))
    await store.merge(PROGRAMME, 3, 4, OLIVE)
    await store.tag(PROGRAMME, 2, "homes", True, OLIVE)
    assert await store.confirm_proposed_theme(PROGRAMME, 1, "homes", HOMES, ORG) == [1]
    assert await store.added_emerging(PROGRAMME) == [HOMES]
    assert (await store.idea(PROGRAMME, 1)).emerging == ("homes",)
    actions = [(e.who, e.action, e.detail) for e in await store.history(PROGRAMME, 1)][1:]
    assert actions == [(ORG.key, "idea.tagged", {"emerging": "homes"})]
    assert await store.confirm_proposed_theme(PROGRAMME, 1, "homes", HOMES, ORG) is None
    assert await store.confirmed_theme_keys(PROGRAMME) == ["homes"]


async def test_rename_merge_and_drop_act_on_open_proposals_only(store) -> None:
    await _proposed(store, ThemeDraft("A", (1,)), ThemeDraft("B", (2, 1)), ThemeDraft("C", (3,)))
    assert await store.rename_proposed_theme(PROGRAMME, 1, "Homes", ORG)
    assert await store.merge_proposed_themes(PROGRAMME, 2, 1, ORG)
    assert not await store.merge_proposed_themes(PROGRAMME, 2, 1, ORG)
    assert await store.drop_proposed_theme(PROGRAMME, 3, ORG)
    assert not await store.drop_proposed_theme(PROGRAMME, 3, ORG)
    assert not await store.rename_proposed_theme(PROGRAMME, 3, "x", ORG)
    assert not await store.merge_proposed_themes(PROGRAMME, 1, 3, ORG)
    (left,) = await store.proposed_themes(PROGRAMME)
    assert (left.ref, left.label, left.numbers) == ("t1", "Homes", (1, 2))
    merged = await store.proposed_theme(PROGRAMME, 2)
    dropped = await store.proposed_theme(PROGRAMME, 3)
    assert merged is not None and merged.state is ThemeState.MERGED
    assert dropped is not None and dropped.state is ThemeState.DROPPED
