"""docs/teams.md's set-up, step by step, against the fakes: the Azure Bot's id and password in the
documented variables, `howcanwe doctor` getting the bot a token from the (fake) token endpoint,
the app package built from them, and the bot added to a team answering with its own token."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from botframework.connector.auth import ChannelValidation, MicrosoftAppCredentials

from bot import doctor
from bot.app import create_app
from bot.config import Settings
from bot.services import Services
from handlers.teams import package
from handlers.teams.mount import TEAMS
from tests.handlers.teams import teams_activities as ta
from tests.handlers.teams.fake_connector import FakeConnector
from tests.handlers.teams.keys import Issuer, new_key, serving

ROOT = Path(__file__).resolve().parents[3]
APP_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"
PASSWORD = "azure-client-secret"


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    with serving(new_key()) as running:
        yield running


def documented_variables() -> set[str]:
    """The variables docs/teams.md's Configure table names."""
    text = (ROOT / "docs" / "teams.md").read_text(encoding="utf-8")
    table = text[text.index("## 2. Configure") : text.index("## 3.")]
    first_cells = re.findall(r"^\| ([^|]+) \|", table, re.MULTILINE)
    return {name for cell in first_cells for name in re.findall(r"`([A-Z_]+)`", cell)}


def step_2_environment(connector: FakeConnector) -> dict[str, str]:
    return {
        "MICROSOFT_APP_ID": APP_ID,
        "MICROSOFT_APP_PASSWORD": PASSWORD,
        "MICROSOFT_APP_TYPE": "MultiTenant",
        "HOWCANWE_PRIVACY_URL": "https://lab.example.org/privacy",
        "HOWCANWE_TERMS_URL": "https://lab.example.org/terms",
        "MICROSOFT_LOGIN_URL": connector.login_url,  # Microsoft's token endpoint, faked
    }


def test_step_2_documents_every_teams_variable_the_settings_read() -> None:
    config = (ROOT / "bot" / "config.py").read_text(encoding="utf-8")
    read = set(
        re.findall(r'"(MICROSOFT_[A-Z_]+|HOWCANWE_(?:TEAMS|APP|PRIVACY|TERMS)[A-Z_]*)"', config)
    )
    assert read - {"MICROSOFT_LOGIN_URL"} <= documented_variables()


async def test_each_step_from_the_azure_registration_to_the_bot_added_to_a_team(
    settings: Settings,
    services: Services,
    connector: FakeConnector,
    issuer: Issuer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    connector.apps[APP_ID] = PASSWORD  # step 1: the Azure Bot's app id and client secret
    env = step_2_environment(connector)
    configured = replace(settings, teams=Settings.from_env(env).teams)

    # The check before going live: Microsoft issues the bot a token for that id and secret.
    out = io.StringIO()
    await doctor.run(configured, out)
    [teams] = [line for line in out.getvalue().splitlines() if "teams" in line]
    assert teams == f"ok   teams token: the Bot Framework issues app {APP_ID} a token"

    # Step 3: the package to upload carries the bot's id, the menu and the organiser's pages.
    with zipfile.ZipFile(io.BytesIO(package.build(APP_ID, "0.1.0", configured.teams.listing))) as z:
        manifest = json.loads(z.read("manifest.json"))
    assert manifest["bots"][0]["botId"] == APP_ID
    assert manifest["developer"]["privacyUrl"] == env["HOWCANWE_PRIVACY_URL"]

    # Step 4: added to a team, the bot is called with a token the channel signed, checks it,
    # and welcomes the team with its own token.
    monkeypatch.setattr(ChannelValidation, "open_id_metadata_endpoint", issuer.metadata_url)
    monkeypatch.setattr(
        MicrosoftAppCredentials, "get_access_token", lambda _self, force_refresh=False: "bot-token"
    )
    app = create_app(configured, services)
    async with TestClient(TestServer(app, host="127.0.0.1")) as http:
        headers = {"Authorization": f"Bearer {issuer.token(APP_ID, connector.service_url)}"}
        added = await http.post(
            "/api/messages", json=ta.bot_added(connector.service_url), headers=headers
        )
        assert added.status == 201
        refused = await http.post("/api/messages", json=ta.bot_added(connector.service_url))
        assert refused.status == 401
        await http.app[TEAMS].bot.deliveries.idle()

    [welcome] = [c for c in connector.calls if c.method in ("post", "reply")]
    assert welcome.authorization == "Bearer bot-token"
    assert "howcanwe" in welcome.text
