"""Socket Mode over a local server speaking Slack's envelopes, and which settings mount what."""

from __future__ import annotations

from dataclasses import replace

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.config import ConfigError, Settings, SlackSettings
from bot.services import Services
from handlers.slack.mount import SLACK
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.fake_slack import FakeSlack


async def test_socket_mode_acks_envelopes_and_runs_the_workshop(
    settings: Settings, services: Services, fake: FakeSlack
) -> None:
    slack = SlackSettings(app_token="xapp-test", bot_token="xoxb-test", api_url=fake.api_url)
    app = create_app(replace(settings, slack=slack), services)
    async with TestClient(TestServer(app, host="127.0.0.1")) as http:
        edge = http.app[SLACK]
        ack = await fake.push("slash_commands", rq.command_fields("prompt inclusive-growth"), "E1")
        assert ack["envelope_id"] == "E1"
        await edge.tasks.idle()
        prompt_ts = fake.last_ts()
        assert "How can we" in fake.of("chat.postMessage")[0]["text"]

        reply = rq.event_body(rq.thread_reply("Repair cafés", prompt_ts), "EvSocket")
        for envelope in ("E2", "E3"):  # the second is Slack retrying the same event
            assert (await fake.push("events_api", reply, envelope))["envelope_id"] == envelope
        await edge.tasks.idle()
        (idea,) = await services.repo.ideas("default")
        assert idea.text == "Repair cafés"
        assert fake.of("chat.postMessage")[-1]["thread_ts"] == prompt_ts

        # Without a signing secret there is no HTTP endpoint to forge requests against.
        response = await http.post("/slack/events", data=rq.command("help")[0])
        assert response.status in (404, 405)
    assert fake.of("apps.connections.open")


def test_slack_needs_a_bot_token_unless_installed_by_oauth() -> None:
    # A signing secret alone is the set-up step before the install (tests/handlers/slack/
    # test_setup.py); an app token without a bot token is not.
    slack = SlackSettings(signing_secret="s")
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        create_app(Settings(slack=replace(slack, app_token="xapp-1")))
    create_app(Settings(slack=replace(slack, client_id="1.2", client_secret="c")))
    create_app(Settings())  # Slack not configured: nothing mounted, nothing required
