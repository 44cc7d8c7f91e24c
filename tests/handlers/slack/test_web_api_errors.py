"""The Slack Web API failing in every way it does: error bodies of any shape, sustained 429s,
slow answers. Nothing the core asked to post is silently dropped, and nothing is logged with a
traceback or with what a participant typed."""

from __future__ import annotations

import logging

import pytest

from bot.core.domain import Anchor, AnchorKind
from bot.logs import context_of
from handlers.pacing import MOST_TRIES
from handlers.slack.delivery import NOT_POSTED
from handlers.slack.webapi import GATEWAY_RETRIES
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.conftest import Bot

IDEA = "Floating gardens on the canal"

ANSWERS = {  # status, body, content type
    "500-plain-text": (500, "Internal Server Error", "text/plain"),
    "502-html": (502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"),
    "503-html": (503, "<html>Service Unavailable</html>", "text/html"),
    "200-unknown-error": (200, '{"ok": false, "error": "brand_new_error"}', "application/json"),
    "200-json-array": (200, '["ok"]', "application/json"),
    "200-plain-text": (200, "ok", "text/plain"),
    "200-broken-json": (200, '{"ok": tr', "application/json"),
    "400-empty": (400, "", "text/plain"),
}


@pytest.fixture
def caplog_info(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)
    return caplog


def no_traceback_nor_text(caplog: pytest.LogCaptureFixture, text: str) -> None:
    for record in caplog.records:
        assert record.exc_info is None, record.getMessage()
        assert text not in record.getMessage() + str(context_of(record))


async def reply_in_thread(bot: Bot, ts: str, text: str = IDEA) -> None:
    await bot.ok(rq.event(rq.thread_reply(text, ts), f"Ev-{text}"))
    await bot.settle()


@pytest.mark.parametrize("answer", ANSWERS.values(), ids=ANSWERS.keys())
async def test_a_card_slack_will_not_take_gets_the_fallback_reply_and_one_log_line(
    bot: Bot, caplog_info: pytest.LogCaptureFixture, answer: tuple[int, str, str]
) -> None:
    status, body, content_type = answer
    ts = await bot.prompt()
    tries = 1 + GATEWAY_RETRIES if status >= 500 else 1
    soon = {"Retry-After": "0"}  # a gateway error is retried after its Retry-After
    bot.fake.fail("chat.postMessage", status, body, content_type, times=tries, headers=soon)

    await reply_in_thread(bot, ts)

    assert [c.method for c in bot.fake.calls[-tries - 1 :]] == [
        *[f"chat.postMessage:{status}"] * tries,
        "chat.postEphemeral",
    ]
    [note] = bot.fake.of("chat.postEphemeral")
    assert (note["channel"], note["user"], note["thread_ts"]) == ("C1", "U1", ts)
    assert NOT_POSTED in note["text"]
    assert [i.text for i in await bot.services.repo.ideas("default")] == [IDEA]
    [failed] = [
        r for r in caplog_info.records if r.getMessage() == "slack chat.postMessage not sent"
    ]
    assert failed.levelno == logging.WARNING
    assert context_of(failed)["card"] == "idea 1" and context_of(failed)["channel"] == "C1"
    assert context_of(failed)["status"] == status
    no_traceback_nor_text(caplog_info, IDEA)


async def test_a_name_lookup_answered_in_plain_text_still_takes_the_idea(
    bot: Bot, caplog_info: pytest.LogCaptureFixture
) -> None:
    ts = await bot.prompt()
    soon = {"Retry-After": "0"}
    bot.fake.fail("users.info", 500, "upstream error", times=1 + GATEWAY_RETRIES, headers=soon)

    await reply_in_thread(bot, ts)

    card = bot.fake.of("chat.postMessage")[-1]
    assert card["thread_ts"] == ts and IDEA in card["text"]
    no_traceback_nor_text(caplog_info, IDEA)


async def test_an_idea_card_is_posted_after_a_long_burst_of_429s(bot: Bot) -> None:
    ts = await bot.prompt()
    bot.fake.retry_after = 0
    bot.fake.rate_limit("chat.postMessage", times=25)  # slack_sdk's own handler gives up at 3

    await reply_in_thread(bot, ts)

    limited = [c for c in bot.fake.calls if c.method == "chat.postMessage:429"]
    assert len(limited) == 25
    card = bot.fake.of("chat.postMessage")[-1]
    assert card["thread_ts"] == ts and IDEA in card["text"]
    copies = await bot.services.engine.copies("default", Anchor(AnchorKind.IDEA, 1))
    assert [c.message_id for c in copies] == [bot.fake.last_ts()]  # votes will update it


async def test_a_card_throttled_past_patience_is_logged_as_an_error_with_its_number(
    bot: Bot, caplog_info: pytest.LogCaptureFixture
) -> None:
    ts = await bot.prompt()
    bot.fake.retry_after = 0
    bot.fake.rate_limit("chat.postMessage", times=MOST_TRIES + 1)

    await reply_in_thread(bot, ts)

    limited = [c for c in bot.fake.calls if c.method == "chat.postMessage:429"]
    assert len(limited) == MOST_TRIES + 1
    [given_up] = [r for r in caplog_info.records if r.levelno >= logging.ERROR]
    assert given_up.getMessage() == "slack chat.postMessage not sent"
    assert context_of(given_up) == {
        "call": "chat.postMessage",
        "channel": "C1",
        "card": "idea 1",
        "status": 429,
        "error": "ratelimited",
    }
    [note] = bot.fake.of("chat.postEphemeral")  # the person still hears what happened
    assert NOT_POSTED in note["text"]
    no_traceback_nor_text(caplog_info, IDEA)


async def test_votes_while_card_updates_are_throttled_are_all_counted_on_the_card(
    bot: Bot,
) -> None:
    ts = await bot.prompt()
    await reply_in_thread(bot, ts)
    card_ts = bot.fake.last_ts()
    bot.fake.retry_after = 0
    bot.fake.rate_limit("chat.update", times=10)

    for n in range(8):
        await bot.ok(rq.action("idea.vote", "1", user=f"UV{n}", message_ts=card_ts, thread_ts=ts))
    await bot.settle()

    updates = bot.fake.of("chat.update")
    assert 1 <= len(updates) < 8  # coalesced: the clicks did not each wait for Slack
    assert "Vote (8)" in str(updates[-1]["blocks"])


async def test_a_slow_web_api_does_not_hold_up_acks(bot: Bot) -> None:
    ts = await bot.prompt()
    posting = bot.fake.hold("chat.postMessage")
    lookups = bot.fake.hold("users.info")

    reply = await bot.send(rq.event(rq.thread_reply(IDEA, ts), "EvSlow"))
    command = await bot.send(rq.command("help", user="U2", response_url=bot.fake.response_url()))

    assert (reply.status, command.status) == (200, 200)  # answered while Slack keeps us waiting
    assert len(bot.fake.of("chat.postMessage")) == 1  # only the prompt so far
    lookups.set()
    posting.set()
    await bot.settle()
    assert IDEA in bot.fake.of("chat.postMessage")[-1]["text"]
    assert "idea" in bot.fake.of("response_url")[-1]["text"]
