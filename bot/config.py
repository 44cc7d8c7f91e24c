"""Settings from the environment (documented in .env.example), read once at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from bot.core import nudges, organisers
from bot.core.links import Links

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///howcanwe.db"
DEFAULT_PORT = 3978
DEFAULT_HOST = "127.0.0.1"  # this machine only; a deployment sets HOST=0.0.0.0 (see the Procfile)
SLACK_API_URL = "https://slack.com/api/"
TEAMS_APP_TYPE = "MultiTenant"
LOGIN_URL = "https://login.microsoftonline.com/"
DEFAULT_LINK_DAYS = 30
DEFAULT_DB_WAIT_SECONDS = 30.0  # serve and clock; one-shot commands do not wait
MIN_DASHBOARD_TOKEN = 16
SUGGESTERS = ("meaning", "words")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
TEAMS_APP_TYPES = ("MultiTenant", "SingleTenant", "UserAssignedMSI")
DEFAULT_APP_NAME = "howcanwe"
DEFAULT_APP_DESCRIPTION = "Collect, vote on and assign ideas in a participatory policy workshop."
DEFAULT_CLOCK_METRICS_PORT = 9464  # Prometheus's conventional range; 0 turns it off
DEFAULT_QUIET_HOURS = "21:00-08:00"  # nudges wait for the morning


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
    # OAuth mode: workspaces (or Enterprise Grid organisations) pooled into a chosen programme,
    # by team or enterprise id; any other has its own, `slack-<id>`.
    programmes: Mapping[str, str] = field(default_factory=dict)

    @property
    def enabled(self) -> bool:
        return bool(self.signing_secret or self.app_token)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SlackSettings:
        return cls(
            signing_secret=env.get("SLACK_SIGNING_SECRET", ""),
            bot_token=_token(env, "SLACK_BOT_TOKEN", "xoxb-", "the Bot User OAuth Token"),
            app_token=_token(env, "SLACK_APP_TOKEN", "xapp-", "an app-level token"),
            api_url=_http_url(env, "SLACK_API_URL") or SLACK_API_URL,
            client_id=env.get("SLACK_CLIENT_ID", ""),
            client_secret=env.get("SLACK_CLIENT_SECRET", ""),
            programmes=_slack_programmes(env.get("HOWCANWE_SLACK_PROGRAMMES", "")),
        )


def _slack_programmes(text: str) -> dict[str, str]:
    """`T0123=lab,T0456=lab,E0789=grid`: which programme each workspace or organisation joins."""
    pooled: dict[str, str] = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        owner, _, key = (piece.strip() for piece in entry.partition("="))
        if not owner or not key or not owner[:1].isalpha():
            raise ConfigError(
                f"HOWCANWE_SLACK_PROGRAMMES: {entry!r} should read TEAM_ID=programme-key "
                "(e.g. T0123ABCD=lab), entries separated by commas"
            )
        pooled[owner] = key
    return pooled


def _token(env: Mapping[str, str], name: str, prefix: str, what: str) -> str:
    token = env.get(name, "").strip()
    if token and not token.startswith(prefix):
        raise ConfigError(f"{name}: should be {what}, which starts with {prefix}")
    return token


@dataclass(frozen=True, slots=True)
class Listing:
    """How the app presents itself in the Teams app store page: its name, what it does, and the
    organiser's own privacy notice and terms (Teams requires both addresses)."""

    name: str = DEFAULT_APP_NAME
    description: str = DEFAULT_APP_DESCRIPTION
    privacy_url: str = ""
    terms_url: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Listing:
        name = (env.get("HOWCANWE_APP_NAME") or DEFAULT_APP_NAME).strip()
        if len(name) > 30:
            raise ConfigError(f"HOWCANWE_APP_NAME: {name!r} is longer than Teams' 30 characters")
        description = (env.get("HOWCANWE_APP_DESCRIPTION") or DEFAULT_APP_DESCRIPTION).strip()
        if len(description) > 80:
            raise ConfigError("HOWCANWE_APP_DESCRIPTION: longer than the 80 characters Teams shows")
        return cls(
            name=name,
            description=description,
            privacy_url=_https_url(env, "HOWCANWE_PRIVACY_URL"),
            terms_url=_https_url(env, "HOWCANWE_TERMS_URL"),
        )


