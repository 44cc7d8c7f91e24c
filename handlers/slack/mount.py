"""The Slack wiring the composition root calls: `mount` puts a bolt AsyncApp on the one aiohttp
app at POST /slack/events (or connects it by Socket Mode when SLACK_APP_TOKEN is set), with its
notifier; `outbound` opens the notifier alone."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import ConfigError, Settings, SlackSettings
from bot.core.engine import Engine
from bot.core.ports import Notifier
from bot.notifiers import NOTIFIERS
from handlers.slack import inbound, listeners, oauth, webapi
from handlers.slack.flows import SlackEdge
from handlers.slack.installs import Installs
from handlers.slack.notifier import SlackNotifier
from handlers.slack.oauth import Handler
from handlers.slack.origin import PLATFORM
from handlers.slack.webapi import web_client
from storage.database import create_engine

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
SLACK = web.AppKey("slack", SlackEdge)
DRAIN_SECONDS = 10.0
NOT_INSTALLED = (
    "howcanwe is not installed in this workspace yet: whoever runs it installs the app "
    "(OAuth & Permissions → Install to Workspace) and sets SLACK_BOT_TOKEN."
)


def mount(app: web.Application, settings: Settings, engine: Callable[[], Engine]) -> None:
    """Serve Slack when it is configured; a no-op otherwise."""
    if not settings.slack.enabled:
        log.info("Slack is off: set SLACK_SIGNING_SECRET or SLACK_APP_TOKEN to serve it")
        return
    if awaiting_install(settings.slack):
        log.warning(
            "Slack is not installed yet: only Slack's URL check is answered until "
            "SLACK_BOT_TOKEN is set (docs/slack.md)"
        )
        app.router.add_post(EVENTS_PATH, _awaiting(settings.slack.signing_secret))
        return
    edge, db = _edge(settings, engine)
    listeners.register(edge.bolt, edge)
    app[SLACK] = edge
    app[NOTIFIERS].register(PLATFORM, SlackNotifier(edge))
    if settings.slack.signing_secret:
        app.router.add_post(EVENTS_PATH, _events(edge, settings.slack.signing_secret))
    if edge.bolt.oauth_flow is not None:
        oauth.register(app, edge.bolt.oauth_flow)
    app.cleanup_ctx.append(_lifecycle(edge, db))


@asynccontextmanager
async def outbound(
    settings: Settings, engine: Callable[[], Engine]
) -> AsyncIterator[tuple[str, Notifier] | None]:
    """Posting only, for the clock process (digests): no routes, no listeners, no socket."""
    if not settings.slack.enabled or awaiting_install(settings.slack):
        yield None
        return
    edge, db = _edge(settings, engine)
    async with webapi.session() as session:
        edge.bolt.client.session = session
        try:
            yield PLATFORM, SlackNotifier(edge)
        finally:
            if db is not None:
                await db.dispose()


def awaiting_install(slack: SlackSettings) -> bool:
    """A signing secret and nothing to act with yet: the set-up step where Slack checks the
    request URL (when the manifest is saved) before the app is installed and has a token."""
    multi_workspace = bool(slack.client_id and slack.client_secret)
    return bool(slack.signing_secret) and not (
        slack.bot_token or slack.app_token or multi_workspace
    )


def _awaiting(secret: str) -> Handler:
    async def events(request: web.Request) -> web.Response:
        """Slack's URL check is answered; a slash command is told the app is not installed."""
        checked = await _checked(secret, request)
        if isinstance(checked, web.Response):
            return checked
        if checked.get("type") == "url_verification":
            return web.json_response({"challenge": checked.get("challenge", "")})
        if "command" in checked:
            return web.json_response({"response_type": "ephemeral", "text": NOT_INSTALLED})
        return web.Response(text="")

    return events


