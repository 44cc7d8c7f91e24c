"""Settings that decide who can reach the server: safe on a laptop, explicit in a deployment."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import pytest
from dotenv import dotenv_values

from bot.cli import main
from bot.config import ConfigError, Settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_server_listens_on_this_machine_only_unless_told_otherwise() -> None:
    assert Settings().host == "127.0.0.1"
    assert Settings.from_env({}).host == "127.0.0.1"
    assert Settings.from_env({"HOST": "0.0.0.0"}).host == "0.0.0.0"


def test_the_procfiles_web_process_listens_on_every_interface() -> None:
    lines = (ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
    [web] = [line for line in lines if line.startswith("web:")]
    assert web.split() == ["web:", "HOST=0.0.0.0", "howcanwe", "serve"]


def test_teams_without_credentials_stays_closed_unless_explicitly_opened() -> None:
    assert Settings.from_env({}).teams.allow_unauthenticated is False
    for on in ("true", "1", "YES"):
        env = {"HOWCANWE_TEAMS_ALLOW_UNAUTHENTICATED": on}
        assert Settings.from_env(env).teams.allow_unauthenticated is True
    for off in ("", "false", "0", "off"):
        env = {"HOWCANWE_TEAMS_ALLOW_UNAUTHENTICATED": off}
        assert Settings.from_env(env).teams.allow_unauthenticated is False


@pytest.mark.parametrize("value", ["auto", "maybe", "please"])
def test_an_unclear_switch_stops_start_up_naming_the_variable(value: str) -> None:
    with pytest.raises(ConfigError, match="HOWCANWE_TEAMS_ALLOW_UNAUTHENTICATED"):
        Settings.from_env({"HOWCANWE_TEAMS_ALLOW_UNAUTHENTICATED": value})


def test_slack_workspaces_can_be_pooled_into_a_chosen_programme() -> None:
    env = {"HOWCANWE_SLACK_PROGRAMMES": " T0123=lab, T0456=lab ,E0789=grid,"}
    assert Settings.from_env(env).slack.programmes == {
        "T0123": "lab",
        "T0456": "lab",
        "E0789": "grid",
    }
    assert Settings.from_env({}).slack.programmes == {}
    for wrong in ("T0123", "=lab", "T0123=", "0123=lab"):
        with pytest.raises(ConfigError, match="HOWCANWE_SLACK_PROGRAMMES"):
            Settings.from_env({"HOWCANWE_SLACK_PROGRAMMES": wrong})


def example_settings() -> dict[str, str]:
    """.env.example as `howcanwe` reads it when copied to .env unchanged."""
    return {k: v or "" for k, v in dotenv_values(ROOT / ".env.example").items()}


def test_env_example_copied_as_it_is_makes_nobody_an_organiser() -> None:
    settings = Settings.from_env(example_settings())
    assert settings.organisers == frozenset()
    assert settings.log_level == "INFO" and settings.clock_metrics_port == 9464


def test_every_variable_read_is_documented_in_env_example_and_every_one_documented_is_read() -> (
    None
):
    read = set(
        re.findall(
            r'"((?:HOWCANWE|SLACK|MICROSOFT)_[A-Z_]+|DATABASE_URL|HOST|PORT)"',
            (ROOT / "bot" / "config.py").read_text(),
        )
    )
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#? ?([A-Z][A-Z_]+)=", example, re.MULTILINE))
    assert read == documented - {"HOWCANWE_TEST_POSTGRES_URL"}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HOWCANWE_LOG_LEVEL", "LOUD"),
        ("HOST", "http://0.0.0.0"),
        ("HOST", "0.0.0.0:3978"),
        ("PORT", "http"),
        ("HOWCANWE_CLOCK_METRICS_PORT", "70000"),
        ("MICROSOFT_APP_TYPE", "Multi"),
        ("SLACK_BOT_TOKEN", "xapp-1-not-a-bot-token"),
        ("SLACK_APP_TOKEN", "xoxb-not-an-app-token"),
        ("SLACK_API_URL", "slack.com/api"),
        ("MICROSOFT_LOGIN_URL", "login"),
        ("HOWCANWE_PRIVACY_URL", "http://example.org/privacy"),
        ("HOWCANWE_SUGGESTER", "gpt"),
    ],
)
def test_a_setting_that_cannot_work_stops_start_up_in_one_line_naming_it(
    name: str,
    value: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(ConfigError, match=f"^{name}: "):
        Settings.from_env({name: value})
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv(name, value)

    assert main(["export"]) == 2

    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"howcanwe: configuration error: {name}: ")


def test_a_single_tenant_bot_needs_its_tenant() -> None:
    with pytest.raises(ConfigError, match=r"^MICROSOFT_APP_TENANT_ID: required"):
        Settings.from_env({"MICROSOFT_APP_TYPE": "SingleTenant"})
    env = {"MICROSOFT_APP_TYPE": "SingleTenant", "MICROSOFT_APP_TENANT_ID": "contoso"}
    assert Settings.from_env(env).teams.tenant_id == "contoso"


def test_log_levels_are_read_in_any_case() -> None:
    assert Settings.from_env({"HOWCANWE_LOG_LEVEL": "debug"}).log_level == "DEBUG"


def test_version_is_the_installed_packages(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"howcanwe {version('howcanwe')}\n"
