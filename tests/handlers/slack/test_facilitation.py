"""Facilitation in Slack, end to end: near-duplicates, merges, suggestions, phases, actions and
consensus, through signed requests in and recorded Web API calls out."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from bot.core.cards import BACKED_MEASURE
from handlers.teams.mount import TEAMS
from tests.bot.test_duplicates import BRAND, BRAND_LONGER
from tests.conftest import FakeClock
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.conftest import Bot
from tests.handlers.slack.test_flows import add_idea
from tests.handlers.teams import conftest as teams_harness
from tests.handlers.teams import teams_activities as ta
from tests.handlers.teams.fake_connector import FakeConnector

SLACK_TYPED = "<!channel> " + BRAND_LONGER
connector = teams_harness.connector  # the fake Bot Connector, for the tests that use Teams too


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A posted message's buttons by label."""
    return {
        e["text"]["text"]: e
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["type"] == "button"
    }


def ephemeral_press(
    button: dict[str, Any], thread_ts: str | None, user: str, response_url: str
) -> tuple[str, str]:
    """block_actions from an ephemeral message: Slack sends no `message`, only the container
    (flagged ephemeral, with the thread if it is in one) and a response_url."""
    container: dict[str, Any] = {
        "type": "message",
        "message_ts": "1700000000.999999",  # the ephemeral's own ts: no one can reply to it
        "channel_id": "C1",
        "is_ephemeral": True,
    }
    if thread_ts:
        container["thread_ts"] = thread_ts
    payload = {
        "type": "block_actions",
        "team": {"id": rq.TEAM, "domain": "acme"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": rq.TEAM},
        "api_app_id": "A1",
        "container": container,
        "trigger_id": "trig-ephemeral",
        "channel": {"id": "C1", "name": "chan-c1"},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": "b1",
                "value": button["value"],
                "action_ts": "1.3",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)}), rq.FORM


def updated(bot: Bot, ts: str) -> dict[str, Any]:
    """The newest chat.update of the message `ts`."""
    return [u for u in bot.fake.of("chat.update") if u["ts"] == ts][-1]


async def command(bot: Bot, text: str, user: str = "UORG", channel: str = "C1") -> str:
    """A slash command; returns what the person privately saw (or "" if nothing)."""
    before = len(bot.fake.of("response_url"))
    await bot.ok(rq.command(text, user=user, channel=channel, response_url=bot.fake.response_url()))
    await bot.settle()
    return "\n".join(r["text"] for r in bot.fake.of("response_url")[before:])


async def held_back(bot: Bot) -> tuple[str, str, dict[str, Any]]:
    """U1's idea, then U2's near-duplicate: returns (prompt ts, #1's card ts, the ephemeral)."""
    ts = await bot.prompt("fostering-innovation")
    card_ts = await add_idea(bot, ts, BRAND)
    typed = SLACK_TYPED.replace("<", "&lt;").replace(">", "&gt;")  # as Slack sends it
    await bot.ok(rq.event(rq.thread_reply(typed, ts, user="U2"), "EvDup"))
    await bot.settle()
    return ts, card_ts, bot.fake.of("chat.postEphemeral")[-1]


async def test_a_near_duplicate_reply_is_held_back_in_an_ephemeral_with_two_choices(
    bot: Bot,
) -> None:
    ts, _, note = await held_back(bot)

    assert note["user"] == "U2" and note["channel"] == "C1" and note["thread_ts"] == ts
    assert note["text"].startswith("This looks like #1")
    assert list(buttons(note)) == ["Vote for #1 instead", "Add mine anyway"]
    assert "<!channel>" not in json.dumps(note) and "&lt;!channel&gt;" in note["text"]
    assert len(bot.fake.of("chat.postMessage")) == 2  # the prompt and #1: nothing else posted
    assert [i.number for i in await bot.services.repo.ideas("default")] == [1]


