"""Slack's retry of a request whose handler died is handled; a handled one is not doubled."""

from __future__ import annotations

import logging

import pytest

from bot.core.domain import Claim
from handlers.slack.origin import PLATFORM
from handlers.turns import LEASE
from tests.conftest import FakeClock
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.conftest import Bot

PROMPT = {
    "type": "app_mention",
    "channel": "C1",
    "user": "UORG",
    "text": "<@UBOT> prompt inclusive-growth",
    "ts": "5.1",
}


async def test_a_mention_whose_handler_died_is_handled_on_slacks_later_retry(
    bot: Bot, clock: FakeClock
) -> None:
    thread = await bot.prompt()
    idea = {**PROMPT, "user": "U1", "text": "<@UBOT> idea Night buses", "thread_ts": thread}
    assert await bot.services.repo.claim(PLATFORM, "event:EvDied1", LEASE) is Claim.NEW  # then died

    soon = await bot.send(rq.event(idea, "EvDied1"), headers={"X-Slack-Retry-Num": "1"})
    assert soon.status == 409, (
        await soon.text()
    )  # the claim still stands: Slack tries again in a minute
    clock.advance(minutes=1)
    await bot.ok(rq.event(idea, "EvDied1"), headers={"X-Slack-Retry-Num": "2"})
    assert len(await bot.services.repo.ideas("default", None)) == 1

    await bot.ok(rq.event(idea, "EvDied1"), headers={"X-Slack-Retry-Num": "3"})
    await bot.settle()
    assert len(await bot.services.repo.ideas("default", None)) == 1  # handled: not doubled


async def test_a_retry_of_a_request_being_handled_elsewhere_is_asked_to_come_back(
    bot: Bot,
) -> None:
    assert await bot.services.repo.claim(PLATFORM, "event:EvBusy1", LEASE)  # another process has it

    busy = await bot.send(rq.event(PROMPT, "EvBusy1"), headers={"X-Slack-Retry-Num": "1"})

    assert busy.status == 409
    await bot.settle()
    assert bot.fake.of("chat.postMessage") == []


async def test_a_prompt_an_idea_and_a_mention_are_handled_with_debug_logging_on(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        thread = await bot.prompt()
        await bot.ok(rq.event(rq.thread_reply("Night buses", thread), "EvDebug1"))
        await bot.ok(rq.event(PROMPT | {"text": "<@UBOT> themes", "ts": "5.9"}, "EvDebug2"))
        await bot.settle()
    assert len(await bot.services.repo.ideas("default", None)) == 1
    assert bot.fake.of("chat.postEphemeral")  # the themes answer
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
