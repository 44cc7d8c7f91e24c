"""Re-filing and the plan by actor over real HTTP: signed Slack slash commands and Teams
activities, the idea card's copies updated on both platforms, refusals private."""

from __future__ import annotations

from tests.handlers.slack.conftest import Bot
from tests.handlers.slack.test_flows import add_idea
from tests.handlers.slack.test_moderation import in_teams, said
from tests.handlers.teams import conftest as teams_harness
from tests.handlers.teams import teams_activities as ta
from tests.handlers.teams.fake_connector import FakeConnector

connector = teams_harness.connector  # the fake Bot Connector, for the test that uses Teams too


async def test_an_organiser_moves_an_idea_in_slack_and_its_card_names_the_new_challenge(
    bot: Bot,
) -> None:
    ts = await bot.prompt("inclusive-growth")
    card_ts = await add_idea(bot, ts, "Night buses to the science park")
    posted = bot.fake.of("chat.postMessage")[-1]
    assert "Challenge: 1. Create an environment where we co-create" in posted["text"]
    await said(bot, "vote 1", user="U2")
    before = len(bot.fake.of("chat.update"))

    await said(bot, "move 1 infra 2")

    announced = bot.fake.of("chat.postMessage")[-1]
    assert announced["channel"] == "C1"
    assert announced["text"].startswith(
        "#1 moved from Inclusive growth, challenge 1 to Investing in infrastructure, challenge 2."
    )
    updates = [u for u in bot.fake.of("chat.update")[before:] if u["ts"] == card_ts]
    assert updates, bot.fake.calls
    assert "#1 · Investing in infrastructure" in updates[-1]["text"]
    assert "Invest in electric vehicle infrastructure" in updates[-1]["text"]
    idea = await bot.services.repo.idea("default", 1)
    assert idea is not None and (idea.theme_key, idea.challenge, idea.votes) == (
        "investing-in-infrastructure",
        1,
        1,
    )


async def test_a_participant_cannot_move_an_idea_and_nothing_changes(bot: Bot) -> None:
    ts = await bot.prompt("inclusive-growth")
    await add_idea(bot, ts, "Community energy co-ops")
    before = len(bot.fake.of("chat.postMessage"))
    out = await said(bot, "move 1 infra", user="U2")
    assert out == "Only organisers can move ideas. Ask an organiser if you think it's needed."
    assert len(bot.fake.of("chat.postMessage")) == before  # told privately, nothing posted
    idea = await bot.services.repo.idea("default", 1)
    assert idea is not None and idea.theme_key == "inclusive-growth"


async def test_moving_and_the_plan_by_actor_over_teams(bot: Bot, connector: FakeConnector) -> None:
    ts = await bot.prompt("inclusive-growth")
    await add_idea(bot, ts, "Community energy co-ops")
    refused = await in_teams(bot, connector, "move 1 infra", user=ta.ALICE)
    assert "Only organisers can move ideas." in refused
    out = await in_teams(bot, connector, "move 1 infra 3")
    assert "#1 moved from Inclusive growth, challenge 1 to Investing in infrastructure" in out
    closed = await in_teams(bot, connector, "close inclusive")
    assert "closed" in closed
    assert "no idea moves into it" in await in_teams(bot, connector, "move 1 inclusive")
    await in_teams(bot, connector, "assign 1 authority")
    plan = await in_teams(bot, connector, "plan by actor authority")
    assert "What can the combined authority do? (1)" in plan
    assert "Community energy co-ops" in plan and "Investing in infrastructure, challenge 3" in plan
