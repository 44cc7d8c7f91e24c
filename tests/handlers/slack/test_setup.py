"""docs/slack.md's set-up, step by step, against the real app and the fake Slack: the server runs
on the signing secret alone, so Slack's URL check passes when the manifest is pasted; the
manifest's URLs are routes the app serves and its scopes are the ones the doctor expects; once
the token is set, the app answers and `howcanwe doctor` passes."""

from __future__ import annotations

import io
import json
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp.test_utils import TestClient, TestServer

from bot import doctor
from bot.app import create_app
from bot.config import Settings, SlackSettings
from bot.services import Services
from handlers.slack.mount import NOT_INSTALLED
from handlers.slack.scopes import BOT_SCOPES
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.conftest import Bot, slack_settings
from tests.handlers.slack.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parents[3]
PLACEHOLDER = "https://howcanwe.example.org"


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    return loaded


def manifest_urls(node: Any = None) -> list[str]:
    """Every address the manifest gives Slack (comments aside)."""
    node = manifest() if node is None else node
    if isinstance(node, dict):
        return [url for value in node.values() for url in manifest_urls(value)]
    if isinstance(node, list):
        return [url for value in node for url in manifest_urls(value)]
    return [node] if isinstance(node, str) and node.startswith("https://") else []


def url_check(challenge: str) -> tuple[str, str]:
    """What Slack posts to a request URL when a manifest naming it is saved."""
    body = {"token": "legacy", "challenge": challenge, "type": "url_verification"}
    return json.dumps(body), rq.JSON


async def test_step_2_the_server_runs_on_the_signing_secret_alone(
    settings: Settings, services: Services, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    only_secret = replace(
        settings, slack=SlackSettings(signing_secret=rq.SECRET, api_url=fake.api_url)
    )
    with caplog.at_level(logging.WARNING, logger="handlers.slack.mount"):
        app = create_app(only_secret, services)
    assert "Slack is not installed yet" in caplog.text

    async with TestClient(TestServer(app, host="127.0.0.1")) as http:
        bot = Bot(http, fake, services)
        # Step 3's URL check, answered before the install.
        answer = await bot.ok(url_check("3pR2jL"))
        assert await answer.json() == {"challenge": "3pR2jL"}
        # Slack's certificate check of the slash command URL.
        assert (await bot.send(("ssl_check=1&token=legacy", rq.FORM), signed=False)).status == 200
        # A forged check is still refused, and a command is told the app is not installed.
        assert (await bot.send(url_check("forged"), signed=False)).status == 401
        told = await bot.ok(rq.command("help"))
        assert await told.json() == {"response_type": "ephemeral", "text": NOT_INSTALLED}
        event = rq.event(
            {
                "type": "app_mention",
                "user": "U1",
                "text": "<@UBOT> help",
                "channel": "C1",
                "ts": "1.1",
            },
            "Ev1",
        )
        assert (await bot.ok(event)).status == 200
    assert fake.calls == []  # nothing to call Slack with yet


def test_step_3_the_manifest_names_the_apps_routes_its_scopes_and_a_readable_messages_tab() -> None:
    app = manifest()
    assert app["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)  # what the doctor checks
    home = app["features"]["app_home"]
    # Private replies fall back to a direct message: people must be able to read it.
    assert home["messages_tab_enabled"] is True and home["messages_tab_read_only_enabled"] is True
    assert app["settings"]["socket_mode_enabled"] is False  # HTTP unless the docs' step says so
    paths = {url.removeprefix(PLACEHOLDER) for url in manifest_urls()}
    assert paths == {"/slack/events", "/slack/oauth_redirect"}


async def test_step_3_pasting_the_manifest_passes_slacks_url_check_at_every_request_url(
    settings: Settings, services: Services, fake: FakeSlack
) -> None:
    only_secret = replace(
        settings, slack=SlackSettings(signing_secret=rq.SECRET, api_url=fake.api_url)
    )
    app = create_app(only_secret, services)
    async with TestClient(TestServer(app, host="127.0.0.1")) as http:
        events = manifest()["settings"]["event_subscriptions"]["request_url"]
        interactivity = manifest()["settings"]["interactivity"]["request_url"]
        [command] = manifest()["features"]["slash_commands"]
        for url in (events, interactivity, command["url"]):
            body, content_type = url_check("c" + str(len(url)))
            path = url.removeprefix(PLACEHOLDER)
            headers = {"Content-Type": content_type, **rq.sign(body)}
            answer = await http.post(path, data=body.encode(), headers=headers)
            assert answer.status == 200 and (await answer.json())["challenge"] == "c" + str(
                len(url)
            )


async def test_step_4_and_5_installed_the_bot_answers_and_the_doctor_passes_slack(
    settings: Settings, services: Services, fake: FakeSlack
) -> None:
    installed = slack_settings(settings, fake)  # the signing secret and the xoxb- token
    app = create_app(installed, services)
    async with TestClient(TestServer(app, host="127.0.0.1")) as http:
        bot = Bot(http, fake, services)
        assert (await (await bot.ok(url_check("again"))).json())["challenge"] == "again"
        await bot.ok(rq.command("help"))
        await bot.settle()
        [told] = fake.of("chat.postEphemeral")
        assert told["user"] == "UORG" and "themes" in told["text"]  # the command's default user

    out = io.StringIO()
    await doctor.run(installed, out)
    [slack] = [line for line in out.getvalue().splitlines() if "slack" in line]
    assert slack.startswith("ok   slack token: bot UBOT in workspace T1")


async def test_oauth_distribution_serves_the_url_check_and_the_install_page_without_a_token(
    settings: Settings, services: Services, fake: FakeSlack
) -> None:
    slack = SlackSettings(
        signing_secret=rq.SECRET, api_url=fake.api_url, client_id="111.222", client_secret="shh"
    )
    app = create_app(replace(settings, slack=slack), services)
    async with TestClient(TestServer(app, host="127.0.0.1")) as http:
        bot = Bot(http, fake, services)
        assert (await (await bot.ok(url_check("oauth"))).json())["challenge"] == "oauth"
        install = await http.get("/slack/install", allow_redirects=False)
        assert install.status in (200, 302)
