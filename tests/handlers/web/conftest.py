"""Fixtures: the real app on loopback with the web view on, and a small workshop scripted
through the core from Slack and Teams, as the platforms' edges would drive it."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace

import pytest
from aiohttp.test_utils import TestClient, TestServer, unused_port

from bot.app import create_app
from bot.config import Settings, WebSettings
from bot.core.domain import ConversationRef, Participant
from bot.core.interaction import Command, Context, Rejected, Reply, Say
from bot.services import Services, open_services
from tests.conftest import FakeClock

TOKEN = "dashboard-secret-0123456789"
ORGANISER = Participant("slack", "UORG", "Olive Organiser")
ANN = Participant("slack", "UANN", "Ann Slack")
BEN = Participant("teams", "29:ben", "Ben Teams")
CAL = Participant("teams", "29:cal", "Cal Teams")
TOWN = ConversationRef("slack", "T1", "CTOWN", "town")
BIZ = ConversationRef("teams", "tenant", "19:biz", "business-chat")
PARTNERS = ConversationRef("slack", "T1", "CPART", "partners")


@dataclass
class Web:
    """The running app and its core: drive the workshop, then read the pages."""

    http: TestClient
    services: Services
    clock: FakeClock
    base_url: str

    async def say(self, who: Participant, where: ConversationRef, text: str) -> list[Reply]:
        return await self.services.engine.handle(Context(who, where), Command(text))

    async def ok(self, who: Participant, where: ConversationRef, text: str) -> str:
        replies = await self.say(who, where, text)
        refused = [r.reason for r in replies if isinstance(r, Rejected)]
        assert not refused, refused
        return "\n".join(r.card.as_text() for r in replies if isinstance(r, Say))

    def link(self, path: str = "/plan", programme: str = "default") -> str:
        """A signed link, as the `plan` command hands out, relative to the test server."""
        links = self.services.engine.workshop.links
        assert links is not None
        return links.url(programme, self.clock.now(), path).removeprefix(self.base_url)

    async def script(self) -> None:
        """Slack and Teams people add ideas, vote and the organiser assigns: one plan.

        #1 community (Slack), 3 votes, combined authority as Funder · Scaling
        #2 business (Teams), 1 vote, organisations and businesses
        #3 community (Slack), no votes, not assigned
        #4 business (Teams), merged into #1
        """
        await self.ok(ORGANISER, TOWN, "channel community")
        await self.ok(ORGANISER, BIZ, "channel business")
        await self.ok(ORGANISER, PARTNERS, "channel stakeholders")
        await self.ok(ANN, TOWN, "idea inclusive: Community hubs that offer business mentoring")
        await self.ok(BEN, BIZ, "idea inclusive: Paid apprenticeships with local employers")
        await self.ok(ANN, TOWN, "idea inclusive: Night buses to the industrial estates")
        await self.ok(CAL, BIZ, "idea inclusive: Mentoring hubs for new businesses in every town")
        for who, where in ((ANN, TOWN), (BEN, BIZ), (CAL, BIZ)):
            await self.ok(who, where, "vote 1")
        await self.ok(ANN, TOWN, "vote 2")
        await self.ok(ORGANISER, TOWN, "assign 1 combined funder scaling")
        await self.ok(ORGANISER, TOWN, "assign 2 organisations")
        await self.ok(ORGANISER, TOWN, "merge 4 into 1")


@asynccontextmanager
async def running(settings: Settings, clock: FakeClock, **web: str) -> AsyncIterator[Web]:
    """The app on a free loopback port whose address is the public URL links point at."""
    port = unused_port()
    public = f"http://127.0.0.1:{port}"
    options = {"public_url": public, "dashboard_token": TOKEN} | web
    configured = replace(settings, web=WebSettings(**options))
    async with open_services(configured, clock=clock) as services:
        app = create_app(configured, services)
        async with TestClient(TestServer(app, host="127.0.0.1", port=port)) as http:
            yield Web(http, services, clock, public)


@pytest.fixture
async def web(settings: Settings, clock: FakeClock) -> AsyncIterator[Web]:
    async with running(settings, clock) as started:
        yield started


CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _browser_missing() -> str | None:
    if not shutil.which(CHROMIUM):
        return f"{CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (pip install -e '.[dev]')"
    return None


@pytest.fixture
def chromium() -> str:
    missing = _browser_missing()
    if missing and os.environ.get("CI"):
        pytest.fail(f"the browser test cannot run in CI: {missing}")
    if missing:
        pytest.skip(missing)
    return CHROMIUM
