"""Edits and deletions follow the message: a thread reply's `message_changed` and
`message_deleted` events, and the `edit` / `withdraw` commands, through signed Slack requests."""

from __future__ import annotations

from typing import Any

from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.conftest import Bot
from tests.handlers.slack.fake_slack import shown
from tests.handlers.slack.test_moderation import said

IDEAS = (
    "Community energy co-ops",
    "Free buses for apprentices",
    "Rooftop gardens on schools",
    "Library tool lending scheme",
    "Night markets downtown weekly",
    "Repair cafes staffed by volunteers",
)


def changed(reply: dict[str, Any], text: str) -> dict[str, Any]:
    """`message_changed` as Slack documents it: the new message, and the one it replaced."""
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": reply["channel"],
        "ts": "1700000200.000001",
        "event_ts": "1700000200.000001",
        "channel_type": "channel",
        "message": {
            "type": "message",
            "user": reply["user"],
            "text": text,
            "ts": reply["ts"],
            "thread_ts": reply["thread_ts"],
            "parent_user_id": "UBOT",
            "edited": {"user": reply["user"], "ts": "1700000200.000000"},
        },
        "previous_message": previous(reply),
    }


def previous(reply: dict[str, Any]) -> dict[str, Any]:
    """The message as it read before it was changed or deleted."""
    return {key: reply[key] for key in ("user", "text", "ts", "thread_ts")} | {"type": "message"}


def deleted(reply: dict[str, Any]) -> dict[str, Any]:
    """`message_deleted` as Slack documents it: the deleted message's ts, and the message."""
    return {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "channel": reply["channel"],
        "ts": "1700000300.000001",
        "event_ts": "1700000300.000001",
        "channel_type": "channel",
        "deleted_ts": reply["ts"],
        "previous_message": previous(reply),
    }


async def reply(bot: Bot, thread: str, text: str, user: str = "U1") -> tuple[dict[str, Any], str]:
    """A thread reply that becomes an idea: the reply, and its idea card's ts."""
    message = rq.thread_reply(text, thread, user=user)
    await bot.ok(rq.event(message, f"Ev-{text}"))
    await bot.settle()
    return message, bot.fake.last_ts()


async def send(bot: Bot, inner: dict[str, Any], event_id: str) -> None:
    await bot.ok(rq.event(inner, event_id))
    await bot.settle()


async def test_editing_the_reply_edits_the_card_the_plan_and_keeps_the_old_text(bot: Bot) -> None:
    thread = await bot.prompt()
    message, card_ts = await reply(bot, thread, "Community energy co-ops")

    await send(bot, changed(message, "Community energy co-ops in every town"), "EvEdit1")

    [update] = [u for u in bot.fake.of("chat.update") if u["ts"] == card_ts]
    assert "Community energy co-ops in every town" in shown(update["text"])
    idea = await bot.services.repo.idea("default", 1)
    assert idea is not None and idea.text == "Community energy co-ops in every town"
    assert "Community energy co-ops in every town" in await said(bot, "plan")
    history = await said(bot, "history 1")
    assert "idea.edited" in history and "was Community energy co-ops" in history
    assert not bot.fake.of("chat.postEphemeral")  # the card says it; no extra message


async def test_an_edit_to_nothing_is_refused_privately_and_changes_nothing(bot: Bot) -> None:
    thread = await bot.prompt()
    message, _ = await reply(bot, thread, "Community energy co-ops")

    await send(bot, changed(message, "   "), "EvEmpty")

    [refusal] = bot.fake.of("chat.postEphemeral")
    assert refusal["user"] == "U1" and "can't be empty" in refusal["text"]
    idea = await bot.services.repo.idea("default", 1)
    assert idea is not None and idea.text == "Community energy co-ops"
    assert not bot.fake.of("chat.update")


