"""The Bot Connector calls this bot makes (post, reply, update), as JSON on the event loop.

botbuilder 4.17.1 sends through msrest: it builds a new `ConnectorClient` for every activity
(msrest's retry policy alone costs several milliseconds of CPU to build), serialises each card
through msrest's model walker (about 2 ms per card), and sends with `requests` in the default
thread pool, where the threads' fight for the GIL slows the event loop further. Here the
botbuilder clients are built once per service URL and only lend their credentials and base URL;
the three calls go out as plain JSON on one shared aiohttp session, and the bot's token is fetched
off the event loop and reused until it nears its end. An answer of any shape is read safely (an
HTML error page, JSON that is not an object, bytes that are not text). Retries are the caller's
(`with_retries`).
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any
from urllib.parse import quote

import aiohttp
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import ConnectorFactory, MicrosoftAppCredentials

from handlers.teams.wire import wire

Json = dict[str, Any]

CLIENTS_KEPT = 64
CODE_CHARS = 80  # of an error's code kept for the log
TOKEN_REUSE = 20 * 60.0  # seconds; Bot Framework tokens live an hour or more
TIMEOUT = aiohttp.ClientTimeout(total=30)


class ConnectorError(Exception):
    """The Bot Connector answered with an error status; `code` is its error code, when its body
    was the JSON error object it documents."""

    def __init__(self, status: int, retry_after: str | None, code: str = "") -> None:
        super().__init__(f"bot connector answered {status}")
        self.status = status
        self.retry_after = retry_after
        self.code = code


class Connectors:
    """One process's botbuilder clients, tokens and HTTP session (closed with the app)."""

    def __init__(self) -> None:
        self._clients: dict[tuple[str, str | None], ConnectorClient] = {}
        self._tokens: dict[tuple[str, str], tuple[str, float]] = {}
        self._session: aiohttp.ClientSession | None = None

    def factory(self, inner: ConnectorFactory) -> ConnectorFactory:
        """Wraps botbuilder's factory so that a client is built once per service URL."""
        return _Reused(inner, self)

    async def client(
        self, inner: ConnectorFactory, service_url: str, audience: str | None
    ) -> ConnectorClient:
        key = (service_url, audience)
        client = self._clients.get(key)
        if client is None:
            client = await inner.create(service_url, audience)
            if len(self._clients) >= CLIENTS_KEPT:
                self._clients.clear()
            self._clients[key] = client
        return client

    async def post(
        self, client: ConnectorClient, conversation: str, activity: Json, reply_to: str | None
    ) -> str | None:
        """A new message in the conversation, or a reply to `reply_to`; returns its id."""
        path = f"v3/conversations/{quote(conversation, safe='')}/activities"
        if reply_to:
            path += f"/{quote(reply_to, safe='')}"
        answer = await self._call(client, "POST", path, activity)
        return str(answer["id"]) if answer.get("id") else None

    async def update(
        self, client: ConnectorClient, conversation: str, message_id: str, activity: Json
    ) -> None:
        path = f"v3/conversations/{quote(conversation, safe='')}/activities/"
        await self._call(client, "PUT", path + quote(message_id, safe=""), activity)

    async def _call(self, client: ConnectorClient, method: str, path: str, body: Json) -> Json:
        base = str(client.config.base_url or "")
        url = (base if base.endswith("/") else base + "/") + path
        headers = {"Content-Type": "application/json; charset=utf-8"}
        token = await self._token(client.config.credentials)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        async with self._shared_session().request(
            method, url, data=wire(body), headers=headers
        ) as response:
            answer = _object(await response.read())
            if response.status >= 400:
                raise ConnectorError(
                    response.status, response.headers.get("Retry-After"), _code(answer)
                )
        return answer

    async def _token(self, credentials: Any) -> str:
        """MSAL is synchronous (and slow when it has to ask Entra ID): run it in a thread, and
        only when the token is missing or old. Anonymous local runs send no token."""
        if not isinstance(credentials, MicrosoftAppCredentials):
            return ""
        if not credentials.microsoft_app_id:
            return ""
        key = (credentials.microsoft_app_id, credentials.oauth_scope)
        token, fetched = self._tokens.get(key, ("", 0.0))
        if not token or time.monotonic() - fetched > TOKEN_REUSE:
            token = await asyncio.to_thread(credentials.get_access_token)
            self._tokens[key] = (token, time.monotonic())
        return token

    def _shared_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        return self._session

    async def close(self) -> None:
        self._clients.clear()
        if self._session is not None:
            await self._session.close()


def _object(body: bytes) -> Json:
    """The answer as a JSON object; anything else (empty, HTML, not UTF-8) as {}."""
    try:
        answer = json.loads(body)
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _code(answer: Json) -> str:
    """`{"error": {"code": "Throttled", "message": ...}}` → `Throttled` (never the message)."""
    error = answer.get("error")
    code = error.get("code") if isinstance(error, dict) else None
    return str(code)[:CODE_CHARS] if code else ""


class _Reused(ConnectorFactory):  # type: ignore[misc]  # botbuilder has no types: its base class is Any
    def __init__(self, inner: ConnectorFactory, connectors: Connectors) -> None:
        self._inner = inner
        self._connectors = connectors

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        return await self._connectors.client(self._inner, service_url, audience)