async def test_add_mine_anyway_adds_the_card_in_the_prompts_thread_for_its_author_only(
    bot: Bot,
) -> None:
    ts, _, note = await held_back(bot)
    anyway = buttons(note)["Add mine anyway"]
    posts = len(bot.fake.of("chat.postMessage"))

    await bot.ok(ephemeral_press(anyway, ts, "U3", bot.fake.response_url()))
    await bot.settle()
    assert "someone else's" in bot.fake.of("response_url")[-1]["text"]
    assert len(bot.fake.of("chat.postMessage")) == posts

    await bot.ok(ephemeral_press(anyway, ts, "U2", bot.fake.response_url()))
    await bot.settle()
    card = bot.fake.of("chat.postMessage")[-1]
    assert card["channel"] == "C1" and card["thread_ts"] == ts
    assert card["text"].startswith("#2 · Fostering innovation")
    ideas = {i.number: i for i in await bot.services.repo.ideas("default")}
    assert ideas[2].author.user_id == "U2" and ideas[2].text == SLACK_TYPED
    assert "<!channel>" not in json.dumps(card)


async def test_a_near_duplicate_from_the_modal_is_held_back_in_the_prompts_thread(
    bot: Bot,
) -> None:
    ts = await bot.prompt("fostering-innovation")
    await add_idea(bot, ts, BRAND)
    await bot.ok(rq.action("prompt.add_idea", "1", user="U2", message_ts=ts))
    await bot.settle()
    view = bot.fake.of("views.open")[-1]["view"]

    response = await bot.ok(rq.submission(view, {"idea": rq.text_input(BRAND_LONGER)}, user="U2"))

    assert await response.text() == ""  # the modal closes; the choice comes as an ephemeral
    await bot.settle()
    note = bot.fake.of("chat.postEphemeral")[-1]
    assert note["user"] == "U2" and note["thread_ts"] == ts
    assert list(buttons(note)) == ["Vote for #1 instead", "Add mine anyway"]


async def test_add_mine_anyway_after_an_idea_command_posts_in_the_channel(bot: Bot) -> None:
    ts = await bot.prompt("fostering-innovation")
    await add_idea(bot, ts, BRAND)
    held = await command(bot, f"idea {BRAND_LONGER}", user="U2")
    assert held.startswith("This looks like #1")
    [note] = bot.fake.of("response_url")
    anyway = buttons(note)["Add mine anyway"]

    await bot.ok(ephemeral_press(anyway, None, "U2", bot.fake.response_url()))
    await bot.settle()

    card = bot.fake.of("chat.postMessage")[-1]
    assert card["channel"] == "C1" and card["text"].startswith("#2 · Fostering innovation")
    assert "thread_ts" not in card  # as `idea` posts it; never under the ephemeral's own ts


async def test_vote_instead_votes_for_the_original_and_updates_its_card_in_place(
    bot: Bot,
) -> None:
    ts, card_ts, note = await held_back(bot)
    instead = buttons(note)["Vote for #1 instead"]

    await bot.ok(ephemeral_press(instead, ts, "U2", bot.fake.response_url()))
    await bot.settle()

    update = updated(bot, card_ts)
    assert update["channel"] == "C1" and "Vote (1)" in str(update["blocks"])
    assert "Your vote for #1 is in" in bot.fake.of("response_url")[-1]["text"]
    (idea,) = await bot.services.repo.ideas("default")
    assert idea.votes == 1


async def test_vote_instead_never_takes_back_a_vote_already_cast(
    bot: Bot, clock: FakeClock
) -> None:
    ts = await bot.prompt("fostering-innovation")
    await add_idea(bot, ts, BRAND)
    await command(bot, "vote 1", user="U2")
    clock.advance(minutes=5)
    await bot.ok(rq.event(rq.thread_reply(BRAND_LONGER, ts, user="U2"), "EvDup"))
    await bot.settle()
    instead = buttons(bot.fake.of("chat.postEphemeral")[-1])["Vote for #1 instead"]

    await bot.ok(ephemeral_press(instead, ts, "U2", bot.fake.response_url()))
    await bot.settle()

    (idea,) = await bot.services.repo.ideas("default")
    assert idea.votes == 1


