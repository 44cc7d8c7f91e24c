"""Scheduled digests in Teams over real HTTP: organisers schedule them with activities, the test
moves the clock and runs the clock's tick, and the fake Bot Connector records each Adaptive Card,
or answers 403, 429 or 500 for a conversation to show one failing channel never stops another."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.config import WebSettings
from bot.core.domain import ConversationRef, SubscriptionState
from bot.core.usecases import digests
from handlers.pacing import MOST_TRIES
from tests.conftest import FakeClock
from tests.handlers.slack import test_digests as shared
from tests.handlers.slack.test_digests import LINKED, TITLE, teams_added, teams_command
from tests.handlers.teams import teams_activities as ta
from tests.handlers.teams.conftest import Teams, actions
from tests.handlers.teams.fake_connector import Call
from tests.handlers.teams.test_facilitation import addressed_to

ORGANISERS = "19:organisers@thread.tacv2"
HEALTHY, REMOVED, FLAKY = (f"19:{name}@thread.tacv2" for name in ("healthy", "removed", "flaky"))

settings = shared.settings  # the test is the clock; the web view only where parametrised
web = shared.web


async def tick(teams: Teams) -> int:
    """The clock process's tick; returns how many digests were posted."""
    return await digests.send_due(teams.services.engine.workshop)


def where(conversation: str) -> ConversationRef:
    return ConversationRef("teams", ta.TENANT, conversation)


async def added(teams: Teams, conversation: str) -> None:
    await teams.ok(teams_added(teams.connector, conversation))


async def say(
    teams: Teams, text: str, conversation: str = ta.CHANNEL, user: tuple[str, str] = ta.ORGANISER
) -> list[Call]:
    """`@howcanwe <text>` in a channel; returns the calls the bot made in answer."""
    return await teams.ok(teams_command(teams.connector, text, conversation, user))


def open_urls(call: Call) -> list[dict[str, Any]]:
    return [a for a in actions(call.card) if a["type"] == "Action.OpenUrl"]


async def test_digest_commands_in_a_teams_channel(teams: Teams, clock: FakeClock) -> None:
    await added(teams, ta.CHANNEL)
    prompt_id, _ = await teams.prompt()
    await teams.idea(prompt_id, "Community hubs in every ward")
    [scheduled] = await say(teams, "digest weekly mon 09:00 Europe/London")
    assert scheduled.method == "post" and scheduled.conversation == ta.CHANNEL
    assert "every Monday at 09:00 (Europe/London)" in scheduled.text
    subscribed = await teams.services.repo.subscription("default", where(ta.CHANNEL))

    [shown] = await say(teams, "digest", user=ta.ALICE)
    assert addressed_to(shown) == ta.ALICE[0]
    assert "The next comes Mon 9 Mar 09:00, covering since Mon 2 Mar 09:00" in shown.text
    [refused] = await say(teams, "digest off", user=ta.ALICE)
    assert addressed_to(refused) == ta.ALICE[0]
    assert "Only organisers can stop digests" in refused.text
    [bad] = await say(teams, "digest weekly funday 9am")
    assert addressed_to(bad) == ta.ORGANISER[0]
    assert "'funday' is not a day" in bad.text and "Nothing was changed" in bad.text
    assert await teams.services.repo.subscription("default", where(ta.CHANNEL)) == subscribed

    clock.advance(hours=2)
    [digest] = await say(teams, "digest now")

    assert digest.method == "post" and digest.conversation == ta.CHANNEL
    assert digest.card["body"][0]["text"] == TITLE
    assert digest.card["body"][2]["text"] == "1 new idea, 0 votes, 1 participant."
    assert "Who took part: community 1 · ideas and votes via Teams 1" in digest.text
    assert "• #1 Community hubs in every ward (0 votes)" in digest.text
    assert digest.body["summary"].startswith(TITLE)
    assert open_urls(digest) == []  # no public URL: no link
    [shown] = await say(teams, "digest", user=ta.ALICE)
    assert "covering since Mon 2 Mar 11:00" in shown.text


