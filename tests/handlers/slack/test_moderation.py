"""Moderation and personal data over real HTTP: a flag typed in one platform reaches the
organisers' channel on the other, and `my data` / `forget me` through signed Slack requests."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from handlers.teams.mount import TEAMS
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.conftest import Bot
from tests.handlers.slack.fake_slack import shown
from tests.handlers.slack.test_flows import add_idea
from tests.handlers.teams import teams_activities as ta
from tests.handlers.teams.conftest import actions
from tests.handlers.teams.fake_connector import FakeConnector


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    server = FakeConnector()
    await server.start()
    yield server
    await server.close()


async def said(bot: Bot, text: str, user: str = "UORG", channel: str = "C1") -> str:
    """A slash command; what the person privately saw."""
    before = len(bot.fake.of("response_url"))
    await bot.ok(rq.command(text, user=user, channel=channel, response_url=bot.fake.response_url()))
    await bot.settle()
    return "\n".join(r["text"] for r in bot.fake.of("response_url")[before:])


async def in_teams(bot: Bot, connector: FakeConnector, text: str, user=ta.ORGANISER) -> str:
    before = len(connector.calls)
    response = await bot.http.post(
        "/api/messages", json=ta.mention(text, connector.service_url, user=user)
    )
    assert response.status == 201, await response.text()
    await bot.http.app[TEAMS].bot.deliveries.idle()
    return "\n".join(c.text for c in connector.calls[before:])


async def test_a_flag_typed_in_slack_reaches_the_organisers_channel_in_teams(
    bot: Bot, connector: FakeConnector
) -> None:
    added = await bot.http.post("/api/messages", json=ta.bot_added(connector.service_url))
    assert added.status == 201  # Teams adds the bot to the channel before anyone mentions it
    assert "organisers' channel" in await in_teams(bot, connector, "organisers here")
    ts = await bot.prompt()
    await add_idea(bot, ts, "Community energy co-ops")
    before = len(connector.calls)

    thanks = await said(bot, "flag 1 <!channel> is an advert", user="U2")

    assert "organisers have been told about #1" in thanks
    [notice] = [c for c in connector.calls[before:] if c.method == "post"]
    assert notice.conversation == ta.CHANNEL
    assert "#1 was flagged by" in notice.text and "Community energy co-ops" in notice.text
    assert "@channel is an advert" in notice.text  # Slack sends it decoded, shown as text
    data = {a["title"]: a["data"] for a in actions(notice.card) if "data" in a}
    assert data["Hide"]["action_id"] == "idea.hide" and data["Hide"]["value"] == "1"
    assert data["Keep"]["action_id"] == "idea.keep"
    assert "You have already flagged #1" in await said(bot, "flag 1 again", user="U2")


async def test_a_flag_typed_in_teams_reaches_the_organisers_channel_in_slack(
    bot: Bot, connector: FakeConnector
) -> None:
    await said(bot, "organisers here", channel="C9")
    confirmed = bot.fake.of("chat.postMessage")[-1]
    assert confirmed["channel"] == "C9" and "organisers' channel" in confirmed["text"]
    ts = await bot.prompt()
    await add_idea(bot, ts, "Later buses")
    before = len(bot.fake.of("chat.postMessage"))

    thanks = await in_teams(bot, connector, "flag 1 not about growth", user=ta.BOB)

    assert "organisers have been told about #1" in thanks
    [notice] = bot.fake.of("chat.postMessage")[before:]
    assert notice["channel"] == "C9" and "#1 was flagged by Bob" in notice["text"]
    hide = [
        e
        for b in notice["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("idea.hide")
    ]
    assert hide and hide[0]["value"] == "1"


async def test_my_data_and_forget_me_over_slack(bot: Bot) -> None:
    ts = await bot.prompt()
    await add_idea(bot, ts, "Community energy co-ops", user="U1")
    await add_idea(bot, ts, "Later buses", user="U2")
    assert "is in" in await said(bot, "vote 2", user="U1")

    mine = await said(bot, "my data", user="U1")
    assert "Everything stored about you" in mine and "Community energy co-ops" in mine
    assert '"user_id": "U1"' in shown(mine)

    warning = await said(bot, "forget me", user="U1")
    assert "cannot be undone" in warning
    [button] = [
        e
        for b in bot.fake.of("response_url")[-1]["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert button["action_id"].startswith("person.forget")
    before = len(bot.fake.calls)
    await bot.ok(rq.action(button["action_id"], button.get("value", ""), user="U1"))
    await bot.settle()
    told = json.dumps([c.args for c in bot.fake.calls[before:]])
    assert "Deleted 1 idea" in told and "kept 1 vote on others" in told
    assert "Nothing is stored about you" in await said(bot, "my data", user="U1")


async def test_an_organiser_hides_a_flagged_idea_from_the_card_in_teams(
    bot: Bot, connector: FakeConnector
) -> None:
    await bot.http.post("/api/messages", json=ta.bot_added(connector.service_url))
    await in_teams(bot, connector, "organisers here")
    ts = await bot.prompt()
    await add_idea(bot, ts, "Community energy co-ops")
    before = len(connector.calls)
    await said(bot, "flag 1 spam", user="U2")
    [notice] = [c for c in connector.calls[before:] if c.method == "post"]
    hide = next(a["data"] for a in actions(notice.card) if a.get("title") == "Hide")

    pressed = ta.submit(hide, notice.returned, connector.service_url, user=ta.ORGANISER)
    response = await bot.http.post("/api/messages", json=pressed)
    assert response.status == 201, await response.text()
    await bot.http.app[TEAMS].bot.deliveries.idle()

    [update] = [c for c in connector.calls[before:] if c.method == "update"]
    assert "#1 is hidden by Olive Organiser" in update.text
    idea = await bot.services.repo.idea("default", 1)
    assert idea is not None and idea.hidden
    assert "#1 was hidden by organisers" in await said(bot, "vote 1", user="U3")
