"""Settings from the environment (documented in .env.example), read once at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///howcanwe.db"
DEFAULT_PORT = 3978
SLACK_API_URL = "https://slack.com/api/"
TEAMS_APP_TYPE = "MultiTenant"
PLATFORMS = ("slack", "teams", "console")


class ConfigError(ValueError):
    """A setting that cannot work; the message names the variable and what it should be."""


@dataclass(frozen=True, slots=True)
class SlackSettings:
    """Slack app credentials; Slack is served when a signing secret or app token is set."""

    signing_secret: str = ""
    bot_token: str = ""
    app_token: str = ""  # Socket Mode instead of HTTP when set
    api_url: str = SLACK_API_URL
    client_id: str = ""  # with client_secret: multi-workspace OAuth install
    client_secret: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.signing_secret or self.app_token)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SlackSettings:
        return cls(
            signing_secret=env.get("SLACK_SIGNING_SECRET", ""),
            bot_token=env.get("SLACK_BOT_TOKEN", ""),
            app_token=env.get("SLACK_APP_TOKEN", ""),
            api_url=env.get("SLACK_API_URL") or SLACK_API_URL,
            client_id=env.get("SLACK_CLIENT_ID", ""),
            client_secret=env.get("SLACK_CLIENT_SECRET", ""),
        )


@dataclass(frozen=True, slots=True)
class TeamsSettings:
    """Bot Framework credentials; with no app id the bot runs unauthenticated (local tools)."""

    app_id: str = ""
    app_password: str = ""
    app_type: str = TEAMS_APP_TYPE
    tenant_id: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TeamsSettings:
        return cls(
            app_id=env.get("MICROSOFT_APP_ID", ""),
            app_password=env.get("MICROSOFT_APP_PASSWORD", ""),
            app_type=env.get("MICROSOFT_APP_TYPE") or TEAMS_APP_TYPE,
            tenant_id=env.get("MICROSOFT_APP_TENANT_ID", ""),
        )


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "0.0.0.0"
    port: int = DEFAULT_PORT
    playbook_path: str | None = None
    organisers: frozenset[str] = frozenset()
    programme_key: str = "default"
    auto_migrate: bool | None = None  # None: only on the embedded SQLite database
    in_process_clock: bool | None = None  # None: only on the embedded SQLite database
    log_level: str = "INFO"
    log_format: str = "text"
    slack: SlackSettings = SlackSettings()
    teams: TeamsSettings = TeamsSettings()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            host=env.get("HOST") or "0.0.0.0",
            port=_port(env.get("PORT")),
            playbook_path=env.get("HOWCANWE_PLAYBOOK") or None,
            organisers=parse_organisers(env.get("HOWCANWE_ORGANISERS", "")),
            programme_key=env.get("HOWCANWE_PROGRAMME") or "default",
            auto_migrate=_flag(env, "HOWCANWE_AUTO_MIGRATE"),
            in_process_clock=_flag(env, "HOWCANWE_IN_PROCESS_CLOCK"),
            log_level=(env.get("HOWCANWE_LOG_LEVEL") or "INFO").upper(),
            log_format=_choice(env, "HOWCANWE_LOG_FORMAT", ("text", "json"), "text"),
            slack=SlackSettings.from_env(env),
            teams=TeamsSettings.from_env(env),
        )


def parse_organisers(text: str) -> frozenset[str]:
    """`slack:U123,teams:29:1abc,console:alice` → the set of `platform:user_id` keys."""
    keys = set()
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        platform, colon, user_id = item.partition(":")
        if not colon or platform not in PLATFORMS or not user_id:
            raise ConfigError(
                f"HOWCANWE_ORGANISERS: {item!r} should be platform:user_id with platform one of "
                f"{', '.join(PLATFORMS)} (e.g. slack:U123ABC)"
            )
        keys.add(item)
    return frozenset(keys)


def _port(text: str | None) -> int:
    if not text:
        return DEFAULT_PORT
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ConfigError(f"PORT: {text!r} is not a port number (1-65535)")
    return int(text)


def _flag(env: Mapping[str, str], name: str) -> bool | None:
    text = (env.get(name) or "").strip().lower()
    if not text or text == "auto":
        return None
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}: {text!r} should be true, false or auto")


def _choice(env: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    text = (env.get(name) or default).strip().lower()
    if text not in allowed:
        raise ConfigError(f"{name}: {text!r} should be one of {', '.join(allowed)}")
    return text
