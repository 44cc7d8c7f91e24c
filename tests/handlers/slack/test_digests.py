"""Scheduled digests over real HTTP: organisers schedule them with signed Slack commands (and
Teams activities on the same app), the test moves the clock and runs the clock's tick, and the
digests are read back from the fake Slack Web API and the fake Bot Connector."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from prometheus_client import REGISTRY

from bot.config import Settings, WebSettings
from bot.core.domain import ConversationRef, SubscriptionState
from bot.core.usecases import digests
from handlers.pacing import MOST_TRIES
from handlers.teams.mount import TEAMS
from tests.conftest import FakeClock
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.conftest import Bot
from tests.handlers.slack.fake_slack import shown
from tests.handlers.slack.test_facilitation import command
from tests.handlers.slack.test_flows import add_idea
from tests.handlers.teams import conftest as teams_harness
from tests.handlers.teams import teams_activities as ta
from tests.handlers.teams.fake_connector import Call, FakeConnector
from tests.handlers.teams.test_facilitation import in_channel

connector = teams_harness.connector  # the fake Bot Connector, for the tests that use Teams too
TITLE = "Digest — Local Industrial Strategy Lab"
TEAMS_STAKEHOLDERS = "19:stakeholders@thread.tacv2"
LINKED = WebSettings.from_env(
    {
        "HOWCANWE_PUBLIC_URL": "https://howcanwe.example.org",
        "HOWCANWE_DASHBOARD_TOKEN": "a-dashboard-secret-for-tests",
    }
)


@pytest.fixture
def web() -> WebSettings:
    """No web view unless a test parametrises one."""
    return WebSettings()


@pytest.fixture
def settings(settings: Settings, web: WebSettings) -> Settings:
    """The test is the clock: no in-process scheduler ticks on real time alongside it."""
    return replace(settings, in_process_clock=False, web=web)


async def tick(bot: Bot) -> int:
    """The clock process's tick; returns how many digests were posted."""
    return await digests.send_due(bot.services.engine.workshop)


def slack(channel: str) -> ConversationRef:
    return ConversationRef("slack", rq.TEAM, channel)


def posts_to(bot: Bot, channel: str) -> list[dict[str, Any]]:
    return [p for p in bot.fake.of("chat.postMessage") if p["channel"] == channel]


def section_texts(message: dict[str, Any]) -> list[str]:
    """Every mrkdwn text of a message's sections and fields, in order."""
    return [
        item["text"]
        for block in message["blocks"]
        if block["type"] == "section"
        for item in [block.get("text"), *block.get("fields", [])]
        if item is not None
    ]


async def in_teams(bot: Bot, connector: FakeConnector, activity: dict[str, Any]) -> list[Call]:
    """An activity from Teams, on the same app; returns the calls the bot made in answer."""
    before = len(connector.calls)
    response = await bot.http.post("/api/messages", json=activity)
    assert response.status == 201, await response.text()
    await bot.http.app[TEAMS].bot.deliveries.idle()
    return connector.calls[before:]


def teams_added(connector: FakeConnector, conversation: str) -> dict[str, Any]:
    """Teams adding the bot to a channel: how it learns to post there unprompted."""
    activity = ta.bot_added(connector.service_url)
    activity["conversation"]["id"] = conversation
    return activity


def teams_command(
    connector: FakeConnector, text: str, conversation: str, user: tuple[str, str] = ta.ORGANISER
) -> dict[str, Any]:
    return in_channel(ta.mention(text, connector.service_url, user=user), conversation)