async def test_merge_updates_both_cards_in_place_and_a_participant_cannot_merge(
    bot: Bot,
) -> None:
    ts = await bot.prompt("fostering-innovation")
    first = await add_idea(bot, ts, "Create a single innovation brand")
    second = await add_idea(bot, ts, "Innovation Nexus for scale-ups", user="U2")

    refused = await command(bot, "merge 2 into 1", user="U1")
    assert "Only organisers can merge ideas" in refused
    assert not bot.fake.of("chat.update")

    await command(bot, "merge 2 into 1")
    kept = updated(bot, first)
    assert "NU1 (community), with NU2 (#2)" in kept["text"]
    gone = updated(bot, second)
    assert "now part of #1" in gone["text"]
    assert list(buttons(gone)) == ["Vote for #1"]
    said = bot.fake.of("chat.postMessage")[-1]
    assert said["channel"] == "C1" and "#2 is now part of #1" in said["text"]


async def test_confirm_applies_the_suggestion_for_organisers_and_refuses_participants(
    bot: Bot,
) -> None:
    ts = await bot.prompt("infrastructure")
    card_ts = await add_idea(bot, ts, "WECA to fund more frequent train services")
    card = bot.fake.of("chat.postMessage")[-1]
    assert "Suggested" in card["text"] and "Combined authority" in card["text"]
    assert "Because it reads like*\\n“More frequent train services." in str(card["blocks"])
    confirm = next(b for label, b in buttons(card).items() if label.startswith("Confirm: "))
    assert confirm["action_id"] == "idea.confirm"

    press = rq.action("idea.confirm", confirm["value"], user="U1", message_ts=card_ts, thread_ts=ts)
    await bot.ok(press)
    await bot.settle()
    assert "Only organisers" in bot.fake.of("chat.postEphemeral")[-1]["text"]
    assert not bot.fake.of("chat.update")

    await bot.ok(rq.action("idea.confirm", "1", user="UORG", message_ts=card_ts, thread_ts=ts))
    await bot.settle()
    update = updated(bot, card_ts)
    assert "Suggested" not in update["text"] and "Combined authority" in update["text"]
    assert not any(label.startswith("Confirm") for label in buttons(update))
    (idea,) = await bot.services.repo.ideas("default")
    assert idea.assignment is not None and idea.assignment.actor_key == "authority"


async def test_phases_refuse_new_ideas_then_votes_and_prompts_show_the_phase(bot: Bot) -> None:
    ts = await bot.prompt()
    assert "Phase: collecting ideas" in bot.fake.of("chat.postMessage")[-1]["text"]
    card_ts = await add_idea(bot, ts, "Community hubs")

    assert "Only organisers" in await command(bot, "voting inclusive-growth", user="U1")
    assert await command(bot, "voting inclusive-growth") == ""  # announced to the channel
    assert "is now voting" in bot.fake.of("chat.postMessage")[-1]["text"]
    await bot.ok(rq.event(rq.thread_reply("Youth forums", ts, user="U2"), "EvVoting"))
    await bot.settle()
    refusal = bot.fake.of("chat.postEphemeral")[-1]
    assert refusal["user"] == "U2" and refusal["thread_ts"] == ts
    assert "voting phase: new ideas are closed" in refusal["text"]
    assert [i.number for i in await bot.services.repo.ideas("default")] == [1]
    await bot.prompt()
    assert "Phase: voting only" in bot.fake.of("chat.postMessage")[-1]["text"]

    await command(bot, "close inclusive-growth")
    await bot.ok(rq.action("idea.vote", "1", user="U2", message_ts=card_ts, thread_ts=ts))
    await bot.settle()
    assert "votes no longer change" in bot.fake.of("chat.postEphemeral")[-1]["text"]
    assert all(u["ts"] != card_ts for u in bot.fake.of("chat.update"))  # the idea card stays
    (idea,) = await bot.services.repo.ideas("default")
    assert idea.votes == 0


