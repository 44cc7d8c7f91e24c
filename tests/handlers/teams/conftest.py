"""Fixtures: the real app on loopback, and the fake Bot Connector it replies through."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.config import Settings
from bot.services import Services
from handlers.teams.mount import TEAMS, TeamsEdge
from tests.handlers.teams import teams_activities as ta
from tests.handlers.teams.fake_connector import Call, FakeConnector


@dataclass
class Teams:
    """The running app as Teams sees it: post activities, then read what the bot sent."""

    http: TestClient
    connector: FakeConnector
    services: Services

    @property
    def url(self) -> str:
        return self.connector.service_url

    @property
    def edge(self) -> TeamsEdge:
        return self.http.app[TEAMS]

    async def send(
        self, activity: dict[str, Any], headers: dict[str, str] | None = None
    ) -> ClientResponse:
        return await self.http.post("/api/messages", json=activity, headers=headers or {})

    async def ok(self, activity: dict[str, Any]) -> list[Call]:
        """Post an activity; returns the calls the bot made to the connector in answer."""
        before = len(self.connector.calls)
        response = await self.send(activity)
        assert response.status == 201, await response.text()
        await self.settle()
        return self.connector.calls[before:]

    async def settle(self) -> None:
        """Wait for the replies the bot sends after answering Teams."""
        await self.edge.bot.deliveries.idle()

    async def prompt(self, theme: str = "inclusive-growth") -> tuple[str, str]:
        """An organiser posts a prompt; returns (its message id, the prompt id on its card)."""
        calls = await self.ok(ta.mention(f"prompt {theme}", self.url, user=ta.ORGANISER))
        [post] = [c for c in calls if c.method == "post"]
        [submit] = [
            a
            for a in _actions(post.card)
            if a.get("data", {}).get("action_id") == "prompt.add_idea"
        ]
        return post.returned, submit["data"]["metadata"]

    async def idea(
        self, thread: str, text: str = "More bike lanes", user: tuple[str, str] = ta.ALICE
    ) -> tuple[str, Call]:
        """A reply in the prompt's chain; returns (the idea card's message id, the reply call)."""
        calls = await self.ok(ta.message(text, self.url, user=user, thread=thread))
        [reply] = [c for c in calls if c.method == "reply"]
        return reply.returned, reply


def _actions(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = [node] if str(node.get("type", "")).startswith("Action.") else []
        return found + [a for v in node.values() for a in _actions(v)]
    if isinstance(node, list):
        return [a for item in node for a in _actions(item)]
    return []


actions = _actions


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    server = FakeConnector()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def teams(
    settings: Settings, services: Services, connector: FakeConnector
) -> AsyncIterator[Teams]:
    app = create_app(settings, services)
    async with TestClient(TestServer(app, host="127.0.0.1")) as http:
        yield Teams(http, connector, services)
