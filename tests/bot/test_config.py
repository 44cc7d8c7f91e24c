"""Settings that decide who can reach the server: safe on a laptop, explicit in a deployment."""

from __future__ import annotations

from pathlib import Path

import pytest

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
