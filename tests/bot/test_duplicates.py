"""Near-duplicates at submission and merges, through the engine on in-memory storage."""

from __future__ import annotations

import pytest

from bot.core.domain import Anchor, AnchorKind
from bot.core.interaction import ADD_ANYWAY, VOTE_FOR, ButtonPressed, Delivery, Refresh, Say
from tests.bot.test_workshop import Room, refused, said

BRAND = (
    "Create an innovation brand that provides strong leadership. Combined innovation platforms "
    "and appropriate infrastructure / facilities at scale and pace?"
)
BRAND_LONGER = BRAND[:-1] + ". Builds links nationally and internationally for inward investment."


@pytest.fixture
def room(services) -> Room:
    return Room(services)


def _button(replies, label_start: str) -> ButtonPressed:
    card = replies[0].card
    for block in card.blocks:
        for element in getattr(block, "elements", ()):
            if getattr(element, "label", "").startswith(label_start):
                return ButtonPressed(element.action_id, element.value)
    raise AssertionError(f"no button {label_start!r} in {card}")


async def test_a_near_duplicate_is_held_back_with_a_choice(room: Room) -> None:
    await room.cmd("olive", "prompt fostering")
    await room.reply("ann", BRAND)
    held = await room.reply("bob", BRAND_LONGER)
    assert len(held) == 1 and isinstance(held[0], Say) and held[0].delivery is Delivery.PRIVATE
    text = held[0].card.as_text()
    assert held[0].card.title == "This looks like #1"
    assert "Create an innovation brand" in text and "Your idea: Create an innovation" in text
    assert [i.number for i in await room.repo.ideas("default")] == [1]

    instead = _button(held, "Vote for #1 instead")
    assert instead == ButtonPressed(VOTE_FOR, "1")
    await room.send("bob", instead)
    assert [(i.number, i.votes) for i in await room.repo.ideas("default")] == [(1, 1)]


async def test_add_mine_anyway_adds_the_idea_as_written(room: Room) -> None:
    await room.cmd("olive", "prompt fostering")
    await room.reply("ann", BRAND)
    held = await room.reply("bob", BRAND_LONGER)
    anyway = _button(held, "Add mine anyway")
    assert anyway.action_id == ADD_ANYWAY
    assert "someone else's" in refused(await room.send("ann", anyway))
    added = await room.send("bob", anyway)
    assert added[0].anchor == Anchor(AnchorKind.IDEA, 2)
    ideas = {i.number: i for i in await room.repo.ideas("default")}
    assert ideas[2].text == BRAND_LONGER and ideas[2].author.user_id == "bob"
    assert ideas[2].suggestion is not None  # held back or not, every idea gets a suggestion
    assert ideas[2].channel_name == "general" and ideas[2].theme_key == "fostering-innovation"
    assert "already been added" in refused(await room.send("bob", anyway))


async def test_different_ideas_go_straight_in(room: Room) -> None:
    await room.cmd("olive", "prompt infra")
    await room.reply("ann", "More frequent train services")
    added = await room.reply("bob", "Work with residents to grow ride sharing locally")
    assert added[0].anchor == Anchor(AnchorKind.IDEA, 2)


async def _three_ideas_with_votes(room: Room) -> None:
    await room.cmd("olive", "prompt fostering")
    await room.reply("ann", "Create a single innovation brand")
    await room.reply("bob", "Innovation Nexus for scale-ups")
    await room.reply("cat", "Put a research student in every start-up")
    for voter in ("dan", "eve"):
        await room.cmd(voter, "vote 1")
    for voter in ("eve", "fay"):
        await room.cmd(voter, "vote 2")