async def test_an_edit_after_the_theme_stopped_collecting_is_refused_saying_why(bot: Bot) -> None:
    thread = await bot.prompt()
    message, _ = await reply(bot, thread, "Community energy co-ops")
    await said(bot, "voting inclusive-growth")

    await send(bot, changed(message, "Something else entirely"), "EvLate")

    [refusal] = bot.fake.of("chat.postEphemeral")
    assert "voting only" in refusal["text"] and "can't be edited any more" in refusal["text"]
    assert "can't be edited any more" in await said(bot, "edit 1 Other words", user="U1")
    idea = await bot.services.repo.idea("default", 1)
    assert idea is not None and idea.text == "Community energy co-ops"


async def test_deleting_the_reply_withdraws_the_idea_and_refunds_its_votes(bot: Bot) -> None:
    thread = await bot.prompt()
    message, card_ts = await reply(bot, thread, IDEAS[0])
    for text in IDEAS[1:]:
        await reply(bot, thread, text, user="U9")
    await said(bot, "vote 1", user="U2")
    voted = await bot.services.repo.idea("default", 1)
    assert voted is not None and voted.votes == 1

    await send(bot, deleted(message), "EvDelete1")

    update = [u for u in bot.fake.of("chat.update") if u["ts"] == card_ts][-1]
    assert "withdrawn" in update["text"]
    assert "#1 is withdrawn" in bot.fake.of("chat.postEphemeral")[-1]["text"]
    idea = await bot.services.repo.idea("default", 1)
    assert idea is not None and idea.hidden  # its votes are kept, off the budgets
    for number in range(2, len(IDEAS) + 1):  # the whole budget of 5 is free again
        assert "used all" not in await said(bot, f"vote {number}", user="U2")
    listed = await said(bot, "ideas", user="U2")
    assert IDEAS[0] not in listed and IDEAS[1] in listed
    assert "idea.hidden" in await said(bot, "history 1")  # organisers still see it


async def test_edit_and_withdraw_commands_are_for_the_author_only(bot: Bot) -> None:
    thread = await bot.prompt()
    await reply(bot, thread, "Community energy co-ops")

    assert "Only the person who wrote #1" in await said(bot, "edit 1 Mine now", user="U2")
    assert "Only the person who wrote #1" in await said(bot, "withdraw 1", user="U2")
    assert "now reads as you wrote it" in await said(bot, "edit 1 Energy co-ops", user="U1")
    assert "#1 is withdrawn" in await said(bot, "withdraw 1", user="U1")
    assert "already off the plan" in await said(bot, "withdraw 1", user="U1")

    idea = await bot.services.repo.idea("default", 1)
    assert idea is not None and idea.text == "Energy co-ops" and idea.hidden


async def test_changes_to_bot_messages_prompts_and_other_messages_are_ignored(bot: Bot) -> None:
    thread = await bot.prompt()
    message, card_ts = await reply(bot, thread, "Community energy co-ops")
    ours = {**changed(message, "Vote (1)"), "message": {
        "type": "message", "subtype": "bot_message", "bot_id": "BBOT", "user": "UBOT",
        "text": "Vote (1)", "ts": card_ts, "thread_ts": thread,
    }}  # fmt: skip
    parent = {**changed(message, "How can we…"), "message": {
        "type": "message", "bot_id": "BBOT", "user": "UBOT", "text": "How can we…",
        "ts": thread, "thread_ts": thread, "reply_count": 1,
    }}  # fmt: skip
    chatter = rq.thread_reply("Thanks all!", "1700000000.999999", user="U1")  # no prompt thread
    before = len(bot.fake.calls)

    for n, inner in enumerate([ours, parent, changed(chatter, "Thanks!"), deleted(chatter)]):
        await send(bot, inner, f"EvIgnored{n}")

    assert bot.fake.calls[before:] == []
    idea = await bot.services.repo.idea("default", 1)
    assert idea is not None and idea.text == "Community energy co-ops" and not idea.hidden


async def test_forgetting_the_author_erases_the_earlier_texts_too(bot: Bot) -> None:
    thread = await bot.prompt()
    message, _ = await reply(bot, thread, "Call me on 07700 900123")
    await send(bot, changed(message, "Community energy co-ops"), "EvEdit2")

    await said(bot, "forget me confirm", user="U1")

    history = await bot.services.repo.history("default", 1)
    assert history and all("07700" not in str(entry.detail) for entry in history)