@dataclass(frozen=True, slots=True)
class TeamsSettings:
    """Bot Framework credentials. With no app id the bot cannot check who is calling, so it
    serves only local tools on this machine, unless `allow_unauthenticated` opens it to anyone
    (a development switch)."""

    app_id: str = ""
    app_password: str = ""
    app_type: str = TEAMS_APP_TYPE
    tenant_id: str = ""
    allow_unauthenticated: bool = False
    listing: Listing = Listing()
    # Where `howcanwe doctor` asks for the bot's token (tests point it at a fake).
    login_url: str = LOGIN_URL

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TeamsSettings:
        app_type = (env.get("MICROSOFT_APP_TYPE") or TEAMS_APP_TYPE).strip()
        if app_type not in TEAMS_APP_TYPES:
            raise ConfigError(
                f"MICROSOFT_APP_TYPE: {app_type!r} should be one of {', '.join(TEAMS_APP_TYPES)}"
            )
        tenant_id = env.get("MICROSOFT_APP_TENANT_ID", "").strip()
        if app_type == "SingleTenant" and not tenant_id:
            raise ConfigError(
                "MICROSOFT_APP_TENANT_ID: required when MICROSOFT_APP_TYPE is SingleTenant"
            )
        return cls(
            app_id=env.get("MICROSOFT_APP_ID", "").strip(),
            app_password=env.get("MICROSOFT_APP_PASSWORD", ""),
            app_type=app_type,
            tenant_id=tenant_id,
            allow_unauthenticated=_switch(env, "HOWCANWE_TEAMS_ALLOW_UNAUTHENTICATED"),
            listing=Listing.from_env(env),
            login_url=_http_url(env, "MICROSOFT_LOGIN_URL") or LOGIN_URL,
        )


@dataclass(frozen=True, slots=True)
class WebSettings:
    """The read-only web view: who may see it, and the links the bot hands out to it."""

    public_url: str = ""  # where people reach the bot, e.g. https://howcanwe.example.org
    dashboard_token: str = field(default="", repr=False)  # opens the pages; signs links
    link_days: int = DEFAULT_LINK_DAYS

    def signer(self) -> Links | None:
        """Signs and checks link tokens: needs the token only (pages mint and check them)."""
        if not self.dashboard_token:
            return None
        return Links(self.public_url, self.dashboard_token, timedelta(days=self.link_days))

    def links(self) -> Links | None:
        """Links to hand out in chat: only when people can also reach them (a public URL)."""
        return self.signer() if self.public_url else None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WebSettings:
        return cls(
            public_url=_public_url(env.get("HOWCANWE_PUBLIC_URL", "")),
            dashboard_token=_dashboard_token(env.get("HOWCANWE_DASHBOARD_TOKEN", "")),
            link_days=_link_days(env.get("HOWCANWE_LINK_DAYS")),
        )


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    playbook_path: str | None = None
    organisers: frozenset[str] = frozenset()  # HOWCANWE_ORGANISERS entries, each checked
    programme_key: str = "default"
    auto_migrate: bool | None = None  # None: only on the embedded SQLite database
    in_process_clock: bool | None = None  # None: only on the embedded SQLite database
    log_level: str = "INFO"
    log_format: str = "text"
    db_wait_seconds: float | None = None  # None: the command's own default (the CLI decides)
    clock_metrics_port: int = DEFAULT_CLOCK_METRICS_PORT  # 0: the clock serves no metrics
    quiet_hours: str = DEFAULT_QUIET_HOURS  # no nudges then, in the playbook's time zone
    # HOWCANWE_SUGGESTER: "meaning" (wordllama, and duplicates by meaning too when
    # all-MiniLM-L6-v2 is installed; the environment's default) or "words" (the core's naive
    # Bayes and duplicates by words only; settings built in code, as tests do, keep it unless
    # they say so).
    suggester: str = "words"
    slack: SlackSettings = SlackSettings()
    teams: TeamsSettings = TeamsSettings()
    web: WebSettings = WebSettings()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            host=_host(env.get("HOST") or DEFAULT_HOST),
            port=_port(env.get("PORT"), "PORT", DEFAULT_PORT),
            playbook_path=env.get("HOWCANWE_PLAYBOOK") or None,
            organisers=parse_organisers(env.get("HOWCANWE_ORGANISERS", "")),
            programme_key=env.get("HOWCANWE_PROGRAMME") or "default",
            auto_migrate=_flag(env, "HOWCANWE_AUTO_MIGRATE"),
            in_process_clock=_flag(env, "HOWCANWE_IN_PROCESS_CLOCK"),
            log_level=_choice(env, "HOWCANWE_LOG_LEVEL", LOG_LEVELS, "INFO", upper=True),
            log_format=_choice(env, "HOWCANWE_LOG_FORMAT", ("text", "json"), "text"),
            suggester=_choice(env, "HOWCANWE_SUGGESTER", SUGGESTERS, "meaning"),
            db_wait_seconds=_wait_seconds(env.get("HOWCANWE_DB_WAIT_SECONDS")),
            clock_metrics_port=_port(
                env.get("HOWCANWE_CLOCK_METRICS_PORT"),
                "HOWCANWE_CLOCK_METRICS_PORT",
                DEFAULT_CLOCK_METRICS_PORT,
                allow_off=True,
            ),
            quiet_hours=_quiet_hours(env.get("HOWCANWE_QUIET_HOURS", DEFAULT_QUIET_HOURS)),
            slack=SlackSettings.from_env(env),
            teams=TeamsSettings.from_env(env),
            web=WebSettings.from_env(env),
        )