async def _checked(secret: str, request: web.Request) -> dict[str, Any] | web.Response:
    """The signed body as an object, or the answer to a request that is not one: an empty 200
    for Slack's certificate check, a 401 or 400 (logged without the body) for the rest."""
    raw = await request.read()
    if inbound.is_ssl_check(raw, request.content_type):
        return web.Response(text="")
    try:
        inbound.verify(secret, raw, request.headers)
        return inbound.payload(raw, request.content_type)
    except inbound.Refused as refused:
        # Anyone can send junk: unsigned requests are only worth a line when debugging.
        level = logging.DEBUG if refused.status == 401 else logging.WARNING
        log.log(level, "slack request refused", extra={"reason": refused.reason})
        return web.json_response({"error": refused.message}, status=refused.status)


def _edge(settings: Settings, engine: Callable[[], Engine]) -> tuple[SlackEdge, AsyncEngine | None]:
    slack = settings.slack
    multi_workspace = bool(slack.client_id and slack.client_secret)
    if not slack.bot_token and not multi_workspace:
        raise ConfigError(
            "SLACK_BOT_TOKEN: set it to the app's xoxb- bot token "
            "(or set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to install through /slack/install)"
        )
    # The OAuth stores get their own small engine on the project's database.
    db = create_engine(settings.database_url) if multi_workspace else None
    store = oauth.installation_store(slack, db) if db else None
    bolt = AsyncApp(
        client=web_client(slack, None if db else slack.bot_token),
        signing_secret=slack.signing_secret,
        oauth_settings=oauth.settings(slack, db, store, engine) if db and store else None,
        # Listeners ack once what the request changes is committed, then start the replies
        # as background work (tracked, so tests and shutdown can wait for it).
        process_before_response=True,
        # The route checks the signature before bolt parses anything (handlers/slack/inbound),
        # and hands bolt the checked body as an object, which has no signature to check.
        request_verification_enabled=False,
    )
    installs = Installs(store) if store else None
    return SlackEdge(slack, settings.programme_key, engine, bolt, installs), db


def _events(edge: SlackEdge, secret: str) -> Handler:
    async def events(request: web.Request) -> web.Response:
        """The signature and the body's shape are checked here (a 401 or 400 otherwise, logged
        without the body); bolt routes what passes."""
        body = await _checked(secret, request)
        if isinstance(body, web.Response):
            return body
        # Bolt takes an object it need not parse again only in its "socket_mode" (which changes
        # nothing else once its own signature check is off): parsing a click twice cost a
        # quarter of the event loop in a burst.
        bolt_request = AsyncBoltRequest(
            body=body,
            query=request.query_string,
            headers=dict(request.headers),
            mode="socket_mode",
        )
        response = await edge.bolt.async_dispatch(bolt_request)
        if response.status >= 500:
            # A listener failed on a payload that passed the checks; bolt has logged why.
            return web.json_response(
                {"error": "This Slack request could not be handled."}, status=400
            )
        return await to_aiohttp_response(response)

    return events


def _lifecycle(
    edge: SlackEdge, db: AsyncEngine | None
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        # One connection pool for every Web API call (slack_sdk opens one per call otherwise).
        session = webapi.session()
        edge.bolt.client.session = session
        socket = None
        if edge.settings.app_token:
            socket = AsyncSocketModeHandler(edge.bolt, edge.settings.app_token)
            # slack_bolt leaves its socket-mode handler's methods unannotated.
            await socket.connect_async()  # type: ignore[no-untyped-call]
            log.info("slack socket mode connected")
        yield
        if socket is not None:
            await socket.close_async()  # type: ignore[no-untyped-call]
        # Work acked but not finished (a vote being stored) is finished before the core closes.
        try:
            await asyncio.wait_for(edge.tasks.idle(), DRAIN_SECONDS)
        except TimeoutError:
            log.warning("slack work still running at shutdown was abandoned")
        await session.close()
        if db is not None:
            await db.dispose()

    return lifecycle
