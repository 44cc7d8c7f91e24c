"""`themes emerging` through the engine's one door, on in-memory storage with the meaning
model: proposals stored with short ids, confirmed (button or command), renamed, merged, dropped;
new ideas joining a confirmed theme."""

from __future__ import annotations

from collections import Counter

import pytest

from bot import clustering
from bot.core.interaction import THEME_CONFIRM, THEME_DROP, Actions, ButtonPressed, Say
from tests.bot.test_workshop import Room, refused, said

IDEAS = (
    "Safe protected cycle lanes on every main road into the city centre",
    "More bike parking at stations so people can cycle to the train",
    "Electric bus routes linking villages to the nearest rail station",
    "Affordable homes for key workers near the new business parks",
    "Build social housing on empty brownfield sites owned by the council",
    "Community land trusts so local people can own homes they can afford",
    "Free apprenticeships for school leavers in green construction trades",
    "Train older workers in digital skills through evening classes",
)


@pytest.fixture
async def room(services) -> Room:
    room = Room(services)
    await room.cmd("olive", "prompt inclusive")
    for text in IDEAS:
        await room.reply("ann", text)
    return room


def buttons(replies) -> dict[str, tuple[str, str]]:
    card = next(r.card for r in replies if isinstance(r, Say))
    return {
        b.label: (b.action_id, b.value)
        for block in card.blocks
        if isinstance(block, Actions)
        for b in block.elements
    }


async def proposals(room: Room):
    return await room.repo.proposed_themes("default")


async def test_proposals_are_stored_with_ids_and_buttons_and_a_confirm_tags_their_ideas(
    room: Room,
) -> None:
    shown = await room.cmd("olive", "themes emerging")
    text = said(shown)
    assert text.startswith("Emerging themes proposed — Local Industrial Strategy Lab")
    stored = await proposals(room)
    assert stored and [p.ref for p in stored] == [f"t{n}" for n in range(1, len(stored) + 1)]
    first = next(p for p in stored if p.emerging_key is None)
    assert f"{first.ref} · new: {first.label} ({len(first.numbers)} ideas)" in text
    assert "no votes yet" in text and "`themes merge t2 into t1`" in text
    assert buttons(shown)[f"Confirm {first.ref}"] == (THEME_CONFIRM, first.ref)
    assert buttons(shown)[f"Drop {first.ref}"] == (THEME_DROP, first.ref)
    done = said(await room.send("olive", ButtonPressed(THEME_CONFIRM, first.ref)))
    tagged = ", ".join(f"#{n}" for n in first.numbers)
    assert f"Emerging theme “{first.label}” confirmed ({first.ref}): {tagged} tagged" in done
    listed = said(await room.cmd("ann", "emerging"))
    assert f"{first.label} ({len(first.numbers)} ideas)" in listed
    assert f"{first.label} (" in said(await room.cmd("ann", "plan"))
    history = said(await room.cmd("olive", f"history {first.numbers[0]}"))
    assert "tagged" in history and "olive" in history
    assert f"{first.ref} is already confirmed. Nothing changed." in refused(
        await room.cmd("olive", f"themes confirm {first.ref}")
    )


async def test_rename_merge_and_drop_then_a_rerun_replaces_what_was_not_confirmed(
    room: Room,
) -> None:
    await room.cmd("olive", "themes emerging")
    first, second, *_ = await proposals(room)
    renamed = said(await room.cmd("olive", f'themes rename {first.ref} "Getting around"'))
    assert renamed == f"{first.ref} is now “Getting around”."
    merged = said(await room.cmd("olive", f"themes merge {second.ref} into {first.ref}"))
    assert merged.startswith(f"{second.ref} is now part of {first.ref}")
    (now, *rest) = await proposals(room)
    assert now.label == "Getting around"
    assert set(now.numbers) == set(first.numbers) | set(second.numbers)
    assert second.ref not in [p.ref for p in rest]
    if rest:
        dropped = said(await room.send("olive", ButtonPressed(THEME_DROP, rest[0].ref)))
        assert dropped == f"{rest[0].ref} dropped: its ideas stay as they are."
    await room.cmd("olive", f"themes confirm {first.ref}")
    before = max(p.number for p in (now, *rest))
    await room.cmd("olive", "themes emerging")
    again = await proposals(room)
    assert all(p.number > max(before, second.number) for p in again)
    assert not set(now.numbers) & {n for p in again for n in p.numbers}  # tagged: not regrouped
    assert "already confirmed" in refused(await room.cmd("olive", f"themes drop {first.ref}"))