async def test_a_phase_change_updates_the_prompts_already_posted(bot: Bot) -> None:
    ts = await bot.prompt()

    await command(bot, "voting inclusive-growth")

    assert "Phase: voting only" in updated(bot, ts)["text"]


async def test_action_tracking_shows_on_the_card_escaped_and_is_for_organisers(bot: Bot) -> None:
    ts = await bot.prompt()
    card_ts = await add_idea(bot, ts, "Skills hubs")
    await command(bot, "assign 1 authority")

    await command(bot, 'action 1 agreed owner "Bath Spa University"')
    await command(bot, 'action 1 note "pilot funded"')
    card = updated(bot, card_ts)
    assert "agreed · owner Bath Spa University · 2 Mar 2026: pilot funded" in card["text"]
    assert "*Action*\\nagreed" in json.dumps(card["blocks"])

    refused = await command(bot, 'action 1 note "sneaky"', user="U1")
    assert "Only organisers" in refused and "sneaky" not in updated(bot, card_ts)["text"]

    # Typed as `<!channel> crew`, which Slack sends in a command as `&lt;!channel&gt; crew`.
    await command(bot, 'action 1 owner "&lt;!channel&gt; crew"')
    card = updated(bot, card_ts)
    (idea,) = await bot.services.repo.ideas("default")
    assert idea.owner == "<!channel> crew"
    assert "<!channel>" not in json.dumps(card) and "&lt;!channel&gt; crew" in card["text"]


async def in_teams(bot: Bot, connector: FakeConnector, text: str) -> str:
    """Bob mentions the bot in Teams, on the same app; returns what the bot answered there."""
    before = len(connector.calls)
    activity = ta.mention(text, connector.service_url, user=ta.BOB)
    response = await bot.http.post("/api/messages", json=activity)
    assert response.status == 201, await response.text()
    await bot.http.app[TEAMS].bot.deliveries.idle()
    return "\n".join(c.text for c in connector.calls[before:])


async def test_plan_shows_consensus_once_slack_and_teams_audiences_voted(
    bot: Bot, connector: FakeConnector
) -> None:
    ts = await bot.prompt()
    card_ts = await add_idea(bot, ts, "Community energy co-ops")
    await add_idea(bot, ts, "Later buses")
    await command(bot, "channel business", channel="C2")
    await bot.ok(rq.action("idea.vote", "1", user="U2", message_ts=card_ts, thread_ts=ts))
    await bot.settle()
    assert "Backed across audiences" not in await command(bot, "plan", user="U2")

    assert "Your vote for #1 is in" in await command(bot, "vote 1", user="U3", channel="C2")
    assert "Your vote for #1 is in" in await in_teams(bot, connector, "vote 1")

    plan = await command(bot, "plan", user="U2")
    backed = plan.split("Backed across audiences", 1)[1].split("Individuals", 1)[0]
    # community: 2 of 2 voters, business: 1 of 1, smoothed: min(3/4, 2/3).
    assert backed.strip() == (
        f"Consensus: {BACKED_MEASURE}.\n  • #1 Community energy co-ops — 3 votes — community 2, business 1 · consensus 67%"
    )
    assert "consensus 67%" in (await in_teams(bot, connector, "plan")).split("Backed across", 1)[1]


async def test_a_vote_cast_in_teams_updates_the_ideas_card_in_slack(
    bot: Bot, connector: FakeConnector
) -> None:
    ts = await bot.prompt()
    card_ts = await add_idea(bot, ts, "Community energy co-ops")
    await in_teams(bot, connector, "vote 1")
    await bot.settle()
    assert "Vote (1)" in str(updated(bot, card_ts)["blocks"])
