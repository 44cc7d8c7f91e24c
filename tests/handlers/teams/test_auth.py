"""Real Bot Framework token validation, offline: a valid token is let in; a forged, foreign,
expired, malformed or missing one gets 401, never a 500 or a stack trace."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace

import pytest
import requests
from aiohttp.test_utils import TestClient, TestServer
from botframework.connector.auth import (
    ChannelValidation,
    JwtTokenExtractor,
    MicrosoftAppCredentials,
)

from bot.app import create_app
from bot.config import Settings, TeamsSettings
from bot.services import Services
from handlers.teams.mount import TEAMS
from tests.handlers.teams import teams_activities as ta
from tests.handlers.teams.fake_connector import FakeConnector
from tests.handlers.teams.keys import Issuer, new_key, serving

APP_ID = "00000000-1111-2222-3333-444444444444"


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    with serving(new_key()) as running:
        yield running


@pytest.fixture
async def secured(
    settings: Settings,
    services: Services,
    connector: FakeConnector,
    issuer: Issuer,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[TestClient]:
    # botbuilder's own hook for where the channel's signing keys are published.
    monkeypatch.setattr(ChannelValidation, "open_id_metadata_endpoint", issuer.metadata_url)
    teams = TeamsSettings(app_id=APP_ID, app_password="not-used-offline")
    app = create_app(replace(settings, teams=teams), services)
    async with TestClient(TestServer(app, host="127.0.0.1")) as http:
        yield http


async def _post(
    http: TestClient, connector: FakeConnector, authorization: str | None
) -> tuple[int, str]:
    # A channel message outside any prompt's chain: accepted, and needs no reply (no token fetch).
    activity = ta.message("just chatting", connector.service_url)
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = await http.post("/api/messages", json=activity, headers=headers)
    return response.status, await response.text()


async def test_a_valid_channel_token_is_accepted(
    secured: TestClient, connector: FakeConnector, issuer: Issuer
) -> None:
    token = issuer.token(APP_ID, connector.service_url)

    status, _ = await _post(secured, connector, f"Bearer {token}")

    assert status == 201


async def test_signing_keys_are_fetched_off_the_event_loop(
    secured: TestClient, connector: FakeConnector, issuer: Issuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # botbuilder fetches keys with blocking `requests`: on its own thread, never the bot's loop.
    monkeypatch.setattr(JwtTokenExtractor, "metadataCache", {})  # nothing cached: a fetch
    fetched_on: list[str] = []
    fetch = requests.get

    def recorded(*args: object, **kwargs: object) -> requests.Response:
        fetched_on.append(threading.current_thread().name)
        return fetch(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(requests, "get", recorded)

    status, _ = await _post(
        secured, connector, f"Bearer {issuer.token(APP_ID, connector.service_url)}"
    )

    assert status == 201
    assert fetched_on and set(fetched_on) == {"teams-token-checks"}


@pytest.mark.parametrize(
    "case",
    [
        "forged",
        "unknown key",
        "foreign audience",
        "expired",
        "other issuer",
        "other service url",
        "malformed",
        "not bearer",
        "missing",
        "empty",
    ],
)
async def test_every_refused_token_is_a_401_without_a_stack_trace(
    secured: TestClient, connector: FakeConnector, issuer: Issuer, case: str
) -> None:
    url = connector.service_url
    headers = {
        "forged": f"Bearer {issuer.token(APP_ID, url, key=new_key())}",
        "unknown key": f"Bearer {issuer.token(APP_ID, url, kid='someone-elses')}",
        "foreign audience": f"Bearer {issuer.token('another-bot', url)}",
        "expired": f"Bearer {issuer.token(APP_ID, url, expires_in=-3600)}",
        "other issuer": f"Bearer {issuer.token(APP_ID, url, issuer='https://evil.example')}",
        "other service url": f"Bearer {issuer.token(APP_ID, 'https://evil.example/')}",
        "malformed": "Bearer not.a.jwt",
        "not bearer": f"Basic {issuer.token(APP_ID, url)}",
        "missing": None,
        "empty": "",
    }

    status, body = await _post(secured, connector, headers[case])

    assert status == 401, body
    assert "Traceback" not in body and "Error" not in body
    assert connector.calls == []


async def test_replies_to_an_authenticated_request_carry_the_bots_own_token(
    secured: TestClient, connector: FakeConnector, issuer: Issuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetched: list[str] = []

    def token(credentials: MicrosoftAppCredentials, force_refresh: bool = False) -> str:
        fetched.append(credentials.microsoft_app_id)  # MSAL would ask Entra ID here
        return "bot-token"

    monkeypatch.setattr(MicrosoftAppCredentials, "get_access_token", token)
    headers = {"Authorization": f"Bearer {issuer.token(APP_ID, connector.service_url)}"}

    for _ in range(2):
        activity = ta.mention("help", connector.service_url)
        response = await secured.post("/api/messages", json=activity, headers=headers)
        assert response.status == 201
    await secured.app[TEAMS].bot.deliveries.idle()

    assert [c.method for c in connector.calls] == ["reply", "reply"]
    assert {c.authorization for c in connector.calls} == {"Bearer bot-token"}
    assert fetched == [APP_ID]  # fetched once, then reused
