"""Action tracking: owners, statuses and dated progress notes on assigned ideas."""

from __future__ import annotations

import pytest

from bot.core import grammar as g
from bot.core.interaction import Refresh
from tests.bot.test_workshop import Room, refused, said


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("action 12", g.Action(12)),
        ("action #12 agreed", g.Action(12, "agreed")),
        (
            'action 12 agreed owner "Bath Spa University"',
            g.Action(12, "agreed", "Bath Spa University"),
        ),
        ("action 12 owner “WECA skills team”", g.Action(12, None, "WECA skills team")),
        ("action 12 in progress", g.Action(12, "in progress")),
        ('action 12 note "pilot funded"', g.Action(12, note="pilot funded")),
        ("action 12 note pilot funded, starts May", g.Action(12, note="pilot funded, starts May")),
    ],
)
def test_the_action_grammar(text: str, parsed: g.Action) -> None:
    assert g.parse(text) == parsed


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("action", "Which idea?"),
        ("action 12 note", "What happened?"),
        ("action 12 owner", "Who owns it?"),
    ],
)
def test_action_mistakes_get_hints(text: str, hint: str) -> None:
    with pytest.raises(g.GrammarError, match=hint.replace("?", r"\?")):
        g.parse(text)


@pytest.fixture
async def room(services) -> Room:
    room = Room(services)
    await room.cmd("olive", "prompt inclusive")
    await room.reply("ann", "Put a learner in every office")
    await room.reply("ann", "Trial universal basic income")
    await room.cmd("olive", "assign 1 organisations")
    return room


async def test_an_assigned_idea_is_a_proposed_action(room: Room) -> None:
    (first,) = [i for i in await room.repo.ideas("default") if i.number == 1]
    assert first.status is not None and first.status.value == "proposed"
    assert "isn't an action yet: assign it first" in refused(
        await room.cmd("olive", "action 2 agreed")
    )


async def test_organisers_set_status_owner_and_notes(room: Room, clock) -> None:
    done = await room.cmd("olive", 'action 1 agreed owner "Bath Spa University"')
    assert isinstance(done[0], Refresh)
    assert "Action: agreed · owner Bath Spa University" in done[0].card.as_text()
    clock.advance(days=3)
    noted = await room.cmd("olive", 'action 1 note "pilot funded"')
    assert (
        "Action: agreed · owner Bath Spa University · 5 Mar 2026: pilot funded"
        in noted[0].card.as_text()
    )
    await room.cmd("olive", "action 1 in-prog")
    history = said(await room.cmd("ann", "action 1"))
    assert "#1 — in-progress · owner Bath Spa University · 5 Mar 2026: pilot funded" in history
    assert "5 Mar 2026 — pilot funded (console:olive)" in history
    plan = said(await room.cmd("ann", "plan"))
    assert "[in-progress · owner Bath Spa University · 5 Mar 2026: pilot funded]" in plan


async def test_owner_text_is_kept_as_typed(room: Room) -> None:
    await room.cmd("olive", "action 1 owner <!channel> & <b>Co</b>")
    (first,) = [i for i in await room.repo.ideas("default") if i.number == 1]
    assert first.owner == "<!channel> & <b>Co</b>"


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ("action 1 finished", "There is no status 'finished'"),
        ("action 9 agreed", "There is no idea #9"),
        (f"action 1 owner {'x' * 201}", "An owner is a name of 1 to 200 characters"),
        (f"action 1 note {'x' * 1001}", "A note is 1 to 1000 characters"),
    ],
)
async def test_bad_action_updates_change_nothing(room: Room, command: str, reason: str) -> None:
    assert reason in refused(await room.cmd("olive", command))
    (first,) = [i for i in await room.repo.ideas("default") if i.number == 1]
    assert (first.status.value, first.owner, first.latest_note) == ("proposed", None, None)


async def test_participants_read_actions_but_cannot_change_them(room: Room) -> None:
    assert "Only organisers can update actions" in refused(await room.cmd("ann", "action 1 done"))
    assert "Only organisers can add progress notes" in refused(
        await room.cmd("ann", "action 1 note hi")
    )
    assert "No progress notes yet." in said(await room.cmd("ann", "action 1"))
