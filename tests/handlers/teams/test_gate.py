"""Without Bot Framework credentials /api/messages serves only tools on this machine, and the bot
never calls a service URL nobody vouched for; the development switch opens it again.

127.0.0.2 (loopback, so the test never leaves this machine) stands in for a foreign host: a
listener there records any call the bot makes to it. A client elsewhere on the network is
simulated by giving the request another peer address before the real route sees it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.config import Settings, TeamsSettings
from bot.core.domain import ConversationRef, PostedMessage
from bot.core.interaction import Card, Text
from bot.core.ports import Sent
from bot.services import Services
from handlers.teams.auth import Access, Gate
from handlers.teams.mount import TEAMS, TeamsEdge
from handlers.teams.origin import PLATFORM
from tests.handlers.teams import teams_activities as ta
from tests.handlers.teams.fake_connector import FakeConnector

PEER = "X-Test-Peer"  # read by the test middleware below, never by the app
ELSEWHERE = "203.0.113.7"  # a documentation address: a client on another machine
OPEN = TeamsSettings(allow_unauthenticated=True)
EDGE_LOGGER = "handlers.teams.mount"


@web.middleware
async def peer_address(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """The request as if it came from the address the test names (aiohttp's own override)."""
    peer = request.headers.get(PEER)
    return await handler(request.clone(remote=peer) if peer else request)


@pytest.fixture
async def foreign() -> AsyncIterator[FakeConnector]:
    server = FakeConnector(host="127.0.0.2")
    await server.start()
    yield server
    await server.close()


@asynccontextmanager
async def serving(settings: Settings, services: Services) -> AsyncIterator[TestClient]:
    app = create_app(settings, services)
    app.middlewares.append(peer_address)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


@pytest.fixture
async def local(settings: Settings, services: Services) -> AsyncIterator[TestClient]:
    async with serving(settings, services) as client:
        yield client


@pytest.fixture
async def opened(settings: Settings, services: Services) -> AsyncIterator[TestClient]:
    async with serving(replace(settings, teams=OPEN), services) as client:
        yield client


async def post(
    http: TestClient, activity: dict[str, Any], headers: dict[str, str] | None = None
) -> tuple[int, str]:
    response = await http.post("/api/messages", json=activity, headers=headers or {})
    status, body = response.status, await response.text()
    await http.app[TEAMS].bot.deliveries.idle()
    return status, body


def refusals(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage() == "teams request refused"]


async def test_an_anonymous_activity_naming_a_foreign_service_url_makes_no_call(
    local: TestClient, foreign: FakeConnector, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    status, body = await post(local, ta.mention("help", foreign.service_url))

    assert status == 403 and "serviceUrl" in body
    assert foreign.calls == []
    [line] = refusals(caplog)
    assert line.exc_info is None and "help" not in str(vars(line))


@pytest.mark.parametrize(
    "headers",
    [
        {PEER: ELSEWHERE},  # another machine on the network
        {PEER: "::ffff:10.0.0.8"},  # the same, as a dual-stack socket reports it
        {"X-Forwarded-For": ELSEWHERE},  # a proxy or tunnel relaying someone else
        {"Forwarded": f"for={ELSEWHERE}"},
        {"Host": "rebound.example:3978"},  # a web page whose DNS name now points at 127.0.0.1
    ],
)
async def test_without_credentials_only_a_tool_on_this_machine_gets_in(
    local: TestClient,
    connector: FakeConnector,
    caplog: pytest.LogCaptureFixture,
    headers: dict[str, str],
) -> None:
    caplog.set_level(logging.INFO)

    status, body = await post(local, ta.mention("help", connector.service_url), headers)

    assert status == 403 and "MICROSOFT_APP_ID" in body
    assert connector.calls == []
    assert len(refusals(caplog)) == 1


async def test_a_local_tool_answered_at_localhost_gets_its_reply(
    local: TestClient, connector: FakeConnector
) -> None:
    status, _ = await post(local, ta.mention("help", connector.service_url))

    assert status == 201
    assert [c.method for c in connector.calls] == ["reply"]


async def test_the_development_switch_lets_anyone_in_and_answers_anywhere(
    opened: TestClient, foreign: FakeConnector, caplog: pytest.LogCaptureFixture
) -> None:
    status, _ = await post(opened, ta.mention("help", foreign.service_url), {PEER: ELSEWHERE})

    assert status == 201
    assert [c.method for c in foreign.calls] == ["reply"]
    assert refusals(caplog) == []


async def test_a_reference_saved_while_open_is_not_used_once_the_switch_is_off(
    opened: TestClient, settings: Settings, services: Services, foreign: FakeConnector
) -> None:
    status, _ = await post(opened, ta.bot_added(foreign.service_url))
    assert status == 201 and [c.method for c in foreign.calls] == ["post"]  # the welcome
    edge = TeamsEdge(settings, lambda: services.engine)  # as `howcanwe clock` builds it
    card = Card("Digest", (Text("this week"),))
    try:
        sent = await edge.notifier.send(ConversationRef(PLATFORM, ta.TENANT, ta.CHANNEL), card)
        updated = await edge.notifier.update(
            PostedMessage(PLATFORM, ta.TENANT, ta.CHANNEL, "1"), card
        )
    finally:
        await edge.authentication.connectors.close()

    assert (sent, updated) == (Sent.FAILED, False)
    assert [c.method for c in foreign.calls] == ["post"]


@pytest.mark.parametrize(
    ("access", "url", "allowed"),
    [
        (Access.LOCAL, "http://localhost:56150/", True),
        (Access.LOCAL, "http://127.0.0.1:3979/", True),
        (Access.LOCAL, "http://[::1]:3979/", True),
        (Access.LOCAL, "http://127.0.0.2:3979/", False),
        (Access.LOCAL, "https://smba.trafficmanager.net/emea/", False),
        (Access.LOCAL, "http://localhost.evil.example/", False),
        (Access.CHECKED, "https://smba.trafficmanager.net/emea/", True),
        (Access.CHECKED, "http://smba.trafficmanager.net/emea/", False),  # the token in clear
        (Access.CHECKED, "http://localhost:56150/", True),
        (Access.OPEN, "http://10.0.0.8/", True),
        (Access.OPEN, "file:///etc/passwd", False),
        (Access.OPEN, "http://[::1", False),
    ],
)
def test_which_service_urls_the_bot_may_call(access: Access, url: str, allowed: bool) -> None:
    assert Gate(access).may_call(url) is allowed


def test_the_gate_follows_the_settings() -> None:
    assert Gate.of(TeamsSettings()).access is Access.LOCAL
    assert Gate.of(OPEN).access is Access.OPEN
    assert Gate.of(replace(OPEN, app_id="app")).access is Access.CHECKED  # credentials win


def test_start_up_says_once_what_running_without_credentials_means(
    settings: Settings, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=EDGE_LOGGER)
    for teams in (TeamsSettings(), OPEN, TeamsSettings(app_id="app")):
        create_app(replace(settings, teams=teams), services)

    said = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == EDGE_LOGGER]
    assert len(said) == 2
    assert said[0][0] == "INFO" and "only takes activities from tools on this machine" in said[0][1]
    assert said[1][0] == "WARNING" and "make the bot call any address" in said[1][1]
