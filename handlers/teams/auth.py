"""Who may talk to the bot at /api/messages, and where it may answer.

With MICROSOFT_APP_ID set, botbuilder's authentication is made strict and quick: every refused
token is a 401, signing keys are fetched off the event loop, and per-turn clients are built once.
botbuilder 4.17.1 lets an expired, malformed or unknown-key token escape as a JWT or lookup error
(an HTTP 500 with a stack trace), fetches its signing keys with blocking `requests` (and no
timeout) inside its async token check, and builds new connector and token clients for every
activity; `StrictAuthentication` wraps its public classes to fix all three. The token check runs
on a thread of its own with its own event loop (`_Checker`), so the blocking fetch never holds up
the bot's loop; nothing of botbuilder's private internals is touched.

Without an app id nobody can be authenticated, and an activity names the `serviceUrl` the bot
then sends to: anyone who could post one would make the bot call any address they like. So `Gate`
lets in only tools on this machine, answered at localhost, unless the development switch
HOWCANWE_TEAMS_ALLOW_UNAUTHENTICATED opens the endpoint to anyone.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import threading
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.auth import (
    AuthenticateRequestResult,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    JwtTokenValidation,
    UserTokenClient,
)
from botframework.connector.skills import BotFrameworkClient

from bot.config import TeamsSettings
from handlers.teams.connector import Connectors

log = logging.getLogger(__name__)

T = TypeVar("T")
CHECK_SECONDS = 30.0  # a token check waiting this long on Microsoft's keys is a 503, not a hang

LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})  # the service URLs local tools use
RELAY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP")


class Access(StrEnum):
    CHECKED = "checked"  # an app id: botbuilder checks every request's token
    LOCAL = "local"  # no app id: tools on this machine only, answered at localhost
    OPEN = "open"  # no app id and the development switch: anyone, answered anywhere


@dataclass(frozen=True, slots=True)
class Gate:
    """Which requests may reach the bot and which service URLs it may send to."""

    access: Access

    @classmethod
    def of(cls, settings: TeamsSettings) -> Gate:
        if settings.app_id:
            return cls(Access.CHECKED)
        return cls(Access.OPEN if settings.allow_unauthenticated else Access.LOCAL)

    def refusal(self, peer: str | None, host: str, headers: Mapping[str, str]) -> str | None:
        """Why a request may not come in, or None. Without credentials only a tool on this
        machine may post: from a loopback address, to a local host name (so a web page cannot
        reach the bot by rebinding its DNS name to 127.0.0.1), and not relayed by a proxy or a
        tunnel, whose traffic arrives from loopback too."""
        if self.access is not Access.LOCAL:
            return None
        if not _loopback(peer):
            return "not from this machine"
        if any(name in headers for name in RELAY_HEADERS):
            return "relayed by a proxy or tunnel"
        if not _local_host(host):
            return "addressed to a host name other than this machine's"
        return None

    def may_call(self, service_url: str) -> bool:
        """Whether the bot may send to `service_url`, read from an activity or a stored
        conversation reference: only at localhost without credentials, and with them only over
        https (or locally), since the bot's own token goes along."""
        try:
            parts = urlsplit(service_url)
            host = parts.hostname or ""
        except ValueError:
            return False
        if parts.scheme not in ("http", "https"):
            return False
        if self.access is Access.OPEN:
            return True
        if self.access is Access.LOCAL:
            return host in LOCAL_NAMES
        return parts.scheme == "https" or host in LOCAL_NAMES


def _loopback(peer: str | None) -> bool:
    try:
        address = ipaddress.ip_address(peer or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def _local_host(host: str) -> bool:
    """The Host header names this machine: `localhost` or a loopback address, any port."""
    try:
        name = urlsplit(f"//{host}").hostname or ""
    except ValueError:
        return False
    return name == "localhost" or _loopback(name)


class AuthUnavailable(RuntimeError):
    """The signing keys could not be fetched: our outage, not the caller's fault (503)."""


class _Configuration:
    """The attribute bag `ConfigurationBotFrameworkAuthentication` reads its settings from."""

    def __init__(self, settings: TeamsSettings) -> None:
        self.APP_ID = settings.app_id
        self.APP_PASSWORD = settings.app_password
        self.APP_TYPE = settings.app_type
        self.APP_TENANTID = settings.tenant_id


class StrictAuthentication(BotFrameworkAuthentication):  # type: ignore[misc]  # botbuilder has no types: its base class is Any
    """botbuilder's own authentication, with refusals normalised and connector clients reused."""

    def __init__(self, settings: TeamsSettings) -> None:
        self._inner = ConfigurationBotFrameworkAuthentication(_Configuration(settings))
        self.connectors = Connectors()
        self._token_clients: dict[str, UserTokenClient] = {}
        self._checker = _Checker()

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        try:
            result = await self._checker.run(
                self._inner.authenticate_request(activity, auth_header)
            )
        except PermissionError:
            raise
        except (requests.RequestException, TimeoutError) as error:
            log.error("signing keys unavailable", extra={"error": repr(error)})
            raise AuthUnavailable(str(error)) from None
        except Exception as error:  # expired, malformed, unknown key, bad signature…
            log.info("token refused", extra={"error": type(error).__name__})
            raise PermissionError("Unauthorized") from None
        result.connector_factory = self.connectors.factory(result.connector_factory)
        return result

    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        try:
            check = self._inner.authenticate_streaming_request(auth_header, channel_id_header)
            result: AuthenticateRequestResult = await self._checker.run(check)
            return result
        except PermissionError:
            raise
        except Exception:
            raise PermissionError("Unauthorized") from None

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self.connectors.factory(self._inner.create_connector_factory(claims_identity))

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        """botbuilder asks for one every turn; it is costly to build and this bot never signs
        users in, so one per app id is kept."""
        app_id = JwtTokenValidation.get_app_id_from_claims(claims_identity.claims) or ""
        client = self._token_clients.get(app_id)
        if client is None:
            client = await self._inner.create_user_token_client(claims_identity)
            self._token_clients[app_id] = client
        return client

    def create_bot_framework_client(self) -> BotFrameworkClient:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        audience: str = self._inner.get_originating_audience()
        return audience

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        identity: ClaimsIdentity = await self._checker.run(
            self._inner.authenticate_channel_request(auth_header)
        )
        return identity

    def close(self) -> None:
        self._checker.close()


class _Checker:
    """A thread with its own event loop for botbuilder's token checks: their blocking key
    fetches (`requests`, once a day or for an unknown key) and signature checks wait there, and
    botbuilder's key cache is only ever touched from that one thread. Started on first use."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    async def run(self, check: Coroutine[Any, Any, T]) -> T:
        future = asyncio.run_coroutine_threadsafe(check, self._started())
        return await asyncio.wait_for(asyncio.wrap_future(future), CHECK_SECONDS)

    def _started(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                self._thread = threading.Thread(
                    target=loop.run_forever, name="teams-token-checks", daemon=True
                )
                self._thread.start()
                self._loop = loop
            return self._loop

    def close(self) -> None:
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        if not thread.is_alive():
            loop.close()
