"""Edits and deletions follow the message in Teams: `messageUpdate` / `messageDelete` activities
for a reply that created an idea, POSTed to /api/messages."""

from __future__ import annotations

from typing import Any

from tests.handlers.teams import teams_activities as ta
from tests.handlers.teams.conftest import Teams


def edited(message: dict[str, Any], text: str) -> dict[str, Any]:
    """`messageUpdate` as Teams sends it for an edit: the message's own id and conversation,
    its new text, and `channelData.eventType` `editMessage`."""
    return {
        **message,
        "type": "messageUpdate",
        "text": text,
        "channelData": {**message["channelData"], "eventType": "editMessage"},
    }


def deleted(message: dict[str, Any]) -> dict[str, Any]:
    """`messageDelete` as Teams sends it for a soft delete: the message's id, no text."""
    gone = {k: v for k, v in message.items() if k not in ("text", "textFormat")}
    return {
        **gone,
        "type": "messageDelete",
        "channelData": {**message["channelData"], "eventType": "softDeleteMessage"},
    }


async def reply(teams: Teams, thread: str, text: str, user: tuple[str, str] = ta.ALICE) -> Any:
    """A reply in the prompt's chain that becomes an idea: the activity, and its card's id."""
    message = ta.message(text, teams.url, user=user, thread=thread)
    calls = await teams.ok(message)
    [card] = [c for c in calls if c.method == "reply"]
    return message, card.returned


async def test_editing_the_reply_updates_the_idea_card_in_place(teams: Teams) -> None:
    thread, _ = await teams.prompt()
    message, card_id = await reply(teams, thread, "More bike lanes")

    calls = await teams.ok(edited(message, "More protected bike lanes"))
    calls += await teams.ok(edited(message, "More protected bike lanes &nbsp;and paths"))

    updates = [c for c in calls if c.method == "update" and c.activity_id == card_id]
    assert "More protected bike lanes" in updates[0].text
    assert "More protected bike lanes and paths" in updates[-1].text  # a second edit too
    idea = await teams.services.repo.idea("default", 1)
    assert idea is not None and idea.text == "More protected bike lanes and paths"
    history = await teams.services.repo.history("default", 1)
    assert [h.detail.get("was") for h in history if h.action == "idea.edited"] == [
        "More bike lanes",
        "More protected bike lanes",
    ]


async def test_deleting_the_reply_withdraws_the_idea(teams: Teams) -> None:
    thread, _ = await teams.prompt()
    message, card_id = await reply(teams, thread, "More bike lanes")

    calls = await teams.ok(deleted(message))

    [update] = [c for c in calls if c.method == "update" and c.activity_id == card_id]
    assert "withdrawn" in update.text
    idea = await teams.services.repo.idea("default", 1)
    assert idea is not None and idea.hidden
    assert await teams.ok(deleted(message)) == []  # Teams' re-send changes nothing more


async def test_an_edit_after_collecting_closed_is_refused_and_other_messages_are_ignored(
    teams: Teams,
) -> None:
    thread, _ = await teams.prompt()
    message, _ = await reply(teams, thread, "More bike lanes")
    chatter = ta.mention("themes", teams.url, thread=thread)  # a command: no idea of its own
    await teams.ok(chatter)

    assert await teams.ok(edited(chatter, "<at>howcanwe</at> help")) == []
    assert await teams.ok(deleted(chatter)) == []
    await teams.ok(ta.mention("close inclusive-growth", teams.url, user=ta.ORGANISER))
    calls = await teams.ok(edited(message, "Fewer cars"))

    assert any("can't be edited any more" in c.text for c in calls)
    idea = await teams.services.repo.idea("default", 1)
    assert idea is not None and idea.text == "More bike lanes"


async def test_edit_and_withdraw_commands_work_for_the_author_only(teams: Teams) -> None:
    thread, _ = await teams.prompt()
    await reply(teams, thread, "More bike lanes")

    refused = await teams.ok(ta.mention("withdraw 1", teams.url, user=ta.BOB))
    assert any("Only the person who wrote #1" in c.text for c in refused)
    done = await teams.ok(ta.mention("edit 1 Safer bike lanes", teams.url))
    assert any("now reads as you wrote it" in c.text for c in done)
    idea = await teams.services.repo.idea("default", 1)
    assert idea is not None and idea.text == "Safer bike lanes" and not idea.hidden