async def test_a_week_from_slack_and_teams_is_digested_in_both_platforms(
    bot: Bot, connector: FakeConnector, clock: FakeClock
) -> None:
    await command(bot, "channel community", channel="C1")
    await command(bot, "channel business", channel="C2")
    await command(bot, "channel stakeholders", channel="C9")
    await in_teams(bot, connector, teams_added(connector, ta.CHANNEL))
    await in_teams(bot, connector, teams_added(connector, TEAMS_STAKEHOLDERS))
    await in_teams(bot, connector, teams_command(connector, "channel business", ta.CHANNEL))
    assert await command(bot, "digest weekly mon 09:00", channel="C9") == ""  # Mon 2 Mar 09:00
    scheduled = posts_to(bot, "C9")[-1]
    assert "every Monday at 09:00 (Europe/London). The first comes Mon 9 Mar" in scheduled["text"]
    [said] = await in_teams(
        bot, connector, teams_command(connector, "digest weekly mon 09:00", TEAMS_STAKEHOLDERS)
    )
    assert said.method == "post" and "every Monday at 09:00" in said.text

    clock.advance(days=1)
    ts = await bot.prompt(channel="C1")
    await add_idea(bot, ts, "Community hubs in every ward", user="U1")
    await add_idea(bot, ts, "Apprenticeships with local firms", user="U2")
    business_ts = await bot.prompt(channel="C2")
    portal = rq.thread_reply("A supplier portal for small businesses", business_ts, "U3", "C2")
    await bot.ok(rq.event(portal, "Ev-portal"))
    await bot.settle()
    [prompt] = await in_teams(
        bot, connector, teams_command(connector, "prompt inclusive", ta.CHANNEL)
    )
    near_duplicate = ta.message(
        "Community hubs in each ward please", connector.service_url, thread=prompt.returned
    )
    await in_teams(bot, connector, near_duplicate)
    for user in ("U1", "U2"):
        assert "Your vote for #1 is in" in await command(bot, "vote 1", user=user)
    assert "Your vote for #3 is in" in await command(bot, "vote 3", user="U3", channel="C2")
    [voted] = await in_teams(
        bot, connector, teams_command(connector, "vote 1", ta.CHANNEL, user=ta.BOB)
    )
    assert "Your vote for #1 is in" in voted.text
    await command(bot, "assign 1 authority funder scaling")
    await command(bot, "merge 4 into 1")
    posted, called = len(bot.fake.of("chat.postMessage")), len(connector.calls)

    clock.moment = datetime(2026, 3, 9, 9, 1, tzinfo=UTC)  # just past Monday 09:00 in London
    assert await tick(bot) == 2

    [digest] = bot.fake.of("chat.postMessage")[posted:]
    assert digest["channel"] == "C9"
    assert digest["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": TITLE, "emoji": True},
    }
    shown = section_texts(digest)
    headline = (
        "4 new ideas, 4 votes, 5 participants. Above all: #1 Community hubs in every ward — "
        "new action for Combined authority (Funder · Scaling)."
    )
    assert shown == [
        f"*{headline}*",
        "*Decided this period*",
        "• #1 Community hubs in every ward — new action for Combined authority "
        "(Funder · Scaling)\n• Merged: #4 into #1",
        "*Backed across audiences*",
        "• #1 Community hubs in every ward — consensus 50% (community 2, business 1)",
        "*What changed by theme*",
        "*Inclusive growth: 3 new ideas, challenge 1 asked*",
        "• #1 Community hubs in every ward (3 votes)\n• #3 A supplier portal for small "
        "businesses (1 vote)\n• and 1 more",
    ]
    fallback = digest["text"]
    assert fallback.startswith(f"{TITLE}\nFrom Mon 2 Mar 09:00 to Mon 9 Mar 09:00 (Europe/London)")
    assert "Who took part: business 3, community 2 · ideas and votes via Slack 6, Teams 2" in (
        fallback
    )
    assert "Open the whole plan" not in fallback  # no public URL: no link

    [card] = connector.calls[called:]
    assert card.method == "post" and card.conversation == TEAMS_STAKEHOLDERS
    body = card.card["body"]
    assert body[0]["text"] == TITLE and body[0]["weight"] == "bolder"
    assert body[2] == {"type": "TextBlock", "text": headline, "wrap": True, "weight": "bolder"}
    assert "• #1 Community hubs in every ward — new action for Combined authority" in card.text
    assert "• Merged: #4 into #1" in card.text
    assert card.body["summary"].startswith(f"{TITLE}\nFrom Mon 2 Mar 09:00")
    assert not any(b["type"] == "ActionSet" for b in body)

    clock.advance(days=7)  # a quiet week: a short digest, not silence
    assert await tick(bot) == 2
    [quiet] = bot.fake.of("chat.postMessage")[posted + 1 :]
    assert quiet["text"].splitlines()[1:] == [
        "From Mon 9 Mar 09:00 to Mon 16 Mar 09:00 (Europe/London)",
        "No new ideas, votes or decisions. The plan stands at 3 ideas, 1 action.",
    ]


async def test_digest_commands_in_a_slack_channel(bot: Bot, clock: FakeClock) -> None:
    ts = await bot.prompt()
    await add_idea(bot, ts, "Community hubs in every ward")
    await command(bot, "digest weekly mon 09:00")
    subscribed = await bot.services.repo.subscription("default", slack("C1"))

    shown = await command(bot, "digest", user="U1")
    assert shown == (
        "This channel gets a digest every Monday at 09:00 (Europe/London). The next comes "
        "Mon 9 Mar 09:00, covering since Mon 2 Mar 09:00."
    )
    refused = await command(bot, "digest off", user="U1")
    assert "Only organisers can stop digests" in refused
    bad = await command(bot, "digest weekly funday 9am")
    assert "'funday' is not a day" in bad and "Nothing was changed" in bad
    replies = bot.fake.of("response_url")[-2:]
    assert [r["response_type"] for r in replies] == ["ephemeral", "ephemeral"]
    assert await bot.services.repo.subscription("default", slack("C1")) == subscribed
    posted = len(bot.fake.of("chat.postMessage"))

    clock.advance(hours=2)
    assert await command(bot, "digest now") == ""

    [digest] = bot.fake.of("chat.postMessage")[posted:]
    assert digest["channel"] == "C1" and digest["blocks"][0]["text"]["text"] == TITLE
    assert "• #1 Community hubs in every ward (0 votes)" in digest["text"]
    assert "Open the whole plan" not in digest["text"]
    assert "covering since Mon 2 Mar 11:00" in await command(bot, "digest", user="U1")


