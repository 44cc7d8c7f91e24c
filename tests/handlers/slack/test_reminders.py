"""The participation loop over real HTTP: organisers set phase changes for later and mute channels
with signed Slack commands (and Teams activities on the same app); the test moves the clock and
runs the clock's nudge tick; reminders and "you said, we did" notes are read back from the fake
Slack Web API and the fake Bot Connector."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from prometheus_client import REGISTRY

from bot.config import Settings
from bot.core.usecases import reminders
from bot.services import open_services
from tests.conftest import FakeClock
from tests.handlers.slack.conftest import Bot
from tests.handlers.slack.fake_slack import shown
from tests.handlers.slack.test_digests import (
    in_teams,
    posts_to,
    teams_added,
    teams_command,
)
from tests.handlers.slack.test_facilitation import command
from tests.handlers.slack.test_flows import add_idea
from tests.handlers.teams import conftest as teams_harness
from tests.handlers.teams import teams_activities as ta
from tests.handlers.teams.fake_connector import FakeConnector

REMINDER = "Reminder: Inclusive growth"
connector = teams_harness.connector  # the fake Bot Connector, for the Teams half


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test is the clock: no in-process scheduler ticks on real time alongside it."""
    return replace(settings, in_process_clock=False)


async def tick(bot: Bot) -> int:
    """The clock process's nudge tick; returns how many nudges were posted."""
    return await reminders.send_due(bot.services.engine.workshop)


def counted(kind: str, outcome: str) -> float:
    labels = {"kind": kind, "outcome": outcome}
    return REGISTRY.get_sample_value("howcanwe_nudges_total", labels) or 0.0


def reminders_in(bot: Bot, channel: str) -> list[str]:
    return [shown(p["text"]) for p in posts_to(bot, channel) if p["text"].startswith("Reminder")]


async def test_slack_and_teams_channels_are_reminded_once_and_a_muted_one_is_skipped(
    bot: Bot, connector: FakeConnector, clock: FakeClock
) -> None:
    for channel in ("C1", "C2", "C3"):
        await bot.prompt(channel=channel)
    await in_teams(bot, connector, teams_added(connector, ta.CHANNEL))
    await in_teams(bot, connector, teams_command(connector, "prompt inclusive", ta.CHANNEL))
    await command(bot, "mute", channel="C3")
    assert "won't post reminders" in shown(posts_to(bot, "C3")[-1]["text"])
    assert "Only organisers can mute a channel" in await command(bot, "mute", user="U1")
    await command(bot, "close inclusive at 17:00", channel="C9")
    said = shown(posts_to(bot, "C9")[-1]["text"])
    assert "Inclusive growth closes Mon 2 Mar 17:00" in said and "reminded Mon 2 Mar 16:00" in said
    sent, muted = counted("reminder", "sent"), counted("reminder", "muted")

    clock.advance(hours=6, minutes=59)
    assert await tick(bot) == 0
    clock.advance(minutes=1)  # 16:00 in London
    teams_before = len(connector.calls)
    assert await tick(bot) == 3
    assert len(reminders_in(bot, "C1")) == len(reminders_in(bot, "C2")) == 1
    assert reminders_in(bot, "C3") == []
    [text] = reminders_in(bot, "C1")
    assert "Inclusive growth closes for votes at 17:00" in text
    assert "If you have votes left there, now is the time" in text
    [teams] = connector.calls[teams_before:]
    assert teams.method == "post" and teams.conversation == ta.CHANNEL
    assert REMINDER in teams.text
    assert (counted("reminder", "sent"), counted("reminder", "muted")) == (sent + 3, muted + 1)

    clock.advance(minutes=30)
    assert await tick(bot) == 0  # once per channel per phase change
    updates = len(bot.fake.of("chat.update"))
    clock.advance(minutes=30)  # 17:00: the change is made, its prompt cards rewritten
    assert await tick(bot) == 0
    rewritten = bot.fake.of("chat.update")[updates:]
    assert sorted(u["channel"] for u in rewritten) == ["C1", "C2", "C3"]
    assert all("closed: the plan is final" in shown(u["text"]) for u in rewritten)
    assert [c.method for c in connector.calls[teams_before + 1 :]] == ["update"]
    refused = await command(bot, "vote 1", user="U1")
    assert "There is no idea #1" in refused or "closed" in refused


async def test_two_clocks_and_a_restart_send_each_reminder_once(
    bot: Bot, settings: Settings, clock: FakeClock
) -> None:
    for channel in ("C1", "C2", "C3", "C4"):
        await bot.prompt(channel=channel)
    await command(bot, "voting inclusive at fri 17:00")
    clock.advance(days=4, hours=7)  # Friday 16:00
    async with open_services(settings, clock) as other:
        other.engine.workshop.notifier = bot.services.engine.workshop.notifier
        posted = await asyncio.gather(tick(bot), reminders.send_due(other.engine.workshop))
        assert sum(posted) == 4
        restarted = await reminders.send_due(other.engine.workshop)
    assert restarted == 0 and await tick(bot) == 0
    for channel in ("C1", "C2", "C3", "C4"):
        [reminder] = reminders_in(bot, channel)
        assert "stops taking new ideas at 17:00" in reminder


