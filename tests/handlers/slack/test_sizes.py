"""Sizes through the real entry point: a huge idea and long lists, typed in Slack, reach the
Web API as blocks within every documented Block Kit limit and within the text Slack accepts in
one message or view (`msg_blocks_too_long`), however the text is written."""

from __future__ import annotations

from typing import Any

from handlers.slack import codec
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.conftest import Bot
from tests.handlers.slack.fake_slack import shown
from tests.handlers.slack.test_flows import add_idea
from tests.handlers.test_codec_contract import slack_problems

# The longest idea, each of its markup characters four or five when escaped for Slack.
MARKUP_IDEA = "Fund trams " + "&<>" * 996 + "!"


# Ideas unlike each other, so that none is taken for a near-duplicate of another.
TOPICS = (
    "trams",
    "schools",
    "housing",
    "clinics",
    "parks",
    "libraries",
    "bridges",
    "markets",
    "apprenticeships",
    "broadband",
    "cycling",
    "harbours",
    "museums",
    "orchards",
    "ferries",
    "kitchens",
    "laboratories",
    "theatres",
    "allotments",
    "foundries",
    "hostels",
    "quarries",
    "vineyards",
    "workshops",
    "observatories",
)


def typed(text: str) -> str:
    """As Slack sends what a person typed: its three control characters as entities."""
    return codec.entities(text)


async def test_a_huge_idea_is_cut_after_escaping_within_slacks_limits(bot: Bot) -> None:
    ts = await bot.prompt()

    await add_idea(bot, ts, typed(MARKUP_IDEA), event_id="EvHuge")

    card = bot.fake.of("chat.postMessage")[-1]
    assert slack_problems(card, codec.MESSAGE_BLOCKS) == []
    text = card["blocks"][1]["text"]["text"]
    assert shown(text) == MARKUP_IDEA[:700] + "…"  # 3,000 characters hold 700 escaped
    votes = [e for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert votes[0]["action_id"] == "idea.vote"  # the buttons are never what is cut


async def test_long_lists_of_huge_ideas_stay_within_slacks_limits(bot: Bot) -> None:
    ts = await bot.prompt()
    for n, topic in enumerate(TOPICS):
        idea = typed(f"{topic.capitalize()} for everyone " + MARKUP_IDEA[11:2980])
        await add_idea(bot, ts, idea, user=f"U{n}", event_id=f"EvPlan{n}")
    replied = len(bot.fake.of("response_url"))

    for command in ("ideas", "plan", "themes", "help"):
        await bot.ok(rq.command(command, user="UORG", response_url=bot.fake.response_url()))
        await bot.settle()
    home = {"type": "app_home_opened", "user": "UORG", "channel": "DORG", "tab": "home"}
    await bot.ok(rq.event(home, "EvHomeSizes"))
    await bot.settle()

    replies: list[dict[str, Any]] = bot.fake.of("response_url")[replied:]
    assert len(replies) == 4
    for reply in replies:
        assert slack_problems(reply, codec.MESSAGE_BLOCKS) == []
    (published,) = bot.fake.of("views.publish")
    assert slack_problems(published["view"], codec.HOME_BLOCKS) == []
    listed, plan = (shown(_all_text(r["blocks"])) for r in replies[:2])
    assert listed.startswith("Ideas — ") and "(25)" in listed
    assert codec.MORE in listed  # 20 lines of escaped ideas are more than a message holds
    assert "…and 20 more — type `ideas inclusive-growth` to list them" in plan
    home_text = shown(_all_text(published["view"]["blocks"]))
    assert "…and 20 more — type `ideas inclusive-growth` to list them" in home_text


def _all_text(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(
        t["text"]
        for b in blocks
        for t in [b.get("text") or {}, *b.get("fields", ()), *b.get("elements", ())]
        if isinstance(t, dict) and "text" in t and isinstance(t["text"], str)
    )