@pytest.mark.parametrize(
    ("who", "line", "reason"),
    [
        ("ann", "themes emerging", "Only organisers can propose emerging themes."),
        ("ann", "themes confirm t1", "Only organisers can confirm emerging themes."),
        ("olive", "themes confirm t9", "There is no proposed theme t9."),
        ("olive", "themes confirm x1", "'x1' is not a proposed theme"),
        ("olive", "themes merge t1 into t1", "t1 cannot be merged into itself."),
        ("olive", "themes merge t1 t2", "Usage: `themes merge <id> into <id>`"),
        ("olive", "themes rename t1", "Usage: `themes rename <id> <label>`"),
        ("olive", "themes rename t1 " + "x" * 101, "Please give a label of 1 to 100"),
        ("olive", "themes drop", "Which proposal?"),
    ],
)
async def test_bad_theme_commands_are_refused_and_change_nothing(
    room: Room, who, line, reason
) -> None:
    await room.cmd("olive", "themes emerging")
    before = await proposals(room)
    assert refused(await room.cmd(who, line)).startswith(reason)
    assert await proposals(room) == before
    assert await room.repo.added_emerging("default") == []


async def test_a_participants_click_is_refused(room: Room) -> None:
    await room.cmd("olive", "themes emerging")
    pressed = await room.send("ann", ButtonPressed(THEME_CONFIRM, "t1"))
    assert refused(pressed).startswith("Only organisers can sort proposed emerging themes.")


async def test_themes_alone_keeps_its_meaning(room: Room) -> None:
    assert said(await room.cmd("ann", "themes")).startswith("Themes — ")


async def test_a_new_idea_joins_the_nearest_confirmed_theme(room: Room) -> None:
    await room.cmd("olive", "themes emerging")
    homes = next(p for p in await proposals(room) if 4 in p.numbers)
    await room.cmd("olive", f"themes rename {homes.ref} Homes people can afford")
    await room.cmd("olive", f"themes confirm {homes.ref}")
    posted = said(await room.reply("ben", "Cheaper rented homes and houses for young families"))
    assert (
        "joined emerging theme “Homes people can afford” — `untag 9 homes-people-can-afford`"
        in (posted)
    )
    assert "Emerging: Homes people can afford" in posted
    (entry,) = [e for e in await room.repo.history("default", 9) if e.action == "idea.tagged"]
    assert entry.who == "bot:howcanwe"
    far = said(await room.reply("ben", "Open a space observatory with night sky tours"))
    assert "joined emerging theme" not in far


async def test_ideas_close_to_an_existing_theme_are_proposed_into_it(room: Room) -> None:
    text = said(await room.cmd("olive", "themes emerging"))
    into = next(p for p in await proposals(room) if p.emerging_key is not None)
    assert (into.emerging_key, into.label) == ("bring-people-together", "Bring people together")
    assert f"{into.ref} · into “Bring people together”" in text
    done = said(await room.cmd("olive", f"themes confirm {into.ref}"))
    assert f"Emerging theme “Bring people together” confirmed ({into.ref})" in done
    assert await room.repo.added_emerging("default") == []  # the playbook's own: nothing added
    for number in into.numbers:
        assert "bring-people-together" in (await room.repo.idea("default", number)).emerging


def test_a_label_is_made_of_what_ideas_are_about_not_where_or_how_much() -> None:
    assert clustering.words("Trams along the river, every day, through the city") == [
        "trams",
        "river",
        "day",
        "city",
    ]
    found = [{"trams", "river"}, {"trams", "city"}]
    assert clustering.label(found, Counter({"trams": 2, "river": 1, "city": 1}), 40) == (
        "Trams, city, river"
    )
