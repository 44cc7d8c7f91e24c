"""Actor proposals and emerging themes through the engine's one door, on in-memory storage."""

from __future__ import annotations

import pytest

from bot.core.interaction import (
    ASSIGN,
    CONFIRM_PROPOSAL,
    PROPOSE,
    Actions,
    Button,
    ButtonPressed,
    Refresh,
)
from tests.bot.test_workshop import Room, refused, said

MENTORING = "Create community hubs that offer business mentoring"


@pytest.fixture
def room(services) -> Room:
    return Room(services)


def _buttons(replies) -> dict[str, Button]:
    card = next(r.card for r in replies if isinstance(r, Refresh) or hasattr(r, "anchor"))
    return {
        e.label: e
        for block in card.blocks
        if isinstance(block, Actions)
        for e in block.elements
        if isinstance(e, Button)
    }


async def test_the_propose_button_is_prefilled_with_the_suggestion(room: Room) -> None:
    await room.cmd("olive", "prompt inclusive")
    posted = await room.reply("ann", MENTORING)
    (idea,) = await room.repo.ideas("default")
    assert idea.suggestion is not None
    propose = next(b for label, b in _buttons(posted).items() if label.startswith("Propose: "))
    assert propose.action_id == PROPOSE
    replies = await room.send("bob", ButtonPressed(PROPOSE, propose.value))
    shown = said(replies)
    assert "Your proposal for #1 is in:" in shown
    assert "  Proposed: " in shown and "(1)" in shown
    (idea,) = await room.repo.ideas("default")
    assert idea.proposals[0].assignment == idea.suggestion and idea.assignment is None


async def test_proposals_are_tallied_replaced_and_confirmed_by_an_organiser(room: Room) -> None:
    await room.cmd("olive", "prompt inclusive")
    await room.reply("ann", MENTORING)
    await room.cmd("ann", "propose 1 organisations")
    await room.cmd("bob", "propose 1 authority funder scaling")
    changed = said(await room.cmd("ann", "propose 1 combined funder scaling"))
    assert "It replaces your earlier one (Organisations and businesses)." in changed
    assert "Proposed: Combined authority · as Funder · Scaling: Grants and subsidies (2)" in changed
    assert "nothing changed" in said(await room.cmd("ann", "propose 1 authority funder scaling"))
    card = await room.cmd("cy", "propose 1 individuals")
    buttons = _buttons(card)
    confirm = buttons["Confirm: Combined authority · as Funder · Scaling: Grants and subsidies (2)"]
    assert confirm.action_id == CONFIRM_PROPOSAL
    assert "Confirm: Individuals and groups (1)" in buttons
    assert "Only organisers can assign ideas" in refused(
        await room.send("ann", ButtonPressed(CONFIRM_PROPOSAL, confirm.value))
    )
    done = said(await room.send("olive", ButtonPressed(CONFIRM_PROPOSAL, confirm.value)))
    assert "#1 is now Combined authority · as Funder · Scaling: Grants and subsidies." in done
    (idea,) = await room.repo.ideas("default")
    assert idea.assignment is not None and idea.assignment.style_key == "funder"


async def test_a_participants_menu_choices_build_their_own_proposal(room: Room) -> None:
    await room.cmd("olive", "prompt inclusive")
    await room.reply("ann", MENTORING)
    await room.send("bob", ButtonPressed(ASSIGN, "1:style:funder"))
    shown = said(await room.send("bob", ButtonPressed(ASSIGN, "1:stage:scaling")))
    assert "Your proposal for #1 is in: Combined authority · as Funder · Scaling" in shown
    (idea,) = await room.repo.ideas("default")
    assert idea.assignment is None and len(idea.proposals) == 1


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("propose 9 authority", "There is no idea #9."),
        ("propose 1 mayor", "There is no actor called 'mayor'."),
        ("propose 1 individuals funder", "Styles of government action and stages apply to"),
        ("propose 1", "Who should act on #1? Usage: `propose <id> <actor> [style] [stage]`"),
        ("propose 2 authority", "#2 is off the plan, so it takes no proposals."),
    ],
)
async def test_bad_proposals_are_refused_and_change_nothing(room: Room, line, reason) -> None:
    await room.cmd("olive", "prompt inclusive")
    await room.reply("ann", MENTORING)
    await room.reply("ann", "Night buses to the science park")
    await room.cmd("olive", "hide 2")
    assert refused(await room.cmd("bob", line)).startswith(reason)
    assert all(i.proposals == () for i in await room.repo.ideas("default"))


async def test_no_proposals_once_a_theme_is_closed(room: Room) -> None:
    await room.cmd("olive", "prompt inclusive")
    await room.reply("ann", MENTORING)
    await room.cmd("olive", "close inclusive")
    assert refused(await room.cmd("bob", "propose 1 authority")) == (
        "Inclusive growth is closed and its plan is final. Nothing was saved."
    )


async def test_emerging_themes_are_listed_added_and_tagged(room: Room) -> None:
    listed = said(await room.cmd("ann", "emerging"))
    assert listed.startswith("Emerging themes — Local Industrial Strategy Lab")
    assert "Branding matters (0 ideas)" in listed
    assert "Be more risk taking (0 ideas)" in listed
    await room.cmd("olive", "prompt inclusive")
    await room.reply("ann", MENTORING)
    tagged = said(await room.cmd("olive", "tag 1 bring people"))
    assert "#1 is now tagged “Bring people together”." in tagged
    assert "Emerging: Bring people together" in tagged
    added = said(await room.cmd("olive", "emerging add Be bold: take good risks together."))
    assert added.startswith("New emerging theme: Be bold — take good risks together.")
    await room.cmd("olive", "tag 1 be-bold")
    listed = said(await room.cmd("ann", "emerging"))
    assert (
        f"Bring people together (1 idea)\n  • through community hubs and co-creation.\n  • #1 {MENTORING}"
        in listed
    )
    assert "Be bold (1 idea)" in listed
    plan = said(await room.cmd("ann", "plan"))
    assert "Emerging themes from across the day" in plan and "Be bold (1 idea)" in plan
    assert "#1 is no longer tagged “Be bold”." in said(await room.cmd("olive", "untag 1 bold"))


@pytest.mark.parametrize(
    ("who", "line", "reason"),
    [
        ("ann", "tag 1 branding", "Only organisers can tag ideas."),
        ("ann", "emerging add X: y", "Only organisers can add emerging themes."),
        ("olive", "tag 1 nowhere", "There is no emerging theme called 'nowhere'."),
        ("olive", "tag 9 branding", "There is no idea #9."),
        ("olive", "tag 1", "Which emerging theme?"),
        ("olive", "emerging add Branding matters: again", "There is already an emerging theme"),
        ("olive", "emerging add", "Usage: `emerging` to see them"),
        ("olive", "untag 1 branding", "#1 is not tagged “Branding matters”. Nothing changed."),
    ],
)
async def test_bad_emerging_commands_are_refused_and_change_nothing(
    room: Room, who, line, reason
) -> None:
    await room.cmd("olive", "prompt inclusive")
    await room.reply("ann", MENTORING)
    assert refused(await room.cmd(who, line)).startswith(reason)
    (idea,) = await room.repo.ideas("default")
    assert idea.emerging == ()
    assert await room.repo.added_emerging("default") == []
