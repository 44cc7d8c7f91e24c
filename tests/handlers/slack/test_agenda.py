"""The day's steps in Slack, end to end: signed commands and button clicks in, recorded Web API
calls out, on SQLite and PostgreSQL."""

from __future__ import annotations

from bot.core.agenda import Kind, Reaction
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.conftest import Bot


def buttons(post: dict) -> list[tuple[str, str]]:
    return [
        (e["action_id"], e.get("value", ""))
        for b in post["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]


async def test_moving_to_the_evidence_posts_one_card_per_item_with_reaction_buttons(
    bot: Bot,
) -> None:
    await bot.ok(rq.command("step evidence"))
    await bot.settle()
    posts = bot.fake.of("chat.postMessage")
    assert [p["channel"] for p in posts] == ["C1"] * 4
    assert posts[0]["text"].startswith("Explore the evidence")
    university = posts[1]
    assert "The University of Oxford" in university["text"]
    assert "The University of the West of England Bristol" in university["text"]
    assert buttons(university) == [
        ("evidence.react", "university-income interesting"),
        ("evidence.react#2", "university-income surprising"),  # unique within a message
        ("evidence.react#3", "university-income inspires"),
    ]
    assert "react university-income interesting|surprising|inspires" in university["text"]


async def test_a_reaction_click_counts_once_and_updates_the_card_in_place(bot: Bot) -> None:
    await bot.ok(rq.command("evidence university"))
    await bot.settle()
    card_ts = bot.fake.last_ts()
    for _ in range(2):
        await bot.ok(
            rq.action(
                "evidence.react", "university-income surprising", user="U2", message_ts=card_ts
            )
        )
        await bot.settle()
    updates = bot.fake.of("chat.update")
    assert [u["ts"] for u in updates] == [card_ts, card_ts]
    assert "Surprising: 1 — Community 1" in updates[-1]["text"]
    tally = (await bot.services.repo.tallies("default"))["university-income"]
    assert tally.total(Reaction.SURPRISING) == 1


async def test_hopes_are_backed_by_button_once_and_bad_input_is_answered_privately(
    bot: Bot, fake
) -> None:
    await bot.ok(rq.command("hope A brand the world knows", user="U1"))
    await bot.settle()
    hope = bot.fake.of("chat.postMessage")[-1]
    assert buttons(hope) == [("day.back", "h1")]
    for user in ("U2", "U2", "U3"):
        await bot.ok(rq.action("day.back", "h1", user=user, message_ts=bot.fake.last_ts()))
    await bot.settle()
    notes = [n["text"] for n in bot.fake.of("chat.postEphemeral")]
    assert notes == [
        "You back h1 now (1 backing it).",
        "You already back h1; each person backs it once.",
        "You back h1 now (2 backing it).",
    ]
    for line in ("challenge infra", "back h7", "step lunch", "react moon inspires"):
        await bot.ok(rq.command(line, user="U2", response_url=fake.response_url()))
    await bot.settle()
    replies = [r for r in fake.of("response_url")]
    assert all(r["response_type"] == "ephemeral" for r in replies)
    assert [r["text"].split(".")[0] for r in replies] == [
        "A challenge needs its question, e",
        "There is no h7",
        "Only organisers can move the agenda",
        "There is no piece of evidence called 'moon'",
    ]
    (found,) = await bot.services.repo.contributions("default", Kind.HOPE)
    assert found.total == 2
    assert await bot.services.repo.contributions("default", Kind.CHALLENGE) == []


async def test_the_published_synthesis_reaches_every_channel_of_the_programme(bot: Bot) -> None:
    await bot.ok(rq.command("hope Learners in every office", user="U1", channel="C2"))
    await bot.ok(rq.command("synthesis edit ## What we heard\n- Learners in every office"))
    await bot.ok(rq.action("synthesis.publish", "", user="UORG"))
    await bot.settle()
    heard = [p for p in bot.fake.of("chat.postMessage") if p["text"].startswith("What we heard")]
    assert sorted(p["channel"] for p in heard) == ["C1", "C2"]
    assert all("Learners in every office" in p["text"] for p in heard)