async def test_a_removed_bot_stops_that_digest_and_a_flaky_connector_is_retried_next_tick(
    teams: Teams, clock: FakeClock
) -> None:
    for conversation in (ORGANISERS, HEALTHY, REMOVED, FLAKY):
        await added(teams, conversation)
    await say(teams, "organisers here", ORGANISERS)
    for conversation in (HEALTHY, REMOVED, FLAKY):
        await say(teams, "digest daily 17:30", conversation)
    teams.connector.refuse(REMOVED, 403)
    teams.connector.refuse(FLAKY, 500)
    clock.advance(hours=9)  # Monday 18:00 in London

    assert await tick(teams) == 1

    healthy = teams.connector.to(HEALTHY)[-1]
    assert healthy.method == "post" and healthy.card["body"][0]["text"] == TITLE
    assert teams.connector.to(REMOVED)[-1].method == "failed"
    assert teams.connector.to(FLAKY)[-1].method == "failed"  # a 500 is not retried in the tick
    notice = teams.connector.to(ORGANISERS)[-1]
    assert notice.method == "post" and notice.card["body"][0]["text"] == "Digests stopped"
    assert f"Digests for {REMOVED} (teams) stopped. I can no longer post there" in notice.text
    stopped = await teams.services.repo.subscription("default", where(REMOVED))
    assert stopped is not None and stopped.state is SubscriptionState.STOPPED
    [told] = await say(teams, "digest", REMOVED, user=ta.ALICE)
    assert "Digests here stopped: I can no longer post there" in told.text

    # The flaky conversation answered 500: tried again at the next tick, where it throttles
    # (429, retried within the tick for as long as a post may wait) and gives out, then at the
    # tick after that it recovers.
    before = {c: len(teams.connector.to(c)) for c in (HEALTHY, REMOVED, FLAKY)}
    throttled = MOST_TRIES + 1
    teams.connector.refuse(FLAKY, 429, times=throttled, headers={"Retry-After": "0"})
    clock.advance(minutes=1)
    assert await tick(teams) == 0
    assert [c.method for c in teams.connector.to(FLAKY)[before[FLAKY] :]] == ["failed"] * throttled
    clock.advance(minutes=1)
    assert await tick(teams) == 1
    [digest] = teams.connector.to(FLAKY)[before[FLAKY] + throttled :]
    assert digest.method == "post" and digest.card["body"][0]["text"] == TITLE
    assert "From Sun 1 Mar 17:30 to Mon 2 Mar 17:30" in digest.text  # the day it was due for
    for gone_or_done in (HEALTHY, REMOVED):  # neither was posted to again
        assert len(teams.connector.to(gone_or_done)) == before[gone_or_done]


@pytest.mark.parametrize("web", [LINKED])
async def test_a_digest_card_opens_the_plan_with_a_token_that_verifies(
    teams: Teams, web: WebSettings, clock: FakeClock
) -> None:
    await added(teams, ta.CHANNEL)
    await say(teams, "digest daily 17:30")
    clock.advance(hours=9)
    assert await tick(teams) == 1

    digest = teams.connector.to(ta.CHANNEL)[-1]
    brief, link = open_urls(digest)
    assert brief["title"] == "The one-page brief (PDF)"
    assert brief["url"].startswith("https://howcanwe.example.org/plan.pdf?programme=default&t=")
    assert link["title"] == "Open the whole plan"
    assert link["url"].startswith("https://howcanwe.example.org/plan?programme=default&t=")
    token = link["url"].rpartition("&t=")[2]
    signer = web.signer()
    assert signer is not None and signer.verify(token, clock.now()) == "default"
    assert signer.verify(token, clock.now() + timedelta(days=31)) is None  # links expire


async def test_uninstalling_from_a_conversation_stops_its_digests_and_tells_organisers(
    teams: Teams, clock: FakeClock
) -> None:
    for conversation in (ORGANISERS, HEALTHY, REMOVED):
        await added(teams, conversation)
    await say(teams, "organisers here", ORGANISERS)
    for conversation in (HEALTHY, REMOVED):
        await say(teams, "digest daily 17:30", conversation)
    repo = teams.services.repo

    [notice] = await teams.ok(ta.uninstalled(teams.url, REMOVED))  # none to where it left
    assert notice.method == "post" and notice.conversation == ORGANISERS
    assert notice.card["body"][0]["text"] == "Digests stopped"
    assert f"Digests for {REMOVED} (teams) stopped. The app was removed" in notice.text
    stopped = await repo.subscription("default", where(REMOVED))
    assert stopped is not None and stopped.state is SubscriptionState.STOPPED
    assert await repo.reference("default", where(REMOVED)) is None
    assert await teams.ok(ta.uninstalled(teams.url, REMOVED)) == []  # Teams' re-send: no 2nd word

    clock.advance(hours=9)
    before = len(teams.connector.to(REMOVED))
    assert await tick(teams) == 1  # the healthy channel's digest; none tried where the bot left
    assert len(teams.connector.to(REMOVED)) == before

    [welcome] = await teams.ok(ta.installed(teams.url) | ta._in(REMOVED))  # added back
    assert welcome.conversation == REMOVED and "Hello!" in welcome.text
    [told] = await say(teams, "digest", REMOVED, user=ta.ALICE)
    assert "Digests here stopped: The app was removed from the conversation." in told.text


async def test_the_bot_removed_from_a_team_or_a_channel_deleted_stops_those_digests(
    teams: Teams,
) -> None:
    for conversation in (HEALTHY, REMOVED, FLAKY):
        await added(teams, conversation)
        await say(teams, "digest daily 17:30", conversation)
    repo = teams.services.repo

    await teams.ok(ta.member_removed(teams.url, ta.ALICE[0], HEALTHY))  # someone else left
    await teams.ok(ta.bot_removed(teams.url, REMOVED))
    await teams.ok(ta.channel_deleted(teams.url, FLAKY, "flaky"))

    states = {c: (await repo.subscription("default", where(c))) for c in (HEALTHY, REMOVED, FLAKY)}
    assert {c: s.state if s else None for c, s in states.items()} == {
        HEALTHY: SubscriptionState.ACTIVE,
        REMOVED: SubscriptionState.STOPPED,
        FLAKY: SubscriptionState.STOPPED,
    }
    assert await repo.reference("default", where(HEALTHY)) is not None
