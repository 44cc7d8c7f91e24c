"""Theme phases: collecting, then voting only, then closed with the plan final."""

from __future__ import annotations

import pytest

from bot.core.interaction import VOTE, ButtonPressed, Delivery, Say
from tests.bot.test_workshop import Room, refused, said


@pytest.fixture
async def room(services) -> Room:
    room = Room(services)
    await room.cmd("olive", "prompt inclusive")
    await room.reply("ann", "Community hubs")
    await room.cmd("bob", "vote 1")
    return room


async def test_in_voting_new_ideas_are_refused_and_votes_go_on(room: Room) -> None:
    announced = await room.cmd("olive", "voting inclusive")
    assert isinstance(announced[0], Say) and announced[0].delivery is Delivery.CHANNEL
    assert "Inclusive growth is now voting" in said(announced)
    assert "in its voting phase: new ideas are closed" in refused(await room.reply("ann", "More"))
    assert "in its voting phase" in refused(await room.cmd("ann", "idea inclusive: More"))
    assert "Your vote for #1 is in" in said(await room.cmd("cat", "vote 1"))
    assert "taken back" in said(await room.cmd("bob", "unvote 1"))
    assert [i.number for i in await room.repo.ideas("default")] == [1]


async def test_closed_themes_refuse_ideas_and_votes_and_prompts(room: Room) -> None:
    assert "plan is final" in said(await room.cmd("olive", "close inclusive"))
    assert "is closed and its plan is final. Nothing was saved." in refused(
        await room.reply("ann", "More")
    )
    assert "votes no longer change" in refused(await room.cmd("cat", "vote 1"))
    assert "votes no longer change" in refused(await room.cmd("bob", "unvote 1"))
    assert "votes no longer change" in refused(await room.send("bob", ButtonPressed(VOTE, "1")))
    assert "`open inclusive-growth` reopens it" in refused(await room.cmd("olive", "prompt incl"))
    (idea,) = await room.repo.ideas("default")
    assert idea.votes == 1


async def test_reopening_takes_ideas_again_and_other_themes_are_untouched(room) -> None:
    await room.cmd("olive", "close inclusive")
    await room.cmd("olive", "prompt infra", channel="infra")
    assert "#2" in said(await room.reply("ann", "More buses", channel="infra"))
    assert "is open: ideas and votes are welcome" in said(await room.cmd("olive", "open incl"))
    assert "#3" in said(await room.reply("ann", "Youth forums"))


async def test_prompt_cards_show_the_phase(room: Room) -> None:
    card = (await room.cmd("olive", "prompt inclusive"))[0].card.as_text()
    assert "Phase: collecting ideas" in card
    await room.cmd("olive", "voting inclusive")
    card = (await room.cmd("olive", "prompt inclusive"))[0].card.as_text()
    assert "Phase: voting only: new ideas are closed" in card


async def test_only_organisers_change_phases(room: Room) -> None:
    assert "Only organisers can change a theme's phase" in refused(
        await room.cmd("ann", "close inclusive")
    )
    assert "Which theme?" in refused(await room.cmd("olive", "close"))
    assert "There is no theme called 'mars'" in refused(await room.cmd("olive", "voting mars"))


async def test_a_phase_change_refreshes_the_prompts_already_posted(room: Room) -> None:
    from bot.core.domain import Anchor, AnchorKind
    from bot.core.interaction import Refresh

    changed = await room.cmd("olive", "voting inclusive")
    (refresh,) = [r for r in changed if isinstance(r, Refresh)]
    assert refresh.anchor.kind is AnchorKind.PROMPT
    assert "Phase: voting only: new ideas are closed" in refresh.card.as_text()
    card = await room.engine.card("default", Anchor(AnchorKind.PROMPT, refresh.anchor.ref))
    assert card is not None and "Phase: voting only" in card.as_text()
