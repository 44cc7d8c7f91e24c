"""Fixtures: the real app on loopback with Slack enabled, and the fake Slack Web API it calls."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.config import Settings, SlackSettings
from bot.services import Services
from handlers.slack.flows import SlackEdge
from handlers.slack.mount import SLACK
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.fake_slack import FakeSlack


@dataclass
class Bot:
    """The running app as Slack sees it: post signed requests, then read what the bot sent."""

    http: TestClient
    fake: FakeSlack
    services: Services

    @property
    def edge(self) -> SlackEdge:
        return self.http.app[SLACK]

    async def send(
        self, request: tuple[str, str], headers: dict[str, str] | None = None, signed: bool = True
    ) -> ClientResponse:
        body, content_type = request
        all_headers = {"Content-Type": content_type, **(rq.sign(body) if signed else {})}
        return await self.http.post(
            "/slack/events", data=body.encode(), headers=all_headers | (headers or {})
        )

    async def ok(self, request: tuple[str, str], **kwargs: object) -> ClientResponse:
        response = await self.send(request, **kwargs)  # type: ignore[arg-type]
        assert response.status == 200, await response.text()
        return response

    async def settle(self) -> None:
        """Wait until the work started by the requests so far is done."""
        await self.edge.tasks.idle()

    async def prompt(self, theme: str = "inclusive-growth", channel: str = "C1") -> str:
        """An organiser posts a prompt; returns its message ts (the thread ideas go in)."""
        before = len(self.fake.of("chat.postMessage"))
        await self.ok(rq.command(f"prompt {theme}", channel=channel))
        await self.settle()
        posts = self.fake.of("chat.postMessage")
        assert len(posts) == before + 1, self.fake.calls
        return self.fake.last_ts()


def slack_settings(settings: Settings, fake: FakeSlack, **overrides: str) -> Settings:
    slack = SlackSettings(
        signing_secret=rq.SECRET, bot_token="xoxb-test", api_url=fake.api_url, **overrides
    )
    return replace(settings, slack=slack)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def bot(settings: Settings, services: Services, fake: FakeSlack) -> AsyncIterator[Bot]:
    app = create_app(slack_settings(settings, fake), services)
    async with TestClient(TestServer(app, host="127.0.0.1")) as http:
        yield Bot(http, fake, services)
