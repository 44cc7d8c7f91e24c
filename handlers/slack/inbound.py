"""A request to POST /slack/events, checked before bolt sees it: Slack's signature first, then
the shape of the body.

Bolt parses a body and walks it for ids before it checks the signature, logs a failed check with
the whole body, and takes Slack's payload shapes for granted in its matchers and in ours. So the
route checks here: anything unsigned, stale or forged is a 401, never parsed (bar Slack's tiny
`ssl_check`) nor logged; a signed body that is not a payload this app reads is a 400 naming what
is wrong, in this module's own words (field names and positions, never the body's). What passes is
handed to bolt as the JSON object checked here, so bolt reads exactly that (its own form parser
reads any form whose text contains "payload" as an empty request).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qs

MAX_AGE = 5 * 60  # seconds a signature stays good (Slack's rule, and bolt's)
STAMP_DIGITS = 12
SSL_CHECK_BYTES = 1000
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


class Refused(Exception):
    """A request that gets a 4xx: `reason` is for the log, `status` and `message` for the
    answer. Neither ever quotes the body."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.message = message


def is_ssl_check(raw: bytes, content_type: str) -> bool:
    """Slack checks a slash command URL's certificate with a small `ssl_check=1` form, which
    bolt answers 200 without a signature; so do we, without reading more."""
    if content_type != FORM or len(raw) > SSL_CHECK_BYTES or b"ssl_check=" not in raw:
        return False
    fields = parse_qs(raw.decode("latin-1"))
    return fields.get("ssl_check") == ["1"] and "command" not in fields


def verify(secret: str, raw: bytes, headers: Mapping[str, str]) -> None:
    """Slack's v0 signature: HMAC-SHA256 of `v0:<timestamp>:<body>`, at most 5 minutes old."""
    stamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= STAMP_DIGITS):
        raise _unsigned("no readable timestamp")
    if abs(time.time() - int(stamp)) > MAX_AGE:
        raise _unsigned("stale timestamp")
    base = b"v0:" + stamp.encode() + b":" + raw
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not signature.isascii() or not hmac.compare_digest(expected, signature):
        raise _unsigned("bad signature")


def _unsigned(reason: str) -> Refused:
    return Refused(401, reason, "This request is not signed by Slack, or is too old.")


def payload(raw: bytes, content_type: str) -> dict[str, Any]:
    """The signed body as the object it carries: JSON (events), `payload=<JSON>` (buttons,
    menus, modals) or form fields (slash commands); a Refused(400) when it is not one this app
    reads."""
    try:
        text = raw.decode("utf-8")
        if content_type == JSON:
            body = json.loads(text)
        elif content_type == FORM:
            fields = {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}
            body = json.loads(fields["payload"]) if "payload" in fields else fields
        else:
            raise _malformed("not JSON or a form")
    except ValueError:  # not UTF-8, not JSON
        raise _malformed("unreadable body") from None
    if not isinstance(body, dict):
        raise _malformed("not a JSON object")
    wrong = problem(body)
    if wrong:
        raise _malformed(wrong)
    return body


def _malformed(reason: str) -> Refused:
    return Refused(400, reason, f"This is not a Slack request this app can read: {reason}.")


# ---- the shapes this app reads ------------------------------------------------------------------
# A check returns None when a value fits, or what is wrong with it. Absent and null fields fit;
# only what bolt needs to route a request is required. Every field that bolt reads (team, user,
# channel and enterprise ids, authorizations) or that our decoders read (codec, origin) is
# typed here, so neither ever meets a shape it does not expect.

Check = Callable[[Any], str | None]


def _at(key: object, wrong: str) -> str:
    return f"{key} {wrong}" if wrong.startswith("is ") else f"{key}.{wrong}"


def _kind(name: str, *types: type) -> Check:
    return lambda value: None if isinstance(value, types) else f"is not {name}"


def _obj(*need: str, **fields: Check) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, dict):
            return "is not an object"
        for key in need:
            if value.get(key) in (None, ""):
                return f"{key} is missing"
        for key, inner in fields.items():
            wrong = inner(value[key]) if value.get(key) is not None else None
            if wrong:
                return _at(key, wrong)
        return None

    return check


