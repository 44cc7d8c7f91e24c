"""A fake Slack Web API on 127.0.0.1 that records every call the bot makes."""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestServer

from handlers.slack.scopes import BOT_SCOPES

BOT_USER = "UBOT"
BOT_ID = "BBOT"
JSON_ARGS = ("blocks", "view", "attachments")
_DATE_FALLBACK = re.compile(r"<!date\^[^|>]*\|([^>]*)>")


def shown(mrkdwn: str) -> str:
    """What a person reads of escaped mrkdwn in Slack: a date Slack cannot format shows its
    fallback as plain text, a soft hyphen shows nothing, entities show their character."""
    return html.unescape(_DATE_FALLBACK.sub(r"\1", mrkdwn).replace("\u00ad", ""))


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str = ""
    answer: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Canned:
    """An answer given instead of Slack's usual one: any status, any body."""

    status: int
    body: str
    content_type: str = "text/plain"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeSlack:
    """Answers like Slack; `rate_limit(method, n)` makes the next n calls of a method get 429,
    `fail(method, ...)` answers them with any status and body, `hold(method)` keeps them waiting."""

    calls: list[Call] = field(default_factory=list)
    retry_after: int = 1
    not_in: set[str] = field(default_factory=set)  # channels the bot was never invited to
    gone: dict[str, str] = field(default_factory=dict)  # channel → its chat.postMessage error
    # OAuth code → the team id installed, or an enterprise id (E…) for an org-wide install
    installs: dict[str, str] = field(default_factory=dict)
    installer: str = "UORG"  # who approves an OAuth install
    scopes: set[str] = field(default_factory=lambda: set(BOT_SCOPES))  # granted to bot tokens
    revoked: set[str] = field(default_factory=set)  # tokens Slack answers invalid_auth
    _limited: dict[str, int] = field(default_factory=dict)
    _canned: dict[str, list[Canned]] = field(default_factory=dict)
    _held: dict[str, asyncio.Event] = field(default_factory=dict)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _server: TestServer | None = None
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _acked: dict[str, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _connected: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_get("/socket", self._socket)
        self._server = TestServer(app, host="127.0.0.1")
        await self._server.start_server()

    async def close(self) -> None:
        for socket in self._sockets:
            await socket.close()
        if self._server is not None:
            await self._server.close()

    @property
    def api_url(self) -> str:
        assert self._server is not None
        return str(self._server.make_url("/api/"))

    def response_url(self, key: str = "r1") -> str:
        assert self._server is not None
        return str(self._server.make_url(f"/response/{key}"))

    @property
    def socket_url(self) -> str:
        assert self._server is not None
        return str(self._server.make_url("/socket")).replace("http://", "ws://")

    async def push(self, kind: str, payload: dict[str, Any], envelope_id: str) -> dict[str, Any]:
        """Send a Socket Mode envelope to the connected app; returns the app's ack."""
        await self._connected.wait()
        acked = self._acked[envelope_id] = asyncio.get_running_loop().create_future()
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": 0,
        }
        await self._sockets[-1].send_json(envelope)
        return await acked

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Slack's Socket Mode server: hello, then envelopes out and acks in."""
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"type": "hello", "num_connections": 1})
        self._connected.set()
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                ack = json.loads(message.data)
                waiter = self._acked.pop(ack.get("envelope_id"), None)
                if waiter is not None:
                    waiter.set_result(ack)
        return socket

    def rate_limit(self, method: str, times: int = 1) -> None:
        self._limited[method] = times

    def fail(
        self,
        method: str,
        status: int,
        body: str,
        content_type: str = "text/plain",
        times: int = 1,
        headers: dict[str, str] | None = None,
    ) -> None:
        """The next `times` calls of `method` get this answer (a 500 in plain text, an HTML
        error page, JSON that is not an object...), then Slack answers as usual again."""
        canned = Canned(status, body, content_type, headers or {})
        self._canned.setdefault(method, []).extend([canned] * times)

    def hold(self, method: str) -> asyncio.Event:
        """Calls of `method` wait, unanswered, until the returned event is set."""
        gate = self._held[method] = asyncio.Event()
        return gate

    def of(self, method: str) -> list[dict[str, Any]]:
        return [c.args for c in self.calls if c.method == method]

    async def until(self, method: str, count: int) -> None:
        """Wait until the bot has called `method` at least `count` times."""
        async with self._changed:
            await self._changed.wait_for(lambda: len(self.of(method)) >= count)

    def last_ts(self) -> str:
        """The ts of the newest message the bot posted."""
        return next(c.answer["ts"] for c in reversed(self.calls) if c.method == "chat.postMessage")

    async def _response_url(self, request: web.Request) -> web.Response:
        self.calls.append(Call("response_url", await request.json()))
        return web.Response(text="ok")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _args(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if method in self._held:
            await self._held[method].wait()
        if self._canned.get(method):
            canned = self._canned[method].pop(0)
            self.calls.append(Call(f"{method}:{canned.status}", args, token))
            return web.Response(
                status=canned.status,
                text=canned.body,
                content_type=canned.content_type,
                headers=canned.headers,
            )
        if self._limited.get(method, 0) > 0:
            self._limited[method] -= 1
            self.calls.append(Call(f"{method}:429", args, token))
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(self.retry_after)},
            )
        answer = self._answer(method, args, token)
        if token in self.revoked:
            answer = {"ok": False, "error": "invalid_auth"}
        self.calls.append(Call(method, args, token, answer))
        async with self._changed:
            self._changed.notify_all()
        headers = {"x-oauth-scopes": ",".join(sorted(self.scopes))} if method == "auth.test" else {}
        return web.json_response(answer, headers=headers)

    def _answer(self, method: str, args: dict[str, Any], token: str) -> dict[str, Any]:
        channel = args.get("channel", "")
        if method in ("chat.postMessage", "chat.postEphemeral") and channel in self.not_in:
            return {"ok": False, "error": "not_in_channel"}
        if method == "chat.postMessage" and channel in self.gone:
            return {"ok": False, "error": self.gone[channel]}
        if method == "chat.postMessage":
            return {"ok": True, "channel": channel, "ts": f"1700000000.{next(self._ts):06d}"}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}
        if method == "conversations.open":  # a bot's IM with one person: D + their user id
            return {"ok": True, "channel": {"id": f"D{args.get('users', '')}"}}
        if method == "chat.update":
            return {"ok": True, "channel": channel, "ts": args.get("ts")}
        if method == "users.info":
            user = args.get("user", "")
            return {
                "ok": True,
                "user": {"id": user, "name": user.lower(), "profile": {"display_name": f"N{user}"}},
            }
        if method == "auth.test":
            installed = token.removeprefix("xoxb-")
            team = installed if installed.startswith("T") else "T1"
            answer = {"ok": True, "user_id": BOT_USER, "bot_id": BOT_ID, "team_id": team}
            if installed.startswith("E"):
                answer |= {"enterprise_id": installed, "is_enterprise_install": True}
            return answer
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_url}
        if method == "oauth.v2.access":
            return self._install(args.get("code", ""))
        return {"ok": True}

    def _install(self, code: str) -> dict[str, Any]:
        """A workspace's install, or an Enterprise Grid org-wide one: an `enterprise` and no
        `team`. The token names what was installed (`xoxb-T2`, `xoxb-E1`)."""
        installed = self.installs.get(code)
        if installed is None:
            return {"ok": False, "error": "invalid_code"}
        org_wide = installed.startswith("E")
        return {
            "ok": True,
            "app_id": "A1",
            "access_token": f"xoxb-{installed}",
            "token_type": "bot",
            "scope": "commands,chat:write",
            "bot_user_id": BOT_USER,
            "team": None if org_wide else {"id": installed, "name": f"Team {installed}"},
            "enterprise": {"id": installed, "name": f"Org {installed}"} if org_wide else None,
            "is_enterprise_install": org_wide,
            "authed_user": {"id": self.installer},
        }


async def _args(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        return dict(await request.json())
    form = dict(await request.post()) if request.can_read_body else {}
    args: dict[str, Any] = {**request.query, **{k: str(v) for k, v in form.items()}}
    for key in JSON_ARGS:
        if isinstance(args.get(key), str):
            args[key] = json.loads(args[key])
    return args
