"""Nudges one to one, on in-memory storage with a fake clock (the console's person is always
reachable): reminders to people with votes left, notes to backers who opted in, follow-ups to
owners, per-person mutes, quiet hours, and what `my data` and `forget me` say of them."""

from __future__ import annotations

import asyncio

import pytest

from bot.core import grammar as g
from bot.core import nudge_grammar
from bot.core.nudges import PersonNudges
from tests.bot import test_reminders as loop
from tests.bot.test_reminders import Recorder, tick
from tests.bot.test_workshop import Room, said
from tests.conftest import FakeClock

room, heard = loop.room, loop.heard  # the same fixtures: a room, and what the notifier heard

IDEAS = (
    "A night bus to the hospital",
    "Bike hangars on every street",
    "A tram from the station to the docks",
    "Solar panels on school roofs",
    "Free wifi in the central library",
)


async def one_idea(room: Room) -> None:
    await room.cmd("olive", "prompt infra", channel="town")
    await room.reply("ann", IDEAS[0], channel="town")


async def five_ideas(room: Room) -> None:
    await room.cmd("olive", "prompt infra", channel="town")
    for text in IDEAS:
        await room.reply("ann", text, channel="town")


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("mute me", nudge_grammar.Mute(True, True)),
        ("UNMUTE me", nudge_grammar.Mute(False, True)),
        ("notify me", nudge_grammar.Notify(True)),
        ("notify off", nudge_grammar.Notify(False)),
    ],
)
def test_the_per_person_grammar(text: str, parsed: g.Parsed) -> None:
    assert g.parse(text) == parsed


@pytest.mark.parametrize("text", ["mute everyone", "unmute you", "notify", "notify always"])
async def test_a_bad_per_person_command_is_refused_and_changes_nothing(
    room: Room, text: str
) -> None:
    [reply] = await room.cmd("carl", text)
    assert "nothing else follows it" in reply.reason or "`notify off` stops it" in reply.reason
    assert await room.repo.person_nudges("default", "console:carl") == PersonNudges()


async def test_people_with_votes_left_are_reminded_directly_once_and_muted_people_skipped(
    room: Room, heard: Recorder, clock: FakeClock
) -> None:
    await five_ideas(room)
    for n in range(1, 6):
        await room.cmd("bob", f"vote {n}", channel="town")  # bob has no votes left
    await room.cmd("carl", "vote 1", channel="town")
    await room.cmd("dan", "vote 1", channel="town")
    assert "won't send you reminders" in said(await room.cmd("dan", "mute me", channel="town"))
    assert "already muted" in said(await room.cmd("dan", "mute me"))
    await room.cmd("olive", "close infra at 17:00")

    clock.advance(hours=7)  # 16:00
    assert sum(await asyncio.gather(tick(room), tick(room))) == 3, [w for w, _ in heard.sent]
    assert await tick(room) == 0
    [direct] = heard.to("@carl")
    assert "closes for votes at 17:00 and you have votes left there" in direct
    assert len(heard.to("@ann")) == 1  # ann added ideas and has not voted: all five left
    assert heard.to("@bob") == [] and heard.to("@dan") == [] and heard.to("@olive") == []
    assert len(heard.to("town")) == 1  # the channel still hears once, naming no one
    assert set(heard.through) == {"town"}


async def test_a_person_muted_after_queuing_is_skipped_when_sent(
    room: Room, heard: Recorder, clock: FakeClock
) -> None:
    await one_idea(room)
    await room.cmd("carl", "vote 1", channel="town")
    await room.cmd("carl", "notify me")
    await room.cmd("olive", "assign 1 authority", channel="organisers")
    clock.advance(hours=13)  # 22:00: quiet hours hold the note
    await room.cmd("olive", "action 1 agreed", channel="organisers")
    assert await tick(room) == 0
    await room.cmd("carl", "mute me")  # after it was queued for him
    clock.advance(hours=10)  # 08:00
    assert await tick(room) == 1
    assert heard.to("@carl") == [] and len(heard.to("town")) == 1
    assert "back on" in said(await room.cmd("carl", "unmute me"))
    assert "hadn't muted" in said(await room.cmd("carl", "unmute me"))
    assert await tick(room) == 0  # a skipped nudge is done, not sent later


async def test_a_backer_who_opted_in_is_told_directly_after_quiet_hours(
    room: Room, heard: Recorder, clock: FakeClock
) -> None:
    await one_idea(room)
    for voter in ("bob", "carl", "dan"):
        await room.cmd(voter, "vote 1", channel="town")
    assert "I'll message you" in said(await room.cmd("carl", "notify me"))
    assert "already told" in said(await room.cmd("carl", "notify me"))
    await room.cmd("dan", "notify me")
    await room.cmd("dan", "mute me")
    await room.cmd("olive", "assign 1 authority", channel="organisers")
    clock.advance(hours=13)  # 22:00: quiet hours
    await room.cmd("olive", "action 1 agreed", channel="organisers")
    assert await tick(room) == 0
    clock.advance(hours=10)  # 08:00
    assert await tick(room) == 2  # the channel and carl; bob never asked, dan muted
    [told] = heard.to("@carl")
    assert told.startswith("An idea you voted for moved on")
    assert "#1 is now an agreed action" in told
    assert heard.to("@bob") == [] and heard.to("@dan") == []
    await room.cmd("olive", "action 1 agreed", channel="organisers")
    assert await tick(room) == 0  # once per status
    assert "won't message you" in said(await room.cmd("carl", "notify off"))
    await room.cmd("olive", "action 1 done", channel="organisers")
    assert await tick(room) == 1 and len(heard.to("@carl")) == 1


async def test_a_muted_owner_is_not_asked_for_an_update(
    room: Room, heard: Recorder, clock: FakeClock
) -> None:
    await one_idea(room)
    await room.cmd("olive", "assign 1 authority", channel="organisers")
    await room.cmd("olive", 'action 1 agreed owner "console:bob"', channel="organisers")
    await room.cmd("olive", "follow-up daily 10:00", channel="actions")
    await room.cmd("bob", "mute me")
    await tick(room)
    heard.sent.clear()
    clock.advance(hours=1)
    assert await tick(room) == 0
    assert heard.sent == []
    assert "No owner has been asked" in said(await room.cmd("olive", "follow-up"))


async def test_my_data_lists_the_settings_and_forget_me_removes_them(
    room: Room, heard: Recorder, clock: FakeClock
) -> None:
    await one_idea(room)
    await room.cmd("carl", "vote 1", channel="town")
    await room.cmd("carl", "notify me")
    await room.cmd("carl", "mute me")
    shown = said(await room.cmd("carl", "my data"))
    assert "muted (`mute me`): yes" in shown
    assert "told about ideas you voted for (`notify me`): yes" in shown
    assert '"nudges": {' in shown
    await room.cmd("carl", "unmute me")
    await room.cmd("olive", "close infra at 17:00")
    clock.advance(hours=7)
    await room.cmd("carl", "forget me confirm")
    assert await room.repo.person_nudges("default", "console:carl") == PersonNudges()
    assert await tick(room) == 2  # town and ann: nobody under carl's forgotten id
    assert heard.to("@carl") == []
