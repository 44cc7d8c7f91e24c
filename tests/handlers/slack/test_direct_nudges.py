"""Nudges one to one over real HTTP: people with votes left are reminded in a Slack direct
message (conversations.open, then a post to the IM) and in their Teams 1:1 chat with the bot;
backers who said `notify me` hear "you said, we did" there; `mute me` skips a person; quiet
hours, two clocks and a restart send nothing twice; a throttled open is retried."""

from __future__ import annotations

import asyncio

from bot.config import Settings
from bot.core.usecases import reminders
from bot.services import open_services
from tests.conftest import FakeClock
from tests.handlers.slack import test_reminders as loop
from tests.handlers.slack.conftest import Bot
from tests.handlers.slack.fake_slack import shown
from tests.handlers.slack.test_digests import in_teams, posts_to, teams_added, teams_command
from tests.handlers.slack.test_facilitation import command
from tests.handlers.slack.test_flows import add_idea
from tests.handlers.slack.test_reminders import counted, tick
from tests.handlers.teams import conftest as teams_harness
from tests.handlers.teams import teams_activities as ta
from tests.handlers.teams.fake_connector import FakeConnector

connector = teams_harness.connector  # the fake Bot Connector, for the Teams half
settings = loop.settings  # the test is the clock: no scheduler ticking on real time


def direct(bot: Bot, user: str, starting: str = "Reminder") -> list[str]:
    """What the bot posted in its IM with `user` (the fake names it D<user>)."""
    return [shown(p["text"]) for p in posts_to(bot, f"D{user}") if p["text"].startswith(starting)]


async def test_slack_people_with_votes_left_are_messaged_once_and_a_muted_one_is_not(
    bot: Bot, settings: Settings, clock: FakeClock
) -> None:
    ts = await bot.prompt(channel="C1")
    await add_idea(bot, ts, "Community hubs in every ward", user="U1")
    for user in ("U2", "U3"):
        await command(bot, "vote 1", user=user)
    assert "won't send you reminders" in await command(bot, "mute me", user="U3")
    assert "nothing else follows it" in await command(bot, "mute everyone", user="U3")
    await command(bot, "close inclusive at fri 17:00", channel="C9")
    sent, muted = counted("reminder", "sent"), counted("reminder", "muted")

    clock.advance(days=4, hours=7)  # Friday 16:00
    async with open_services(settings, clock) as other:  # a second clock process
        other.engine.workshop.notifier = bot.services.engine.workshop.notifier
        posted = await asyncio.gather(tick(bot), reminders.send_due(other.engine.workshop))
        assert sum(posted) == 3  # C1, and U1 and U2 directly
        assert await reminders.send_due(other.engine.workshop) == 0  # restarted: nothing again
    assert await tick(bot) == 0
    assert sorted(o["users"] for o in bot.fake.of("conversations.open")) == ["U1", "U2"]
    [to_u2] = direct(bot, "U2")
    assert "Inclusive growth closes for votes at 17:00 and you have votes left there" in to_u2
    assert len(direct(bot, "U1")) == 1 and direct(bot, "U3") == []
    assert len([p for p in posts_to(bot, "C1") if p["text"].startswith("Reminder")]) == 1
    assert counted("reminder", "sent") == sent + 3 and counted("reminder", "muted") == muted


async def test_a_direct_message_waits_for_quiet_hours_and_a_throttled_open_is_retried(
    bot: Bot, clock: FakeClock
) -> None:
    ts = await bot.prompt(channel="C1")
    await add_idea(bot, ts, "Community hubs in every ward", user="U1")
    await command(bot, "vote 1", user="U2")
    assert "I'll message you" in await command(bot, "notify me", user="U2")
    await command(bot, "assign 1 authority", channel="C9")
    clock.advance(hours=13)  # 22:00 in London: quiet hours
    await command(bot, 'action 1 agreed owner "Ward councillors"', channel="C9")
    assert await tick(bot) == 0
    assert bot.fake.of("conversations.open") == []
    bot.fake.retry_after = 0
    bot.fake.rate_limit("conversations.open", 2)
    clock.advance(hours=10)  # 08:00
    assert await tick(bot) == 2  # C1's note and U2's
    assert len([c for c in bot.fake.calls if c.method == "conversations.open:429"]) == 2
    [told] = direct(bot, "U2", "An idea you voted for")
    assert "#1 is now an agreed action (owner: Ward councillors)" in told
    assert direct(bot, "U1", "An idea") == []  # the author did not opt in
    assert await tick(bot) == 0


async def test_my_data_shows_the_settings_and_forget_me_removes_them(bot: Bot) -> None:
    await command(bot, "notify me", user="U2")
    await command(bot, "mute me", user="U2")
    shown_data = shown(await command(bot, "my data", user="U2"))
    assert "muted (`mute me`): yes" in shown_data
    assert "told about ideas you voted for (`notify me`): yes" in shown_data
    await command(bot, "forget me confirm", user="U2")
    assert "Nothing is stored about you" in await command(bot, "my data", user="U2")


async def test_a_teams_backer_with_a_personal_chat_is_told_there_and_one_without_is_not(
    bot: Bot, connector: FakeConnector, clock: FakeClock
) -> None:
    await in_teams(bot, connector, teams_added(connector, ta.CHANNEL))
    [prompt] = await in_teams(
        bot, connector, teams_command(connector, "prompt inclusive", ta.CHANNEL)
    )
    idea = ta.message(
        "A supplier portal for small firms", connector.service_url, thread=prompt.returned
    )
    await in_teams(bot, connector, idea)
    for user in (ta.ALICE, ta.BOB):
        await in_teams(bot, connector, teams_command(connector, "vote 1", ta.CHANNEL, user=user))
    await in_teams(bot, connector, teams_command(connector, "notify me", ta.CHANNEL, user=ta.BOB))
    # Alice writes to the bot in a 1:1 chat: that chat is how she can be reached.
    [answer] = await in_teams(
        bot, connector, ta.message("notify me", connector.service_url, personal=True)
    )
    assert answer.conversation == ta.PERSONAL and "I'll message you" in answer.text
    await in_teams(bot, connector, teams_command(connector, "assign 1 authority", ta.CHANNEL))
    before = len(connector.calls)
    await in_teams(bot, connector, teams_command(connector, "action 1 agreed", ta.CHANNEL))
    clock.advance(hours=1)
    assert await tick(bot) == 2  # the channel's note, and Alice's in her 1:1 chat
    posts = [c for c in connector.calls[before:] if c.method == "post"]
    [told] = [c for c in posts if c.conversation == ta.PERSONAL]
    assert "An idea you voted for moved on" in told.text
    assert "#1 is now an agreed action" in told.text
    assert len([c for c in posts if c.conversation == ta.CHANNEL]) == 1  # Bob: no 1:1 chat
    assert await tick(bot) == 0
