"""Signatures, replayed events, rate limits, coalesced updates and neutralised text."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import func, select

from storage.models import Prompt
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.conftest import Bot
from tests.handlers.slack.test_flows import add_idea

STALE = int(time.time()) - 6 * 60


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "0" * 64},
        rq.sign("", timestamp=None) | {"X-Slack-Signature": "v0=deadbeef"},
        "stale",
        "other-secret",
    ],
    ids=["missing", "wrong", "garbled", "stale", "other-secret"],
)
async def test_a_bad_signature_gets_401_and_changes_nothing(bot: Bot, headers: object) -> None:
    request = rq.command("prompt inclusive-growth")
    body = request[0]
    if headers == "stale":
        headers = rq.sign(body, timestamp=STALE)
    elif headers == "other-secret":
        headers = rq.sign(body, secret="not-the-secret")
    response = await bot.send(request, headers=headers, signed=False)  # type: ignore[arg-type]
    assert response.status == 401
    await bot.settle()
    assert not [c for c in bot.fake.calls if c.method != "auth.test"]
    async with bot.services.db.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(Prompt)) == 0


async def test_url_verification_echoes_the_challenge(bot: Bot) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"})
    response = await bot.ok((body, rq.JSON))
    assert (await response.json())["challenge"] == "abc123"


async def test_a_retried_or_replayed_event_never_makes_a_second_idea(bot: Bot) -> None:
    ts = await bot.prompt()
    reply = rq.event(rq.thread_reply("Shared cargo bikes", ts), "EvOnce")
    await bot.ok(reply)
    await bot.ok(reply, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    await bot.settle()
    await bot.ok(reply)  # replayed later, too
    await bot.settle()
    assert len(await bot.services.repo.ideas("default")) == 1
    assert len(bot.fake.of("chat.postMessage")) == 2  # the prompt and one idea card


async def test_a_429_is_retried_after_retry_after(bot: Bot) -> None:
    ts = await bot.prompt()
    bot.fake.rate_limit("chat.postMessage", times=1)
    await add_idea(bot, ts, "Retry me")
    assert [c.method for c in bot.fake.calls[-2:]] == ["chat.postMessage:429", "chat.postMessage"]
    assert bot.fake.calls[-1].args["thread_ts"] == ts


async def test_a_burst_of_votes_coalesces_updates_and_the_last_state_wins(bot: Bot) -> None:
    ts = await bot.prompt()
    card_ts = await add_idea(bot, ts, "Burst")
    for n in range(12):
        await bot.ok(rq.action("idea.vote", "1", user=f"UV{n}", message_ts=card_ts, thread_ts=ts))
    await bot.settle()
    updates = bot.fake.of("chat.update")
    assert 1 <= len(updates) < 12
    assert "Vote (12)" in str(updates[-1]["blocks"])


async def test_mentions_and_links_typed_by_participants_ping_nobody(bot: Bot) -> None:
    ts = await bot.prompt()
    typed = (
        "&lt;!channel&gt; &lt;@U0BOSS&gt; &lt;http://evil|click&gt; <!here> <https://x.org|site>"
    )
    await add_idea(bot, ts, typed)
    card = bot.fake.of("chat.postMessage")[-1]
    shown = json.dumps(card["blocks"]) + card["text"]
    for dangerous in ("<!channel>", "<!here>", "<@U0BOSS>", "<http://evil|click>", "<https://"):
        assert dangerous not in shown
    assert (
        "&lt;!channel&gt; &lt;@U0BOSS&gt; &lt;http://evil|click&gt; @here site (https://x.org)"
        in card["text"]
    )
    (idea,) = await bot.services.repo.ideas("default")
    assert idea.text.startswith("<!channel> <@U0BOSS>")  # stored exactly as the person typed it
    assert "link_names" not in card


async def test_malformed_payloads_get_no_500(bot: Bot) -> None:
    garbage = [
        ("payload=not-json", rq.FORM),
        ("payload=" + json.dumps({"type": "block_actions", "actions": [{}]}), rq.FORM),
        ("{not json", rq.JSON),
        (json.dumps({"type": "event_callback", "event": {"type": "message"}}), rq.JSON),
    ]
    for request in garbage:
        response = await bot.send(request)
        assert response.status < 500
    await bot.settle()