def _items(inner: Check, at_least: int = 0) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, list):
            return "is not a list"
        if len(value) < at_least:
            return "is empty"
        wrong = ((i, inner(item)) for i, item in enumerate(value))
        return next((_at(i, w) for i, w in wrong if w), None)

    return check


def _values(inner: Check) -> Check:
    """An object whose every value fits (a view's state: block id → action id → element); its
    keys are the body's own, so a problem names them `*`."""

    def check(value: Any) -> str | None:
        if not isinstance(value, dict):
            return "is not an object"
        return next((_at("*", w) for w in map(inner, value.values()) if w), None)

    return check


TEXT = _kind("a string", str)
FLAG = _kind("true or false", bool, str)
HAS_ID = _obj(id=TEXT, name=TEXT, username=TEXT, team_id=TEXT, domain=TEXT)


def _id(value: Any) -> str | None:
    """Bolt reads `team`, `user`, `channel` and `enterprise` as an id or an object with one."""
    if isinstance(value, dict):
        return HAS_ID(value)
    return None if isinstance(value, str) else "is not an id"


IDS: dict[str, Check] = {
    "team": _id,
    "user": _id,
    "channel": _id,
    "enterprise": _id,
    "team_id": TEXT,
    "user_id": TEXT,
    "channel_id": TEXT,
    "enterprise_id": TEXT,
    "is_enterprise_install": FLAG,
}
PLACE = _obj(**IDS, ts=TEXT, thread_ts=TEXT, message_ts=TEXT)
EVENT = _obj(
    "type",
    **IDS,
    type=TEXT,
    subtype=TEXT,
    text=TEXT,
    thread_ts=TEXT,
    ts=TEXT,
    tab=TEXT,
    channel_type=TEXT,
    event_ts=TEXT,
    message=PLACE,
    previous_message=PLACE,
    item=PLACE,
    assistant_thread=PLACE,
)
OPTION = _obj(value=TEXT)
ACTION = _obj("action_id", action_id=TEXT, block_id=TEXT, value=TEXT, selected_option=OPTION)
ELEMENT = _obj(
    value=TEXT, selected_option=OPTION, selected_conversation=TEXT, selected_channel=TEXT
)
VIEW = _obj(
    type=TEXT,
    callback_id=TEXT,
    private_metadata=TEXT,
    team_id=TEXT,
    app_installed_team_id=TEXT,
    state=_obj(values=_values(_values(ELEMENT))),
    blocks=_items(_obj(type=TEXT, block_id=TEXT)),
)
ENVELOPE = _obj(
    **IDS,
    type=TEXT,
    command=TEXT,
    text=TEXT,
    user_name=TEXT,
    channel_name=TEXT,
    response_url=TEXT,
    trigger_id=TEXT,
    event_id=TEXT,
    challenge=TEXT,
    event=EVENT,
    view=VIEW,
    actions=_items(ACTION),
    message=PLACE,
    container=PLACE,
    previous_message=PLACE,
    item=PLACE,
    assistant_thread=PLACE,
    authorizations=_items(_obj(**IDS)),
    response_urls=_items(_obj(response_url=TEXT)),
)
MODAL = _obj("type", "callback_id")
# What each kind of payload must carry for bolt to route it, and our decoders to read it.
KINDS: dict[str, Check] = {
    "event_callback": _obj("event"),
    "block_actions": _obj(
        "actions", "user", actions=_items(ACTION, 1), user=HAS_ID, channel=HAS_ID
    ),
    "view_submission": _obj("view", "user", view=MODAL, user=HAS_ID),
    "view_closed": _obj("view", view=MODAL),
    "url_verification": _obj("challenge"),
}


def problem(body: dict[str, Any]) -> str | None:
    """What is wrong with a signed request's body, or None: it must be a slash command
    (`command`) or a payload of a `type`, and every field this app reads of the type expected."""
    wrong = ENVELOPE(body)
    if wrong:
        return wrong
    if not (body.get("command") or body.get("type")):
        return "type is missing"
    kind = KINDS.get(str(body.get("type")))
    return kind(body) if kind else None