def _quiet_hours(text: str) -> str:
    """`21:00-08:00`, or empty for none; checked now, read in the playbook's zone later."""
    try:
        nudges.quiet_hours(text, "UTC")
    except ValueError as exc:
        raise ConfigError(f"HOWCANWE_QUIET_HOURS: {exc}") from exc
    return text.strip()


def parse_organisers(text: str) -> frozenset[str]:
    """`slack:U123,slack:T9:U456,*/teams:29:1abc,lis-lab/console:alice` → the set of entries,
    each checked (bot.core.organisers says what each form means)."""
    entries = set()
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            organisers.entry(item)
        except organisers.BadEntry as exc:
            raise ConfigError(f"HOWCANWE_ORGANISERS: {exc}") from exc
        entries.add(item)
    return frozenset(entries)


def _port(text: str | None, name: str, default: int, allow_off: bool = False) -> int:
    if not text or not text.strip():
        return default
    text = text.strip()
    lowest = 0 if allow_off else 1
    if not text.isdigit() or not lowest <= int(text) < 65536:
        off = " or 0 for none" if allow_off else ""
        raise ConfigError(f"{name}: {text!r} is not a port number (1-65535{off})")
    return int(text)


def _host(text: str) -> str:
    """An interface name or address to listen on: no scheme, port or path."""
    host = text.strip()
    if not host or any(c in host for c in "/ ") or host.count(":") == 1:
        raise ConfigError(
            f"HOST: {text!r} should be an address to listen on, e.g. 127.0.0.1 or 0.0.0.0 "
            "(the port goes in PORT)"
        )
    return host


def _http_url(env: Mapping[str, str], name: str) -> str:
    text = env.get(name, "").strip()
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{name}: {text!r} should be an http(s) address")
    return text


def _https_url(env: Mapping[str, str], name: str) -> str:
    url = _http_url(env, name)
    if url and not url.startswith("https://"):
        raise ConfigError(f"{name}: {url!r} should be an https address (Teams requires it)")
    return url


def _public_url(text: str) -> str:
    url = text.strip().rstrip("/")
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(
            f"HOWCANWE_PUBLIC_URL: {text!r} should be the http(s) address people reach the bot "
            "at, e.g. https://howcanwe.example.org"
        )
    return url


def _dashboard_token(text: str) -> str:
    token = text.strip()
    if token and len(token) < MIN_DASHBOARD_TOKEN:
        raise ConfigError(
            f"HOWCANWE_DASHBOARD_TOKEN: should be a secret of at least {MIN_DASHBOARD_TOKEN} "
            "characters (e.g. the output of `python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(32))'`)"
        )
    return token


def _link_days(text: str | None) -> int:
    if not text:
        return DEFAULT_LINK_DAYS
    if not text.strip().isdigit() or not 1 <= int(text) <= 3650:
        raise ConfigError(f"HOWCANWE_LINK_DAYS: {text!r} should be a number of days (1-3650)")
    return int(text)


def _wait_seconds(text: str | None) -> float | None:
    if not text or not text.strip():
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise ConfigError(
            f"HOWCANWE_DB_WAIT_SECONDS: {text!r} should be a number of seconds (0-3600)"
        )
    return seconds


TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


def _flag(env: Mapping[str, str], name: str) -> bool | None:
    text = (env.get(name) or "").strip().lower()
    if not text or text == "auto":
        return None
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ConfigError(f"{name}: {text!r} should be true, false or auto")


def _switch(env: Mapping[str, str], name: str) -> bool:
    """An opt-in: off unless set to true."""
    text = (env.get(name) or "").strip().lower()
    if not text or text in FALSE:
        return False
    if text in TRUE:
        return True
    raise ConfigError(f"{name}: {text!r} should be true or false")


def _choice(
    env: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str, upper: bool = False
) -> str:
    text = (env.get(name) or default).strip()
    text = text.upper() if upper else text.lower()
    if text not in allowed:
        raise ConfigError(f"{name}: {text!r} should be one of {', '.join(allowed)}")
    return text
