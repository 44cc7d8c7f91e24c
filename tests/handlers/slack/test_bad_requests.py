"""Junk at POST /slack/events: a 401 or 400 with a short message, never a 500, never a
traceback in the log, and never the body in the log."""

from __future__ import annotations

import json
import logging
import time
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from sqlalchemy import func, select

from bot.logs import context_of
from storage.models import Idea
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.conftest import Bot

MARK = "canal-boat-secret"  # in every junk body: it must never reach the log


def quiet(caplog: pytest.LogCaptureFixture) -> None:
    """No traceback, and nothing of the body, in anything logged."""
    for record in caplog.records:
        assert record.exc_info is None, record.getMessage()
        assert MARK not in record.getMessage() + str(context_of(record))


def payload_of(request: tuple[str, str]) -> dict[str, Any]:
    """The JSON object inside an interactive request built by slack_requests."""
    return dict(json.loads(parse_qs(request[0])["payload"][0]))


def interactive(payload: Any) -> tuple[str, str]:
    return urlencode({"payload": json.dumps(payload)}), rq.FORM


def vote(**changes: Any) -> tuple[str, str]:
    return interactive(payload_of(rq.action("idea.vote", MARK)) | changes)


def submitted(**changes: Any) -> tuple[str, str]:
    view = {"type": "modal", "callback_id": "idea.add", "private_metadata": MARK}
    body = payload_of(rq.submission(view, {"idea": rq.text_input(MARK)}))
    return interactive(body | changes)


def message_event(**changes: Any) -> tuple[str, str]:
    inner = rq.thread_reply(MARK, "1700000000.000001") | changes
    return json.dumps(rq.event_body(inner, "EvJunk")), rq.JSON


def command_json(**changes: Any) -> tuple[str, str]:
    return json.dumps(rq.command_fields(MARK) | changes), rq.JSON


@pytest.fixture
def caplog_all(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


UNSIGNED = {
    "no-headers": {},
    "timestamp-not-a-number": {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=1"},
    "timestamp-unicode-digits": {"X-Slack-Request-Timestamp": "١٧٠٠", "X-Slack-Signature": "v0=1"},
    "timestamp-huge": {"X-Slack-Request-Timestamp": "9" * 400, "X-Slack-Signature": "v0=1"},
    "signature-not-ascii": {
        "X-Slack-Request-Timestamp": str(int(time.time())),
        "X-Slack-Signature": "v0=é",
    },
    "stale": "stale",
    "forged": "forged",
}


BODIES = [(json.dumps([MARK]), rq.JSON), ("payload=" + MARK, rq.FORM), (MARK, "text/plain")]


@pytest.mark.parametrize("headers", UNSIGNED.values(), ids=UNSIGNED.keys())
async def test_an_unsigned_request_gets_401_and_is_never_logged_with_its_body(
    bot: Bot, caplog_all: pytest.LogCaptureFixture, headers: Any
) -> None:
    for request in BODIES:
        sent = headers
        if headers == "stale":
            sent = rq.sign(request[0], timestamp=int(time.time()) - 6 * 60)
        elif headers == "forged":
            sent = rq.sign(request[0], secret="a-guess")

        response = await bot.send(request, headers=sent, signed=False)

        assert response.status == 401, request
        assert "not signed by Slack" in await response.text()
    await bot.settle()
    assert bot.fake.calls == []
    quiet(caplog_all)


SIGNED_JUNK = {
    "json-array": (json.dumps([{"type": "event_callback", "text": MARK}]), rq.JSON),
    "json-string": (json.dumps(MARK), rq.JSON),
    "not-json": ("{" + MARK, rq.JSON),
    "not-utf8": ("\udcff" + MARK, rq.JSON),
    "empty": ("", rq.FORM),
    "neither-json-nor-form": (MARK, "text/plain"),
    "payload-array": interactive([MARK]),
    "payload-string": interactive(MARK),
    "payload-not-json": (urlencode({"payload": "{" + MARK}), rq.FORM),
    "no-type": (json.dumps({"text": MARK}), rq.JSON),
    "form-without-command": (urlencode({"text": MARK}), rq.FORM),
    "command-text-not-text": command_json(text=[MARK]),
    "command-response-url-not-text": command_json(response_url={"url": MARK}),
    "event-not-an-object": (json.dumps(rq.event_body({}, "Ev1") | {"event": MARK}), rq.JSON),
    "event-without-type": message_event(type=None),
    "event-text-not-text": message_event(text={"rich": MARK}),
    "event-subtype-not-text": message_event(subtype={"kind": MARK}),
    "event-user-not-an-id": message_event(user=[MARK]),
    "actions-not-a-list": vote(actions=MARK),
    "actions-empty": vote(actions=[]),
    "action-without-id": vote(actions=[{"value": MARK}]),
    "action-id-not-text": vote(actions=[{"action_id": 7, "value": MARK}]),
    "action-option-not-an-object": vote(actions=[{"action_id": "x", "selected_option": MARK}]),
    "user-not-an-object": vote(user=MARK),
    "channel-not-an-object": vote(channel=MARK),
    "team-not-an-id": vote(team=7),
    "message-not-an-object": vote(message=MARK),
    "authorizations-not-a-list": vote(authorizations=MARK),
    "authorization-not-an-object": vote(authorizations=[MARK]),
    "view-not-an-object": submitted(view=MARK),
    "view-without-callback-id": submitted(view={"type": "modal", "private_metadata": MARK}),
    "view-state-not-an-object": submitted(
        view={"type": "modal", "callback_id": "idea.add", "state": {"values": MARK}}
    ),
    "view-input-value-not-text": submitted(
        view={
            "type": "modal",
            "callback_id": "idea.add",
            "state": {"values": {"idea": {"idea": {"value": [MARK]}}}},
        }
    ),
    "view-blocks-not-a-list": submitted(
        view={"type": "modal", "callback_id": "idea.add", "blocks": MARK}
    ),
}


async def test_a_signed_body_this_app_cannot_read_gets_400_and_changes_nothing(
    bot: Bot, caplog_all: pytest.LogCaptureFixture
) -> None:
    for name, (body, content_type) in SIGNED_JUNK.items():
        raw = body.encode("utf-8", "surrogateescape")
        headers = {"Content-Type": content_type, **rq.sign(raw)}

        response = await bot.http.post("/slack/events", data=raw, headers=headers)

        assert response.status == 400, name
        assert "not a Slack request this app can read" in await response.text(), name
    await bot.settle()
    assert bot.fake.calls == []
    async with bot.services.db.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(Idea)) == 0
    quiet(caplog_all)
    refused = [r for r in caplog_all.records if r.getMessage() == "slack request refused"]
    assert len(refused) == len(SIGNED_JUNK)
    assert all(r.levelno == logging.WARNING and set(context_of(r)) == {"reason"} for r in refused)


async def test_a_slash_command_that_says_payload_is_read_as_a_command(bot: Bot) -> None:
    """Bolt's own form parser reads any form containing "payload" as an empty request."""
    await bot.prompt()
    await bot.ok(rq.command("idea Cargo bikes with a bigger payload", user="U1"))
    await bot.settle()
    [idea] = await bot.services.repo.ideas("default")
    assert idea.text == "Cargo bikes with a bigger payload"
    assert bot.fake.of("chat.postMessage")[-1]["text"].startswith("#1 · Inclusive growth")


async def test_slacks_ssl_check_is_answered_without_a_signature(bot: Bot) -> None:
    response = await bot.send(("ssl_check=1&token=x", rq.FORM), signed=False)
    assert response.status == 200
    assert bot.fake.calls == []
