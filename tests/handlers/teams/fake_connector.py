"""A local fake Bot Connector: records every post, reply and update the bot makes, returns ids."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class Call:
    method: str  # "post", "reply" or "update"
    conversation: str
    activity_id: str | None  # the replied-to or updated activity
    body: dict[str, Any]
    authorization: str = ""
    returned: str = ""  # the id the connector gave the message
    size: int = 0  # bytes of the body as it arrived

    @property
    def card(self) -> dict[str, Any]:
        return self.body["attachments"][0]["content"]

    @property
    def text(self) -> str:
        """Every text on the card, for asserting what a reader sees."""
        return "\n".join(_texts(self.card))


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [
            node[k]
            for k in ("text", "title", "value", "placeholder")
            if isinstance(node.get(k), str)
        ]
        for value in node.values():
            if isinstance(value, dict | list):
                found += _texts(value)
        return found
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []


@dataclass(frozen=True)
class Refusal:
    """An error answer: Bot Connector's JSON error object unless a `body` (any bytes) is given."""

    status: int
    headers: dict[str, str]
    body: bytes | None = None
    content_type: str = "text/html"

    def response(self) -> web.Response:
        if self.body is None:
            error = {"error": {"code": "Throttled", "message": "Too many requests"}}
            return web.json_response(error, status=self.status, headers=self.headers)
        return web.Response(
            status=self.status,
            body=self.body,
            headers=self.headers | {"Content-Type": self.content_type},
        )


@dataclass
class FakeConnector:
    host: str = "127.0.0.1"  # another loopback address (127.0.0.2) stands in for a foreign host
    calls: list[Call] = field(default_factory=list)
    failures: list[Refusal] = field(default_factory=list)
    refusals: dict[str, list[Refusal]] = field(default_factory=dict)
    apps: dict[str, str] = field(default_factory=dict)  # app id → password the token endpoint takes
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1_700_000_000_001))
    _server: TestServer | None = None

    @property
    def service_url(self) -> str:
        assert self._server is not None
        return str(self._server.make_url("/"))

    def fail_next(
        self, status: int, headers: dict[str, str] | None = None, body: bytes | None = None
    ) -> None:
        """The next call is answered with this status (e.g. 429), then calls succeed again."""
        self.failures.append(Refusal(status, headers or {}, body))

    def refuse(
        self,
        conversation: str,
        status: int,
        times: int = 1,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> None:
        """The next `times` calls to this conversation get this status; others go through."""
        refusal = Refusal(status, headers or {}, body)
        self.refusals.setdefault(conversation, []).extend([refusal] * times)

    def to(self, conversation: str) -> list[Call]:
        """Every call made to one conversation, failed ones too."""
        return [c for c in self.calls if c.conversation == conversation]

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def start(self) -> None:
        app = web.Application()
        base = "/v3/conversations/{conversation}/activities"
        app.router.add_post(base, self._post)
        app.router.add_post(base + "/{activity}", self._reply)
        app.router.add_put(base + "/{activity}", self._update)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        app.router.add_route("*", "/{path:.*}", self._other)  # anything else the bot asks
        self._server = TestServer(app, host=self.host)
        await self._server.start_server()

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close()

    async def _post(self, request: web.Request) -> web.Response:
        return await self._record("post", request)

    async def _reply(self, request: web.Request) -> web.Response:
        return await self._record("reply", request)

    async def _update(self, request: web.Request) -> web.Response:
        return await self._record("update", request)

    async def _token(self, request: web.Request) -> web.Response:
        """Microsoft's token endpoint (client credentials) for the apps in `apps`."""
        form = await request.post()
        self.calls.append(Call("token", request.match_info["tenant"], None, dict(form)))
        app, secret = str(form.get("client_id", "")), str(form.get("client_secret", ""))
        if form.get("grant_type") != "client_credentials" or self.apps.get(app) != secret:
            return web.json_response({"error": "invalid_client"}, status=401)
        return web.json_response({"token_type": "Bearer", "expires_in": 3599, "access_token": "t"})

    @property
    def login_url(self) -> str:
        """The base of the token endpoint, as MICROSOFT_LOGIN_URL takes it."""
        return self.service_url

    async def _other(self, request: web.Request) -> web.Response:
        self.calls.append(Call(f"other {request.method}", request.path, None, {}))
        return web.json_response({"error": {"code": "NotFound"}}, status=404)

    async def _record(self, method: str, request: web.Request) -> web.Response:
        conversation = request.match_info["conversation"]
        refusals = self.refusals.get(conversation) or self.failures
        if refusals:
            self.calls.append(Call("failed", conversation, None, {}))
            return refusals.pop(0).response()
        activity = request.match_info.get("activity")
        new_id = activity if method == "update" else str(next(self._ids))
        body = await request.read()
        self.calls.append(
            Call(
                method,
                request.match_info["conversation"],
                activity,
                json.loads(body),
                request.headers.get("Authorization", ""),
                str(new_id),
                len(body),
            )
        )
        return web.json_response({"id": new_id}, status=200 if method == "update" else 201)
