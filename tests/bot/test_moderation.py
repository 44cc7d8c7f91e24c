"""Moderation and history through the engine's one door, on in-memory storage."""

from __future__ import annotations

import asyncio

import pytest

from bot.core.interaction import HIDE, KEEP, VOTE, ButtonPressed, Delivery, Refresh, Say
from bot.core.usecases import planning
from tests.bot.platforms import Platforms
from tests.bot.test_workshop import Room, refused, said
from tests.fakes.plan_exports import exported


@pytest.fixture
def room(services) -> Room:
    return Room(services)


@pytest.fixture
def notices(room: Room, clock) -> Platforms:
    recorder = Platforms(clock)
    room.engine.workshop.notifier = recorder
    return recorder


DISTINCT = (
    "Trams along the river",
    "Bike lanes to every school",
    "Night buses at weekends",
    "Cheaper rail season tickets",
    "Park and ride at the ring road",
    "Car clubs in new estates",
    "Electric ferries",
    "Footbridges over the bypass",
    "Cargo bikes for shops",
    "A single travel app",
    "Free buses for apprentices",
    "Charging points in villages",
)


async def _ideas(room: Room, *texts: str) -> None:
    await room.cmd("olive", "prompt infra")
    for text in texts:
        await room.reply("ann", text)


async def test_a_flag_reaches_the_organisers_channel_with_hide_and_keep(room, notices) -> None:
    await _ideas(room, "More buses to the science park")
    said_here = await room.cmd("olive", "organisers here", channel="organisers")
    assert "now the organisers' channel" in said(said_here)
    thanks = await room.cmd("bob", "flag 1 <!channel> this is an advert")
    assert thanks[0].delivery is Delivery.PRIVATE
    assert "organisers have been told about #1" in said(thanks)
    ((where, card, _),) = notices.sent
    assert (where.platform, where.channel_id) == ("console", "organisers")
    assert card.title == "#1 was flagged by Bob: <!channel> this is an advert"  # as typed
    assert "More buses to the science park" in card.as_text()
    buttons = [e for b in card.blocks if hasattr(b, "elements") for e in b.elements]
    assert [(b.label, b.action_id, b.value) for b in buttons] == [
        ("Hide", HIDE, "1"),
        ("Keep", KEEP, "1"),
    ]
    assert "You have already flagged #1" in refused(await room.cmd("bob", "flag 1 again"))
    assert len(notices.sent) == 1


async def test_without_an_organisers_channel_flags_wait_for_the_flags_command(room) -> None:
    await _ideas(room, "More buses")
    thanks = await room.cmd("bob", "flag 1 off topic")
    assert "organisers will see your flag on #1 with `flags`" in said(thanks)
    assert "Only organisers can see flags" in refused(await room.cmd("bob", "flags"))
    listed = said(await room.cmd("olive", "flags"))
    assert "Open flags (1)" in listed and "#1 by Bob" in listed and "off topic" in listed
    kept = await room.send("olive", ButtonPressed(KEEP, "1"))
    assert kept[0].delivery is Delivery.REPLACE and "1 flag dismissed" in said(kept)
    assert "No open flags" in said(await room.cmd("olive", "flags"))


async def test_bad_flags_are_refused_and_change_nothing(room) -> None:
    await _ideas(room, "More buses")
    assert "There is no idea #9" in refused(await room.cmd("bob", "flag 9 spam"))
    assert "Please say why #1 needs a look" in refused(await room.cmd("bob", "flag 1"))
    assert "within 500" in refused(await room.cmd("bob", "flag 1 " + "x" * 501))
    assert "Which idea?" in refused(await room.cmd("bob", "flag"))
    assert "No open flags" in said(await room.cmd("olive", "flags"))


async def test_hiding_takes_an_idea_off_the_plan_and_refunds_its_voters(room) -> None:
    await _ideas(room, "More buses", "Cheaper trains")
    await room.cmd("bob", "vote 1")
    await room.cmd("bob", "vote 2")
    assert "Only organisers can hide" in refused(await room.cmd("bob", "hide 1"))
    hidden = await room.cmd("olive", "hide 1")
    assert isinstance(hidden[0], Refresh) and "hidden by organisers" in hidden[0].card.title
    assert "More buses" not in hidden[0].card.as_text()
    assert "its 1 voter got their vote back" in said(hidden)
    assert "#1 is already hidden" in refused(await room.cmd("olive", "hide 1"))
    assert "#1 was hidden by organisers" in refused(await room.cmd("bob", "vote 1"))
    assert "#1 was hidden by organisers" in refused(
        await room.send("bob", ButtonPressed(VOTE, "1"))
    )
    assert "#1 was hidden by organisers" in refused(await room.cmd("bob", "unvote 1"))
    listing = said(await room.cmd("bob", "ideas"))
    assert "More buses" not in listing and "Cheaper trains" in listing
    plan = await planning.action_plan(room.engine.workshop, "default")
    assert [i.number for tp in plan.themes for i in tp.ideas] == [2]
    data = await exported(room.engine)
    records = {i["id"]: i for t in data["themes"] for i in t["ideas"]}
    assert records[1]["hidden"] is True and records[2]["hidden"] is False
    budget = room.engine.playbook.votes_per_theme
    back = said(await room.cmd("bob", "unvote 2"))  # the refund on hiding left him none in use
    assert f"You have {budget} of {budget} votes left" in back


