"""Re-filing (`move`) and the plan by actor, through the engine's one door, on in-memory storage."""

from __future__ import annotations

import pytest

from tests.bot.test_workshop import Room, refused, said

INCLUSIVE_1 = "Create an environment where we co-create solutions with people"


@pytest.fixture
def room(services) -> Room:
    return Room(services)


async def test_an_idea_card_and_plan_line_name_the_challenge_it_answers(room: Room) -> None:
    await room.cmd("olive", "prompt inclusive")
    card = said(await room.reply("ann", "Community hubs"))
    assert f"Challenge: 1. {INCLUSIVE_1}" in card
    # Tagged with a theme, not replying to a prompt: no particular challenge.
    assert "Challenge: none in particular" in said(await room.cmd("ann", "idea infra: Night buses"))
    plan = said(await room.cmd("ann", "plan inclusive"))
    assert "#1 Community hubs — no votes yet · challenge 1" in plan


async def test_an_organiser_moves_an_idea_and_its_votes_follow(room: Room) -> None:
    await room.cmd("olive", "prompt inclusive")
    await room.reply("ann", "Night buses to the science park")
    await room.cmd("bob", "vote 1")
    moved = said(await room.cmd("olive", "move 1 infra 2"))
    assert moved.startswith("#1 · Investing in infrastructure")
    assert "Challenge: 2. Invest in electric vehicle infrastructure" in moved
    assert (
        "#1 moved from Inclusive growth, challenge 1 to Investing in infrastructure, challenge 2."
        " Its 1 vote moved with it, each now counted in its voter's budget for Investing in"
        " infrastructure."
    ) in moved
    history = said(await room.cmd("olive", "history 1"))
    assert "idea.moved (from_theme inclusive-growth, from_challenge 1, to_theme" in history
    assert "infra" not in said(await room.cmd("ann", "ideas inclusive")).split("\n", 1)[1]


@pytest.mark.parametrize(
    ("who", "line", "reason"),
    [
        (
            "ann",
            "move 1 infra",
            "Only organisers can move ideas. Ask an organiser if you think it's needed.",
        ),
        ("olive", "move 9 infra", "There is no idea #9. `ideas` lists them."),
        ("olive", "move 1 nowhere", "There is no theme called 'nowhere'."),
        (
            "olive",
            "move 1 infra 99",
            "Investing in infrastructure has challenges 1 to 8; `themes` lists them. Nothing moved.",
        ),
        (
            "olive",
            "move 1 inclusive 1",
            "#1 is already filed there (Inclusive growth, challenge 1). Nothing moved.",
        ),
        ("olive", "move 1", "Move #1 where? Usage: `move <id> <theme> [challenge]`"),
    ],
)
async def test_bad_moves_are_refused_and_change_nothing(room: Room, who, line, reason) -> None:
    await room.cmd("olive", "prompt inclusive")
    await room.reply("ann", "Community hubs")
    assert refused(await room.cmd(who, line)).startswith(reason)
    (idea,) = await room.repo.ideas("default")
    assert (idea.theme_key, idea.challenge) == ("inclusive-growth", 0)


async def test_nothing_moves_into_or_out_of_a_closed_theme(room: Room) -> None:
    await room.cmd("olive", "prompt inclusive")
    await room.reply("ann", "Community hubs")
    await room.cmd("olive", "close infra")
    assert refused(await room.cmd("olive", "move 1 infra")) == (
        "Investing in infrastructure is closed and its plan is final: no idea moves into it. "
        "Nothing moved."
    )
    await room.cmd("olive", "open infra")
    await room.cmd("olive", "close inclusive")
    assert "moves out of it" in refused(await room.cmd("olive", "move 1 infra"))


async def test_the_plan_by_actor_gathers_each_actors_ideas_across_themes(room: Room) -> None:
    await room.cmd("olive", "prompt inclusive")
    await room.reply("ann", "Community hubs")
    await room.cmd("olive", "prompt infra")
    await room.reply("ann", "Workplace parking charge")
    await room.reply("ann", "Ride sharing")
    await room.cmd("bob", "vote 2")
    await room.cmd("olive", "assign 1 authority funder scaling")
    await room.cmd("olive", "assign 2 authority")
    await room.cmd("olive", "assign 3 individuals")
    card = said(await room.cmd("ann", "plan by actor"))
    assert card.startswith("Action plan by actor — Local Industrial Strategy Lab")
    authority = card.split("What can the combined authority do? (2)", 1)[1]
    assert authority.index("#2 Workplace parking charge") < authority.index("#1 Community hubs")
    assert "#1 Community hubs — no votes yet · Inclusive growth, challenge 1 [as Funder" in card
    assert "What can individuals and groups do? (1)" in card
    one = said(await room.cmd("ann", "plan by actor authority"))
    assert "What can the combined authority do? (2)" in one and "individuals" not in one
    assert refused(await room.cmd("ann", "plan by actor mayor")).startswith(
        "There is no actor called 'mayor'."
    )
