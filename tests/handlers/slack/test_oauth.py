"""Multi-workspace install over OAuth: each workspace's ideas stay in its own programme."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import replace

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.config import Settings
from bot.services import Services
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.conftest import Bot, slack_settings
from tests.handlers.slack.fake_slack import FakeSlack


@asynccontextmanager
async def oauth_bot(
    settings: Settings,
    services: Services,
    fake: FakeSlack,
    programmes: Mapping[str, str] | None = None,
) -> AsyncIterator[Bot]:
    """The app in OAuth mode (workspaces pooled into programmes as `programmes` says)."""
    config = slack_settings(settings, fake)
    slack = replace(
        config.slack,
        bot_token="",
        client_id="111.222",
        client_secret="shh",
        programmes=dict(programmes or {}),
    )
    app = create_app(replace(config, slack=slack), services)
    async with TestClient(TestServer(app, host="127.0.0.1")) as http:
        yield Bot(http, fake, services)


@pytest.fixture
async def multi(settings: Settings, services: Services, fake: FakeSlack) -> AsyncIterator[Bot]:
    async with oauth_bot(settings, services, fake) as bot:
        yield bot


async def install(bot: Bot, team: str) -> str:
    """Install the app the way an admin does: the install page, Slack's consent, the redirect."""
    bot.fake.installs[f"code-{team}"] = team
    page = await bot.http.get("/slack/install")
    assert page.status == 200
    state = re.search(r"state=([\w-]+)", await page.text())
    assert state is not None
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    done = await bot.http.get(
        "/slack/oauth_redirect",
        params={"code": f"code-{team}", "state": state.group(1)},
        headers={"Cookie": cookie},
    )
    return await done.text()


async def test_two_workspaces_install_and_never_see_each_others_ideas(multi: Bot) -> None:
    for team in ("T2", "T3"):
        assert "Thank you!" in await install(multi, team)
    access = multi.fake.of("oauth.v2.access")
    assert [a["code"] for a in access] == ["code-T2", "code-T3"]

    await multi.ok(rq.command("prompt inclusive-growth", team="T2"))
    await multi.settle()
    prompt = multi.fake.calls[-1]
    assert prompt.method == "chat.postMessage" and prompt.token == "xoxb-T2"
    reply = rq.thread_reply("Only for T2", prompt.answer["ts"])
    await multi.ok(rq.event(reply, "EvT2", team="T2"))
    await multi.ok(
        rq.command("ideas", team="T3", user="U3", response_url=multi.fake.response_url())
    )
    await multi.settle()
    idea_card = multi.fake.of("chat.postMessage")[-1]
    assert idea_card["thread_ts"] == prompt.answer["ts"]
    assert {c.token for c in multi.fake.calls if c.method == "users.info"} == {"xoxb-T2"}
    assert [i.text for i in await multi.services.repo.ideas("slack-T2")] == ["Only for T2"]
    (listing,) = multi.fake.of("response_url")
    assert "No ideas yet" in listing["text"]


async def test_a_bad_or_replayed_install_changes_nothing(multi: Bot) -> None:
    page = await multi.http.get("/slack/oauth_redirect", params={"code": "x", "state": "forged"})
    assert page.status < 500
    assert not multi.fake.of("oauth.v2.access")
    response = await multi.send(rq.command("help", team="T9"))
    assert response.status < 500
    await multi.settle()
    assert not [c for c in multi.fake.calls if c.method.startswith("chat.")]


async def test_workspaces_pooled_on_purpose_share_one_programme(
    settings: Settings, services: Services, fake: FakeSlack
) -> None:
    async with oauth_bot(settings, services, fake, {"T2": "lab", "T3": "lab"}) as pooled:
        for team in ("T2", "T3", "T4"):
            await install(pooled, team)
        typed = {"T2": "Night buses", "T3": "Rooftop solar", "T4": "Repair cafes"}
        for team, text in typed.items():
            await pooled.ok(rq.command(f"idea inclusive-growth: {text}", team=team))
        await pooled.settle()
    lab = [i.text for i in await services.repo.ideas("lab")]
    assert sorted(lab) == ["Night buses", "Rooftop solar"]
    assert [i.text for i in await services.repo.ideas("slack-T4")] == ["Repair cafes"]


async def test_whoever_installs_a_workspace_organises_it_and_no_other(multi: Bot) -> None:
    multi.fake.installer = "UANN"
    assert "Thank you!" in await install(multi, "T2")
    multi.fake.installer = "UBOB"
    assert "Thank you!" in await install(multi, "T3")

    async def said(text: str, team: str, user: str) -> str:
        before = len(multi.fake.of("response_url"))
        url = multi.fake.response_url()
        await multi.ok(rq.command(text, team=team, user=user, response_url=url))
        await multi.settle()
        return "\n".join(r["text"] for r in multi.fake.of("response_url")[before:])

    assert "slack:UANN" in await said("organisers", "T2", "U5")
    assert "slack:UANN" not in await said("organisers", "T3", "U5")
    assert "slack:UBOB" in await said("organisers", "T3", "U5")
    # Ann organises T2, not T3: her organiser command in T3 is refused.
    assert "Only organisers" in await said("organiser add slack:U5", "T3", "UANN")
    assert "slack:U5" not in await said("organisers", "T3", "U5")
