"""Bot Framework activities shaped as Microsoft Teams sends them."""

from __future__ import annotations

import itertools
from typing import Any

BOT_ID = "28:bot-app-id"
BOT_NAME = "howcanwe"
TENANT = "tenant-1"
TEAM = "19:team@thread.tacv2"
CHANNEL = "19:general@thread.tacv2"
PERSONAL = "a:1personal-chat"
ORGANISER = ("29:org", "Olive Organiser")
ALICE = ("29:alice", "Alice")
BOB = ("29:bob", "Bob")

_ids = itertools.count(1_600_000_000_001)


def next_id() -> str:
    return str(next(_ids))


def activity(
    kind: str,
    service_url: str,
    *,
    user: tuple[str, str] = ALICE,
    conversation: str = CHANNEL,
    thread: str | None = None,
    personal: bool = False,
    **fields: Any,
) -> dict[str, Any]:
    """The envelope every Teams activity has; a channel message carries `;messageid=<root>`."""
    activity_id = fields.pop("id", None) or next_id()
    root = thread or activity_id
    conversation_id = conversation if personal else f"{conversation};messageid={root}"
    channel_data: dict[str, Any] = {"tenant": {"id": TENANT}}
    if not personal:
        channel_data |= {
            "teamsChannelId": conversation,
            "teamsTeamId": TEAM,
            "channel": {"id": conversation},
            "team": {"id": TEAM},
        }
    return {
        "type": kind,
        "id": activity_id,
        "timestamp": "2026-03-02T09:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {
            "id": user[0],
            "name": user[1],
            "aadObjectId": "00000000-0000-0000-0000-0000000000aa",
        },
        "conversation": {
            "isGroup": not personal,
            "conversationType": "personal" if personal else "channel",
            "tenantId": TENANT,
            "id": conversation_id,
        },
        "recipient": {"id": BOT_ID, "name": BOT_NAME},
        "locale": "en-GB",
        "channelData": channel_data,
        **fields,
    }


def mention(
    text: str, service_url: str, *, user: tuple[str, str] = ALICE, thread: str | None = None
) -> dict[str, Any]:
    """`@howcanwe <text>` in a channel (a new post, or a reply in `thread`)."""
    tag = f"<at>{BOT_NAME}</at>"
    return activity(
        "message",
        service_url,
        user=user,
        thread=thread,
        text=f"{tag} {text}",
        textFormat="plain",
        entities=[
            {"type": "mention", "text": tag, "mentioned": {"id": BOT_ID, "name": BOT_NAME}},
            {"type": "clientInfo", "locale": "en-GB", "country": "GB", "platform": "Web"},
        ],
    )


def message(
    text: str,
    service_url: str,
    *,
    user: tuple[str, str] = ALICE,
    thread: str | None = None,
    personal: bool = False,
) -> dict[str, Any]:
    """A message without a mention: a reply in `thread`, or a 1:1 chat line."""
    return activity(
        "message",
        service_url,
        user=user,
        thread=thread,
        personal=personal,
        conversation=PERSONAL if personal else CHANNEL,
        text=text,
        textFormat="plain",
    )


def submit(
    value: dict[str, Any],
    card_id: str,
    service_url: str,
    *,
    user: tuple[str, str] = ALICE,
    thread: str | None = None,
) -> dict[str, Any]:
    """An Action.Submit press: a message with no text whose `value` holds data + inputs."""
    return activity(
        "message",
        service_url,
        user=user,
        thread=thread or card_id,
        replyToId=card_id,
        value=value,
    )


def bot_added(service_url: str, *, personal: bool = False) -> dict[str, Any]:
    return activity(
        "conversationUpdate",
        service_url,
        user=ORGANISER,
        personal=personal,
        conversation=PERSONAL if personal else CHANNEL,
        thread=CHANNEL if not personal else None,
        membersAdded=[{"id": BOT_ID}],
        channelData={
            "tenant": {"id": TENANT},
            "eventType": "teamMemberAdded",
            "team": {"id": TEAM},
        },
    ) | {
        "conversation": {
            "isGroup": not personal,
            "conversationType": "personal" if personal else "channel",
            "tenantId": TENANT,
            "id": PERSONAL if personal else CHANNEL,
        }
    }


def installed(service_url: str, *, personal: bool = False) -> dict[str, Any]:
    base = bot_added(service_url, personal=personal)
    base.pop("membersAdded")
    return base | {"type": "installationUpdate", "id": next_id(), "action": "add"}


def uninstalled(service_url: str, conversation: str = CHANNEL) -> dict[str, Any]:
    """The app removed from a team (or a chat): `installationUpdate` with action `remove`."""
    return installed(service_url) | {"action": "remove"} | _in(conversation)


def bot_removed(service_url: str, conversation: str = CHANNEL) -> dict[str, Any]:
    """The bot removed from a team: a `conversationUpdate` naming it in `membersRemoved`."""
    return member_removed(service_url, BOT_ID, conversation)


def member_removed(service_url: str, member: str, conversation: str = CHANNEL) -> dict[str, Any]:
    base = bot_added(service_url)
    base.pop("membersAdded")
    return (
        base
        | {"id": next_id(), "membersRemoved": [{"id": member}]}
        | {"channelData": base["channelData"] | {"eventType": "teamMemberRemoved"}}
        | _in(conversation)
    )


def channel_deleted(service_url: str, channel: str, name: str) -> dict[str, Any]:
    """A channel of the team deleted: told in the team's own conversation."""
    base = bot_added(service_url)
    base.pop("membersAdded")
    data = base["channelData"] | {
        "eventType": "channelDeleted",
        "channel": {"id": channel, "name": name},
    }
    return base | {"id": next_id(), "channelData": data} | _in(TEAM)


def _in(conversation: str) -> dict[str, Any]:
    return {
        "conversation": {
            "isGroup": True,
            "conversationType": "channel",
            "tenantId": TENANT,
            "id": conversation,
        }
    }
