"""`my data` and `forget me` through the engine's one door, on in-memory storage (erasure from
the database itself: tests/bot/test_tenancy.py and the Slack and Teams test_forgetting.py)."""

from __future__ import annotations

import json

import pytest

from bot.core.domain import FORGOTTEN
from bot.core.interaction import FORGET, Button, ButtonPressed, Refresh, Say
from tests.bot.test_workshop import Room, refused, said


@pytest.fixture
def room(services) -> Room:
    return Room(services)


async def _workshop(room: Room) -> None:
    """Ann adds two ideas and votes for Bob's; Bob and Carol vote for Ann's first."""
    await room.cmd("olive", "prompt infra")
    await room.reply("ann", "Trams along the river")
    await room.reply("ann", "Bike lanes to every school")
    await room.reply("bob", "Night buses at weekends")
    await room.cmd("ann", "vote 3")
    await room.cmd("bob", "vote 1")
    await room.cmd("carol", "vote 1")
    await room.cmd("ann", "flag 3 <b>too vague</b>")
    await room.cmd("ann", "propose 3 authority funder")


async def test_my_data_lists_ideas_votes_and_flags_with_json(room: Room) -> None:
    await _workshop(room)
    replies = await room.cmd("ann", "my data")
    assert isinstance(replies[0], Say) and replies[0].delivery.value == "private"
    text = said(replies)
    assert "Everything stored about you" in text
    assert "#1 (investing-in-infrastructure" in text and "Trams along the river" in text
    assert "Votes (1)" in text and "#3 (community" in text
    assert "<b>too vague</b>" in text  # as typed; each platform escapes it
    record = json.loads(text[text.index("{") :])
    assert record["participant"]["user_id"] == "ann"
    assert [i["id"] for i in record["ideas"]] == [1, 2]
    assert [v["idea"] for v in record["votes"]] == [3]
    assert record["flags"][0]["reason"] == "<b>too vague</b>"
    assert "Actor proposals (1)" in text and "#3 (" in text
    assert [(p["idea"], p["actor"], p["style"]) for p in record["proposals"]] == [
        (3, "authority", "funder")
    ]
    assert "Nothing is stored about you" in said(await room.cmd("zed", "my data"))


async def test_forget_me_asks_first_then_says_exactly_what_it_did(room: Room) -> None:
    await _workshop(room)
    warning = await room.cmd("ann", "forget me")
    card = warning[0].card
    assert "cannot be undone" in card.as_text() and "forget me confirm" in card.as_text()
    (button,) = [e for b in card.blocks if hasattr(b, "elements") for e in b.elements]
    assert isinstance(button, Button) and (button.label, button.action_id) == ("Forget me", FORGET)
    assert len(await room.repo.ideas("default")) == 3  # nothing happened yet
    replies = await room.send("ann", ButtonPressed(FORGET, button.value))
    removed = [r for r in replies if isinstance(r, Refresh)]
    assert [r.anchor.ref for r in removed] == [1, 2]  # the posted cards lose their text
    assert all("removed" in r.card.title and "Trams" not in r.card.as_text() for r in removed)
    assert "removed" in (await room.engine.card("default", removed[0].anchor)).title
    done = said(replies)
    assert "Deleted 2 ideas, with the 2 votes they had (refunded to the voters)" in done
    assert "kept 1 vote on others' ideas as anonymous totals" in done
    assert "erased the reasons of 1 flag" in done
    (left,) = await room.repo.ideas("default")
    assert left.number == 3 and left.votes == 1  # Ann's vote stays, anonymously
    assert [p.count for p in left.proposals] == [1]  # and her proposal, anonymously
    assert "Nothing is stored about you" in said(await room.cmd("ann", "my data"))
    history = said(await room.cmd("olive", "history 3"))
    assert "console:ann" not in history


async def test_forgetting_refunds_voters_and_anonymises_votes(room: Room) -> None:
    await _workshop(room)
    await room.cmd("ann", "forget me confirm")
    budget = room.engine.playbook.votes_per_theme
    # Bob's vote for #1 went with it: his budget is whole again.
    assert f"You have {budget - 1} of {budget}" in said(await room.cmd("bob", "vote 3"))
    flags = said(await room.cmd("olive", "flags"))
    assert FORGOTTEN in flags and "too vague" not in flags
    assert "There is no idea #1" in refused(await room.cmd("bob", "vote 1"))


async def test_organisers_can_see_and_forget_someone_on_request(room: Room) -> None:
    await _workshop(room)
    assert "Only organisers can see someone else's data" in refused(
        await room.cmd("bob", "data console:ann")
    )
    assert "Only organisers can forget someone else" in refused(
        await room.cmd("bob", "forget console:ann confirm")
    )
    assert "Everything stored about console:ann" in said(await room.cmd("olive", "data ann"))
    warning = await room.cmd("olive", "forget console:ann")
    assert "Forget console:ann?" in said(warning)
    done = said(await room.cmd("olive", "forget console:ann confirm"))
    assert "Deleted 2 ideas" in done and "replaced their name" in done
    assert "Nothing is stored about console:ann" in said(await room.cmd("olive", "data ann"))


async def test_forgetting_a_merged_and_assigned_idea_says_so(room: Room) -> None:
    await _workshop(room)
    await room.cmd("olive", "assign 1 authority")
    await room.cmd("olive", "merge 2 into 3")
    done = said(await room.cmd("ann", "forget me confirm"))
    assert "Deleted 2 ideas (2 of them merged or assigned)" in done
    (left,) = await room.repo.ideas("default")
    assert left.number == 3 and left.merged == ()


async def test_bad_forget_commands_are_explained(room: Room) -> None:
    assert "Usage: `forget me`" in refused(await room.cmd("ann", "forget"))
    assert "Usage: `forget me`" in refused(await room.cmd("ann", "forget me now please"))
    assert "Whose data?" in refused(await room.cmd("olive", "data"))
    assert "Nothing is stored about you, so nothing was forgotten" in said(
        await room.cmd("zed", "forget me confirm")
    )


async def test_someone_forgotten_who_comes_back_starts_afresh(room: Room) -> None:
    await _workshop(room)
    await room.cmd("ann", "forget me confirm")
    assert "Your vote for #3 is in" in said(await room.cmd("ann", "vote 3"))
    (left,) = await room.repo.ideas("default")
    assert left.votes == 2  # the forgotten vote and the new one: nothing links them
    mine = said(await room.cmd("ann", "my data"))
    assert "Ideas (0)" in mine and "Votes (1)" in mine and "Flags (0)" in mine


async def test_an_organiser_known_only_by_name_in_the_records_can_be_forgotten(
    room: Room,
) -> None:
    await room.cmd("olive", "organiser add console:zed")
    assert "console:zed" in said(await room.cmd("olive", "organisers"))
    done = said(await room.cmd("olive", "forget console:zed confirm"))
    assert "Done." in done and "replaced their name" in done
    assert "console:zed" not in said(await room.cmd("olive", "organisers"))
    assert "Nothing is stored about console:zed" in said(
        await room.cmd("olive", "forget console:zed confirm")
    )
