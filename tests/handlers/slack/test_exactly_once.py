"""Every click and every idea counts exactly once: two app processes on one database, a burst of
signed requests, double-clicks that reach both, identical ideas at the same moment, replays."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.app import create_app
from bot.config import Settings
from bot.core.interaction import VOTE
from bot.services import open_services
from storage import models as m
from tests.conftest import FakeClock
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.conftest import Bot, slack_settings
from tests.handlers.slack.fake_slack import FakeSlack

PEOPLE = 200
IDEAS = 20
BUDGET = 5  # the default playbook's votes per theme
# Words far enough apart that no two ideas look like near-duplicates of each other.
TOPICS = (
    "bike lanes", "community energy", "night buses", "maker spaces", "apprenticeship fairs",
    "river cleanup", "tram extension", "rooftop solar", "library hubs", "street trees",
    "repair cafes", "coding clubs", "school gardens", "harbour ferry", "youth mentoring",
    "market halls", "broadband vouchers", "care cooperatives", "heat pumps", "canal paths",
)  # fmt: skip


@asynccontextmanager
async def second_process(
    settings: Settings, fake: FakeSlack, clock: FakeClock
) -> AsyncIterator[Bot]:
    """Another web process: its own engine, repository and caches on the same database."""
    async with open_services(settings, clock=clock) as services:
        app = create_app(slack_settings(settings, fake), services)
        async with TestClient(TestServer(app, host="127.0.0.1")) as http:
            yield Bot(http, fake, services)


def cards_in(bot: Bot, thread_ts: str) -> list[dict[str, Any]]:
    """The cards Slack accepted into the thread."""
    return [
        c.args
        for c in bot.fake.calls
        if c.method == "chat.postMessage"
        and c.args.get("thread_ts") == thread_ts
        and c.answer.get("ok")
    ]


async def count(bot: Bot, query: object) -> int:
    async with bot.services.db.connect() as conn:
        return int((await conn.execute(query)).scalar_one())  # type: ignore[call-overload]


async def test_two_processes_count_a_burst_of_clicks_exactly(
    bot: Bot, settings: Settings, fake: FakeSlack, clock: FakeClock
) -> None:
    ts = await bot.prompt()
    for n, topic in enumerate(TOPICS):
        await bot.ok(rq.event(rq.thread_reply(f"More {topic} for everyone", ts), f"Ev-idea-{n}"))
    await bot.settle()
    assert len(await bot.services.repo.ideas("default")) == IDEAS

    def click(person: int, idea: int) -> tuple[str, str]:
        return rq.action(VOTE, str(idea + 1), user=f"U{person:03d}", message_ts=ts)

    async with second_process(settings, fake, clock) as other:
        processes = (bot, other)
        sends = []
        expected = {}
        for person in range(PEOPLE):
            wanted = [(person + k) % IDEAS for k in range(6 if person < 50 else 4)]
            for k, idea in enumerate(wanted):
                sends.append(processes[(person + k) % 2].send(click(person, idea)))
            if person % 2 == 0:  # a double-click on the last idea, reaching the other process
                sends.append(processes[(person + len(wanted)) % 2].send(click(person, wanted[-1])))
            expected[f"U{person:03d}"] = min(len(wanted), BUDGET)
        assert len(sends) == 1000
        responses = await asyncio.gather(*sends)
        assert [r.status for r in responses] == [200] * len(sends)
        await bot.settle()
        await other.settle()

    per_person = (
        select(m.Participant.user_id, func.count(m.Vote.id))
        .join(m.Vote, m.Vote.participant_id == m.Participant.id)
        .group_by(m.Participant.user_id)
    )
    async with bot.services.db.connect() as conn:
        counted = dict((await conn.execute(per_person)).all())
        per_budget = select(m.Participant.user_id, m.VoteBudget.used).join(
            m.VoteBudget, m.VoteBudget.participant_id == m.Participant.id
        )
        budgets = dict((await conn.execute(per_budget)).all())
    assert counted == expected
    assert budgets == expected  # no budget overspent, none charged twice
    assert sum(counted.values()) == 850
    notes = fake.of("chat.postEphemeral")
    assert not [n for n in notes if "Sorry" in n["text"] or "taken back" in n["text"]]
    spent = {n["user"] for n in notes if "You have used all 5" in n["text"]}
    assert spent == {f"U{person:03d}" for person in range(50)}  # told so on their sixth


async def test_identical_ideas_at_the_same_moment_in_two_processes_make_one_idea(
    bot: Bot, settings: Settings, fake: FakeSlack, clock: FakeClock
) -> None:
    ts = await bot.prompt()
    text = "Create a single innovation brand for the region"
    async with second_process(settings, fake, clock) as other:
        sends = [
            process.send(rq.event(rq.thread_reply(text, ts, user=f"U{n}"), f"Ev-same-{n}"))
            for n, process in enumerate((bot, other, bot, other, bot, other))
        ]
        assert [r.status for r in await asyncio.gather(*sends)] == [200] * 6
        await bot.settle()
        await other.settle()
    assert [i.text for i in await bot.services.repo.ideas("default")] == [text]
    held = [e for e in fake.of("chat.postEphemeral") if "looks like" in e["text"]]
    assert len(held) == 5  # the others are held back, each told privately


async def test_a_retried_event_reaching_both_processes_adds_one_idea(
    bot: Bot, settings: Settings, fake: FakeSlack, clock: FakeClock
) -> None:
    ts = await bot.prompt()
    reply = rq.event(rq.thread_reply("Night buses to the harbour", ts), "Ev-retried")
    async with second_process(settings, fake, clock) as other:
        retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        first, second = await asyncio.gather(bot.send(reply), other.send(reply, headers=retry))
        assert first.status == second.status == 200
        await bot.settle()
        await other.settle()
    assert len(await bot.services.repo.ideas("default")) == 1
    assert len(cards_in(bot, ts)) == 1


async def test_a_replayed_slash_command_adds_nothing(bot: Bot) -> None:
    await bot.prompt()
    command = rq.command("idea Trial universal basic income", user="U1")
    await bot.ok(command)
    await bot.ok(command)  # the same signed request, sent again within its 5 minutes
    await bot.settle()
    ideas = await bot.services.repo.ideas("default")
    assert [i.text for i in ideas] == ["Trial universal basic income"]
    assert await count(bot, select(func.count(m.Idea.id))) == 1


async def test_a_click_is_acked_only_once_its_vote_is_stored(bot: Bot) -> None:
    ts = await bot.prompt()
    await bot.ok(rq.event(rq.thread_reply("Rooftop solar on schools", ts), "Ev-solar"))
    await bot.settle()
    await bot.ok(rq.action(VOTE, "1", user="U7", message_ts=ts))
    # No waiting for background work: the 200 itself means the vote is in the database.
    assert await count(bot, select(func.count(m.Vote.id))) == 1


async def test_a_retry_posts_the_card_that_never_went_out(bot: Bot, clock: FakeClock) -> None:
    """The idea was stored but its card was never posted (the process died, or Slack refused
    the post): Slack's retry a minute later posts the card, and adds no second idea."""
    ts = await bot.prompt()
    reply = rq.event(rq.thread_reply("Heat pumps for council homes", ts), "Ev-heat")
    bot.fake.gone["C1"] = "channel_not_found"
    await bot.ok(reply)
    await bot.settle()
    del bot.fake.gone["C1"]
    assert not cards_in(bot, ts)

    clock.advance(minutes=1)
    await bot.ok(reply, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"})
    await bot.settle()
    (card,) = cards_in(bot, ts)
    assert card["text"].startswith("#1 · Inclusive growth")
    assert len(await bot.services.repo.ideas("default")) == 1