async def test_a_throttled_slack_reminder_is_retried_not_dropped(
    bot: Bot, clock: FakeClock
) -> None:
    await bot.prompt(channel="C1")
    await command(bot, "close inclusive at 12:00")
    bot.fake.retry_after = 0
    bot.fake.rate_limit("chat.postMessage", 2)
    clock.advance(hours=2)
    assert await tick(bot) == 1
    assert len([c for c in bot.fake.calls if c.method == "chat.postMessage:429"]) == 2
    assert len(reminders_in(bot, "C1")) == 1


async def test_you_said_we_did_reaches_the_slack_channel_after_quiet_hours(
    bot: Bot, clock: FakeClock
) -> None:
    ts = await bot.prompt(channel="C1")
    await add_idea(bot, ts, "Community hubs in every ward", user="U1")
    await command(bot, "assign 1 authority", channel="C9")
    clock.advance(hours=13)  # 22:00 in London: quiet hours
    await command(bot, 'action 1 agreed owner "Ward councillors"', channel="C9")
    deferred = counted("you-said", "deferred")
    assert await tick(bot) == 0
    assert counted("you-said", "deferred") == deferred + 1
    clock.advance(hours=10)  # 08:00
    assert await tick(bot) == 1
    [note] = [p for p in posts_to(bot, "C1") if p["text"].startswith("You said, we did")]
    assert "“Community hubs in every ward”" in shown(note["text"])
    assert "#1 is now an agreed action (owner: Ward councillors)" in shown(note["text"])
    assert [p for p in posts_to(bot, "C9") if p["text"].startswith("You said")] == []


async def test_bad_times_get_a_private_reply_and_change_nothing(bot: Bot, clock: FakeClock) -> None:
    posted = len(bot.fake.of("chat.postMessage"))
    said = shown(await command(bot, "close inclusive at 25:00"))
    assert "'25:00' is not a 24-hour time" in said and "Nothing was changed" in said
    assert "Which theme?" in await command(bot, "close")
    assert "Usage: `close <theme> at <time>`" in shown(await command(bot, "close  infra at  "))
    assert len(bot.fake.of("chat.postMessage")) == posted
    clock.advance(days=30)
    assert await tick(bot) == 0


async def test_a_quiet_slack_audience_is_offered_what_a_teams_audience_backs(
    bot: Bot, connector: FakeConnector, clock: FakeClock
) -> None:
    await in_teams(bot, connector, teams_added(connector, ta.CHANNEL))
    await in_teams(bot, connector, teams_command(connector, "channel business", ta.CHANNEL))
    [prompt] = await in_teams(
        bot, connector, teams_command(connector, "prompt inclusive", ta.CHANNEL)
    )
    idea = ta.message(
        "A supplier portal for small firms", connector.service_url, thread=prompt.returned
    )
    await in_teams(bot, connector, idea)
    await in_teams(bot, connector, teams_command(connector, "vote 1", ta.CHANNEL, user=ta.BOB))
    await bot.prompt(channel="C1")
    await command(bot, "nudge daily 10:00", channel="C1")
    assert "this channel is offered the ideas other audiences back" in shown(
        posts_to(bot, "C1")[-1]["text"]
    )
    clock.advance(hours=1)
    assert await tick(bot) == 1
    [offer] = [p for p in posts_to(bot, "C1") if p["text"].startswith("Other audiences")]
    assert (
        "Business backs #1 “A supplier portal for small firms”; community hasn't weighed in."
        in shown(offer["text"])
    )
    assert counted("audience", "sent") >= 1


async def test_a_slack_owner_answers_the_follow_up_and_organisers_see_who_has_not(
    bot: Bot, clock: FakeClock
) -> None:
    ts = await bot.prompt(channel="C1")
    await add_idea(bot, ts, "Community hubs in every ward", user="U1")
    await add_idea(bot, ts, "Apprenticeships with local firms", user="U2")
    for number, owner in ((1, "slack:U7"), (2, "slack:U8")):
        await command(bot, f"assign {number} authority", channel="C9")
        await command(bot, f'action {number} agreed owner "{owner}"', channel="C9")
    await command(bot, "follow-up daily 10:00", channel="C9")
    clock.advance(hours=1)
    await tick(bot)
    assert [p for p in posts_to(bot, "C9") if p["text"].startswith("How are your actions")] == []
    assert [o["users"] for o in bot.fake.of("conversations.open")] == ["U7", "U8"]
    asks = [p for p in posts_to(bot, "DU7") if p["text"].startswith("How are your actions")]
    assert len(asks) == 1 and "slack:U7, what's new on your actions?" in shown(asks[0]["text"])
    said = await command(
        bot, 'progress 1 "Two hubs open in Lawrence Hill"', user="U7", channel="C9"
    )
    assert "Noted on #1" in shown(said) or said == ""
    notes = await bot.services.repo.notes("default", 1)
    assert [n.text for n in notes] == ["Two hubs open in Lawrence Hill"]
    assert "Only #2's owner or an organiser" in shown(
        await command(bot, 'progress 2 "not mine"', user="U7", channel="C9")
    )
    assert "not answered yet: slack:U8 (#2)." in shown(
        await command(bot, "follow-up", channel="C9")
    )