async def test_unhiding_charges_voters_again_up_to_their_budget(room) -> None:
    budget = room.engine.playbook.votes_per_theme
    assert budget < len(DISTINCT)
    await _ideas(room, *DISTINCT[: budget + 1])
    await room.cmd("bob", "vote 1")
    await room.cmd("olive", "hide 1")
    for n in range(2, budget + 2):
        assert "is in" in said(await room.cmd("bob", f"vote {n}"))
    back = await room.cmd("olive", "unhide 1")
    assert "#1 is back: the votes of its 1 voter count again" in said(back)
    assert "1 of them had used all their votes" in said(back)
    assert "#1 is not hidden" in refused(await room.cmd("olive", "unhide 1"))
    idea = await room.repo.idea("default", 1)
    assert idea.votes == 1 and not idea.hidden  # his vote stays recorded and counts
    assert f"You have 1 of {budget} votes left" in said(await room.cmd("bob", "unvote 2"))


async def test_the_hide_button_on_a_flag_replaces_the_flag_card(room, notices) -> None:
    await _ideas(room, "More buses")
    await room.cmd("olive", "organisers here", channel="organisers")
    await room.cmd("bob", "flag 1 spam")
    pressed = await room.send("olive", ButtonPressed(HIDE, "1"), channel="organisers")
    assert isinstance(pressed[0], Refresh)
    assert isinstance(pressed[1], Say) and pressed[1].delivery is Delivery.REPLACE
    assert "#1 is hidden by Olive" in said(pressed)
    assert "No open flags" in said(await room.cmd("olive", "flags"))  # hiding settles them
    assert "Only organisers" in refused(await room.send("bob", ButtonPressed(HIDE, "1")))


async def test_hidden_ideas_cannot_be_merged_and_are_not_near_duplicates(room) -> None:
    await _ideas(room, "Provide scale up funding scheme and close market gap for premises", "Other")
    await room.cmd("olive", "hide 1")
    assert "hidden by organisers" in refused(await room.cmd("olive", "merge 2 into 1"))
    again = await room.reply(
        "ann", "Provide scale up funding scheme and close market gap for premises"
    )
    assert isinstance(again[0], Say) and again[0].anchor is not None  # added, not held back


async def test_history_shows_every_change_with_who_and_when(room) -> None:
    await _ideas(room, "More buses", "More buses please now")
    await room.cmd("olive", "assign 1 authority")
    await room.cmd("olive", 'action 1 agreed owner "Bath Spa University"')
    await room.cmd("olive", 'action 1 note "pilot funded"')
    await room.cmd("bob", "flag 1 duplicate")
    await room.cmd("olive", "hide 1")
    await room.cmd("olive", "unhide 1")
    await room.cmd("olive", "merge 2 into 1")
    assert "Only organisers can see an idea's history" in refused(
        await room.cmd("bob", "history 1")
    )
    card = said(await room.cmd("olive", "history 1"))
    actions = [
        "idea.added",
        "idea.assigned",
        "action.status",
        "action.note",
        "idea.flagged",
        "idea.hidden",
        "idea.unhidden",
        "idea.merged",
    ]
    positions = [card.index(a) for a in actions]
    assert positions == sorted(positions)  # newest last
    assert "console:ann · idea.added" in card and "console:olive · idea.hidden" in card
    assert "UTC" in card and "owner Bath Spa University" in card
    assert "Nothing is recorded about #99" in refused(await room.cmd("olive", "history 99"))


async def test_concurrent_hide_and_votes_keep_budgets_honest(room) -> None:
    await _ideas(room, "More buses")
    voters = [f"v{n}" for n in range(8)]
    budget = room.engine.playbook.votes_per_theme
    await asyncio.gather(*(room.cmd(v, "vote 1") for v in voters), room.cmd("olive", "hide 1"))
    await room.cmd("olive", "unhide 1")
    for v in voters:  # whatever the interleaving, every budget ends where it started
        replies = said(await room.cmd(v, "unvote 1"))
        assert f"You have {budget} of {budget} votes left" in replies or "haven't voted" in replies
    assert (await room.repo.idea("default", 1)).votes == 0


async def test_a_burst_of_the_same_flag_is_recorded_once(room, notices) -> None:
    await _ideas(room, "More buses")
    await room.cmd("olive", "organisers here", channel="organisers")
    replies = await asyncio.gather(*(room.cmd("bob", f"flag 1 spam {n}") for n in range(6)))
    thanked = [r for r in replies if "Thank you" in said(r)]
    assert len(thanked) == 1 and len(notices.sent) == 1
    assert len(await room.repo.open_flags("default")) == 1
