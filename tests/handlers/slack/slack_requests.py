"""Slack's inbound requests as Slack sends them, signed with v0 HMAC (shared with bench/)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

SECRET = "test-signing-secret"
TEAM = "T1"


def sign(body: str | bytes, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    """The two headers Slack signs with: a timestamp and `v0=` HMAC-SHA256 of `v0:ts:body`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    raw = body.encode() if isinstance(body, str) else body
    base = b"v0:" + ts.encode() + b":" + raw
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


_TRIGGERS = itertools.count(1)


def trigger(kind: str) -> str:
    """A new trigger id, as Slack gives every invocation its own."""
    return f"trig-{kind}-{next(_TRIGGERS)}"


def command(text: str, **kwargs: str) -> tuple[str, str]:
    """A slash command, form-encoded as Slack posts it."""
    return urlencode(command_fields(text, **kwargs)), FORM


def command_fields(
    text: str,
    user: str = "UORG",
    channel: str = "C1",
    team: str = TEAM,
    response_url: str = "",
    name: str = "",
) -> dict[str, str]:
    """A slash command's fields (Socket Mode sends them as the envelope's payload)."""
    return {
        "command": "/howcanwe",
        "text": text,
        "team_id": team,
        "team_domain": "acme",
        "channel_id": channel,
        "channel_name": f"chan-{channel.lower()}",
        "user_id": user,
        "user_name": name or user.lower(),
        "response_url": response_url,
        "trigger_id": trigger("cmd"),
    }


def _interactive(payload: dict[str, Any]) -> tuple[str, str]:
    return urlencode({"payload": json.dumps(payload)}), FORM


def action(
    action_id: str,
    value: str | None = None,
    user: str = "U1",
    channel: str = "C1",
    message_ts: str = "1700000000.000001",
    thread_ts: str | None = None,
    selected: str | None = None,
    team: str = TEAM,
) -> tuple[str, str]:
    """block_actions on a message: a button (value) or a static_select (selected option)."""
    element: dict[str, Any] = {"action_id": action_id, "block_id": "b1", "action_ts": "1.2"}
    if selected is not None:
        element |= {"type": "static_select", "selected_option": {"value": selected}}
    else:
        element |= {"type": "button", "value": value or ""}
    message: dict[str, Any] = {"type": "message", "ts": message_ts, "text": "card"}
    if thread_ts:
        message["thread_ts"] = thread_ts
    return _interactive(
        {
            "type": "block_actions",
            "team": {"id": team, "domain": "acme"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team},
            "api_app_id": "A1",
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
            "trigger_id": trigger("action"),
            "channel": {"id": channel, "name": f"chan-{channel.lower()}"},
            "message": message,
            "response_url": "",
            "actions": [element],
        }
    )


def home_action(
    action_id: str, value: str, user: str = "UORG", team: str = TEAM
) -> tuple[str, str]:
    """block_actions on App Home: no channel, a view container."""
    return _interactive(
        {
            "type": "block_actions",
            "team": {"id": team},
            "user": {"id": user, "name": user.lower(), "team_id": team},
            "container": {"type": "view", "view_id": "VHOME"},
            "view": {"id": "VHOME", "type": "home"},
            "trigger_id": trigger("home"),
            "actions": [{"type": "button", "action_id": action_id, "value": value}],
        }
    )


def submission(
    view: dict[str, Any], values: dict[str, Any], user: str = "U1", team: str = TEAM
) -> tuple[str, str]:
    """view_submission of a modal the bot opened (`view` as sent to views.open)."""
    state = {block: {block: element} for block, element in values.items()}
    return _interactive(
        {
            "type": "view_submission",
            "team": {"id": team},
            "user": {"id": user, "name": user.lower(), "team_id": team},
            "view": {**view, "id": "VMODAL", "state": {"values": state}},
        }
    )


def text_input(text: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": text}


def channel_input(channel: str) -> dict[str, Any]:
    return {"type": "conversations_select", "selected_conversation": channel}


def event(inner: dict[str, Any], event_id: str, team: str = TEAM) -> tuple[str, str]:
    """An Events API callback, as JSON."""
    return json.dumps(event_body(inner, event_id, team)), JSON


def event_body(inner: dict[str, Any], event_id: str, team: str = TEAM) -> dict[str, Any]:
    """An Events API callback envelope."""
    return {
        "token": "x",
        "team_id": team,
        "api_app_id": "A1",
        "event": inner,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True}],
    }


def thread_reply(
    text: str, thread_ts: str, user: str = "U1", channel: str = "C1", **extra: Any
) -> dict[str, Any]:
    return {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": f"1700000100.{abs(hash(text)) % 1000000:06d}",
        "thread_ts": thread_ts,
        **extra,
    }