async def test_merge_pools_votes_without_double_counting_and_credits_both(room: Room) -> None:
    await _three_ideas_with_votes(room)
    merged = await room.cmd("olive", "merge 2 into 1")
    assert isinstance(merged[0], Refresh) and merged[0].anchor == Anchor(AnchorKind.IDEA, 1)
    assert "By: Ann (community), with Bob (#2)" in merged[0].card.as_text()
    assert "#2 is now part of #1: 1 vote moved. 1 voter who backed both counted once." in said(
        merged
    )
    old_card = next(r for r in merged if isinstance(r, Refresh) and r.anchor.ref == 2)
    assert "now part of #1" in old_card.card.title
    ideas = {i.number: i for i in await room.repo.ideas("default")}
    assert ideas[1].votes == 3 and ideas[2].merged_into == 1 and ideas[2].votes == 0
    assert [i.number for i in await room.repo.ideas("default") if i.merged_into is None] == [1, 3]
    # eve's second vote was refunded: she has 4 left again after voting for #1 and #2.
    assert "You have 3 of 5 votes left" in said(await room.cmd("eve", "vote 3"))
    # A vote for the merged idea goes to the idea it became part of.
    assert "already voted for #1" in refused(await room.cmd("fay", "vote 2"))
    assert "Your vote for #1 is in" in said(await room.cmd("gus", "vote 2"))
    plan = said(await room.cmd("ann", "plan fostering"))
    assert "#2 Innovation Nexus" not in plan and "#1 Create a single innovation brand" in plan


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ("merge 1 into 1", "can't be merged into itself"),
        ("merge 1 into 9", "There is no idea #1 or #9"),
        ("merge 1 to 2", "Usage: `merge <id> into <id>`"),
    ],
)
async def test_bad_merges_change_nothing(room: Room, command: str, reason: str) -> None:
    await _three_ideas_with_votes(room)
    assert reason in refused(await room.cmd("olive", command))
    assert all(i.merged_into is None for i in await room.repo.ideas("default"))


async def test_merging_into_a_merged_idea_is_refused_and_participants_cannot_merge(room) -> None:
    await _three_ideas_with_votes(room)
    assert "Only organisers can merge ideas" in refused(await room.cmd("ann", "merge 2 into 1"))
    await room.cmd("olive", "merge 2 into 1")
    assert "already part of another idea" in refused(await room.cmd("olive", "merge 3 into 2"))
    assert "already part of another idea" in refused(await room.cmd("olive", "merge 2 into 3"))


async def test_a_merged_idea_is_no_longer_offered_as_a_near_duplicate(room: Room) -> None:
    await room.cmd("olive", "prompt fostering")
    await room.reply("ann", "Trial universal basic income in one town")
    await room.reply("bob", "Fund research into new transport")
    await room.cmd("olive", "merge 1 into 2")
    added = await room.reply("cat", "Trial universal basic income in one town")
    assert added[0].anchor == Anchor(AnchorKind.IDEA, 3)


async def test_the_export_keeps_merged_ideas_for_the_record(room: Room) -> None:
    from tests.fakes.plan_exports import exported

    await _three_ideas_with_votes(room)
    await room.cmd("olive", "merge 2 into 1")
    data = await exported(room.engine)
    records = {r["id"]: r for t in data["themes"] for r in t["ideas"]}
    assert records[2]["merged_into"] == 1 and records[1]["merged_into"] is None
    assert records[1]["votes"] == 3


async def test_vote_for_instead_never_takes_a_vote_back(room: Room) -> None:
    await room.cmd("olive", "prompt fostering")
    await room.reply("ann", BRAND)
    await room.cmd("bob", "vote 1")
    held = await room.reply("bob", BRAND_LONGER)
    pressed = await room.send("bob", _button(held, "Vote for #1 instead"))
    assert "Your vote for #1 is already in" in said(pressed)
    assert [(i.number, i.votes) for i in await room.repo.ideas("default")] == [(1, 1)]


async def test_an_edited_idea_is_matched_by_its_new_text(room: Room) -> None:
    await room.cmd("olive", "prompt fostering")
    await room.reply("ann", "Free bus travel for apprentices")
    await room.cmd("ann", f"edit 1 {BRAND}")
    assert (await room.reply("bob", "Free bus travel for apprentices"))[0].anchor == Anchor(
        AnchorKind.IDEA, 2
    )
    assert (await room.reply("cat", BRAND_LONGER))[0].card.title == "This looks like #1"


async def test_a_withdrawn_idea_is_no_longer_offered_as_a_near_duplicate(room: Room) -> None:
    await room.cmd("olive", "prompt fostering")
    await room.reply("ann", BRAND)
    await room.cmd("ann", "withdraw 1")
    added = await room.reply("bob", BRAND_LONGER)
    assert added[0].anchor == Anchor(AnchorKind.IDEA, 2)