async def test_a_channel_gone_from_slack_stops_its_digests_and_tells_the_organisers(
    bot: Bot, clock: FakeClock
) -> None:
    await command(bot, "organisers here", channel="C9")
    for channel in ("C1", "C2", "C3"):
        await command(bot, "digest daily 17:30", channel=channel)
    bot.fake.gone["C2"] = "channel_not_found"
    posted = len(bot.fake.of("chat.postMessage"))

    clock.advance(hours=9)  # Monday 18:00 in London
    assert await tick(bot) == 2

    sent = bot.fake.of("chat.postMessage")[posted:]
    digests_to = sorted(p["channel"] for p in sent if p["blocks"][0]["text"]["text"] == TITLE)
    assert digests_to == ["C1", "C2", "C3"]  # C2 was tried, and refused
    [notice] = [p for p in sent if p["channel"] == "C9"]
    assert notice["text"].startswith("Digests stopped")
    assert "Digests for chan-c2 (slack) stopped" in notice["text"]
    assert "Type `digest daily 17:30 Europe/London` in that channel" in shown(notice["text"])
    stopped = await bot.services.repo.subscription("default", slack("C2"))
    assert stopped is not None and stopped.state is SubscriptionState.STOPPED
    assert "Digests here stopped: I can no longer post there" in await command(
        bot, "digest", user="U1", channel="C2"
    )

    posted = len(bot.fake.of("chat.postMessage"))
    clock.advance(days=1)
    assert await tick(bot) == 2
    assert sorted(p["channel"] for p in bot.fake.of("chat.postMessage")[posted:]) == ["C1", "C3"]


async def test_a_slack_channel_throttled_past_patience_gets_its_digest_at_the_next_tick(
    bot: Bot, clock: FakeClock
) -> None:
    await command(bot, "digest daily 17:30")
    bot.fake.retry_after = 0
    bot.fake.rate_limit("chat.postMessage", MOST_TRIES + 1)  # more than one send waits out
    clock.advance(hours=9)

    assert await tick(bot) == 0
    clock.advance(minutes=1)
    assert await tick(bot) == 1

    limited = [c for c in bot.fake.calls if c.method == "chat.postMessage:429"]
    assert len(limited) == MOST_TRIES + 1
    digest = bot.fake.of("chat.postMessage")[-1]
    assert digest["channel"] == "C1" and digest["blocks"][0]["text"]["text"] == TITLE
    subscription = await bot.services.repo.subscription("default", slack("C1"))
    assert subscription is not None and subscription.state is SubscriptionState.ACTIVE


@pytest.mark.parametrize("web", [LINKED])
async def test_a_digest_links_to_the_plan_with_a_token_that_verifies(
    bot: Bot, web: WebSettings, clock: FakeClock
) -> None:
    await command(bot, "digest daily 17:30")
    clock.advance(hours=9)
    assert await tick(bot) == 1

    digest = bot.fake.of("chat.postMessage")[-1]
    link = section_texts(digest)[-1]
    found = re.fullmatch(
        r"<(https://howcanwe\.example\.org/plan\?[^|]+)\|Open the whole plan>", link
    )
    assert found is not None, link
    brief = section_texts(digest)[-2]
    assert re.fullmatch(
        r"<https://howcanwe\.example\.org/plan\.pdf\?[^|]+\|The one-page brief \(PDF\)>", brief
    ), brief
    [token] = parse_qs(urlsplit(html.unescape(found[1])).query)["t"]
    signer = web.signer()
    assert signer is not None and signer.verify(token, clock.now()) == "default"
    assert signer.verify(token, clock.now() + timedelta(days=31)) is None  # links expire


async def test_digests_sent_and_gone_are_counted_for_metrics(bot: Bot, clock: FakeClock) -> None:
    before = {
        o: REGISTRY.get_sample_value("howcanwe_digests_total", {"outcome": o}) or 0.0
        for o in ("posted", "gone")
    }
    for channel in ("C1", "C2"):
        await command(bot, "digest daily 17:30", channel=channel)
    bot.fake.gone["C2"] = "is_archived"

    clock.advance(hours=9)
    assert await tick(bot) == 1

    after = {
        o: REGISTRY.get_sample_value("howcanwe_digests_total", {"outcome": o}) or 0.0
        for o in ("posted", "gone")
    }
    assert after == {"posted": before["posted"] + 1, "gone": before["gone"] + 1}
