"""Bot Framework authentication made strict and quick: every refused token is a 401, signing keys
are fetched off the event loop, and per-turn clients are built once.

botbuilder 4.17.1 lets an expired, malformed or unknown-key token escape as a JWT or lookup error
(an HTTP 500 with a stack trace), fetches its signing keys with blocking `requests` on the event
loop, and builds new connector and token clients for every activity. This module wraps its public
classes to fix all three.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

import requests
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ChannelValidation,
    ClaimsIdentity,
    ConnectorFactory,
    JwtTokenExtractor,
    JwtTokenValidation,
    UserTokenClient,
)
from botframework.connector.auth.jwt_token_extractor import _OpenIdMetadata
from botframework.connector.skills import BotFrameworkClient

from bot.config import TeamsSettings
from handlers.teams.connector import Connectors

log = logging.getLogger(__name__)


class AuthUnavailable(RuntimeError):
    """The signing keys could not be fetched: our outage, not the caller's fault (503)."""


class _Configuration:
    """The attribute bag `ConfigurationBotFrameworkAuthentication` reads its settings from."""

    def __init__(self, settings: TeamsSettings) -> None:
        self.APP_ID = settings.app_id
        self.APP_PASSWORD = settings.app_password
        self.APP_TYPE = settings.app_type
        self.APP_TENANTID = settings.tenant_id


class StrictAuthentication(BotFrameworkAuthentication):
    """botbuilder's own authentication, with refusals normalised and connector clients reused."""

    def __init__(self, settings: TeamsSettings) -> None:
        self._inner = ConfigurationBotFrameworkAuthentication(_Configuration(settings))
        self.connectors = Connectors()
        self._token_clients: dict[str, UserTokenClient] = {}
        _fetch_keys_in_threads()

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        try:
            result = await self._inner.authenticate_request(activity, auth_header)
        except PermissionError:
            raise
        except requests.RequestException as error:
            log.error("signing keys unavailable", extra={"error": str(error)})
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
            return await self._inner.authenticate_streaming_request(auth_header, channel_id_header)
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
        return self._inner.get_originating_audience()

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self._inner.authenticate_channel_request(auth_header)


class _ThreadedOpenIdMetadata(_OpenIdMetadata):  # type: ignore[misc]
    """botbuilder's key cache, refreshed in a worker thread instead of on the event loop."""

    async def _refresh(self) -> None:
        self.keys = await asyncio.to_thread(_download_keys, self.url)
        self.last_updated = datetime.now()  # naive local time, as botbuilder compares it


def _download_keys(url: str) -> list[dict[str, Any]]:
    response = requests.get(url, timeout=10)
    response.raise_for_status()
    keys = requests.get(response.json()["jwks_uri"], timeout=10)
    keys.raise_for_status()
    return list(keys.json()["keys"])


def _fetch_keys_in_threads() -> None:
    """Install the threaded key cache for the metadata URLs botbuilder will read."""
    for url in (
        ChannelValidation.open_id_metadata_endpoint
        or AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
        AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL,
    ):
        if not isinstance(JwtTokenExtractor.metadataCache.get(url), _ThreadedOpenIdMetadata):
            JwtTokenExtractor.metadataCache[url] = _ThreadedOpenIdMetadata(url)
