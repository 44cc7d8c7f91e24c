"""`POST /api/messages`, the Bot Framework endpoint, and the Teams wiring the composition root
calls: `mount` (the route and the notifier on the web app) and `outbound` (the notifier alone).

With MICROSOFT_APP_ID set every request's token is validated (a refused one gets 401); without it
only local tools on this machine (Bot Framework Emulator, Agents Playground) get in, and the bot
answers them only at localhost, unless HOWCANWE_TEAMS_ALLOW_UNAUTHENTICATED opens it (`auth.Gate`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from botbuilder.core import serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity

from bot.config import Settings
from bot.core.engine import Engine
from bot.notifiers import NOTIFIERS
from handlers.teams.auth import Access, AuthUnavailable, Gate, StrictAuthentication
from handlers.teams.listeners import WorkshopBot
from handlers.teams.notifier import TeamsNotifier
from handlers.teams.origin import PLATFORM

log = logging.getLogger(__name__)

ROUTE = "/api/messages"
SHUTDOWN_GRACE = 10.0  # seconds to finish sending replies when the server stops
NOT_LOCAL = "Without MICROSOFT_APP_ID this bot only takes activities from tools on its own machine."
FOREIGN_SERVICE = "The bot does not send to that serviceUrl (see docs/teams.md)."
LOCAL_ONLY = (
    "MICROSOFT_APP_ID is not set: /api/messages only takes activities from tools on this "
    "machine (Bot Framework Emulator, Agents Playground) and answers them at localhost; set it "
    "to serve Teams"
)
OPEN_TO_ANYONE = (
    "MICROSOFT_APP_ID is not set and HOWCANWE_TEAMS_ALLOW_UNAUTHENTICATED is on: anyone who can "
    "reach /api/messages can act in the workshop and make the bot call any address; for "
    "development only"
)


class TeamsEdge:
    """One per process: botbuilder's adapter and our bot, behind a strict HTTP front."""

    def __init__(self, settings: Settings, engine: Callable[[], Engine]) -> None:
        self.gate = Gate.of(settings.teams)
        self.authentication = StrictAuthentication(settings.teams)
        self.adapter = CloudAdapter(self.authentication)
        # No on_turn_error: a failed turn raises out of process_activity, so that Teams hears
        # 503 and may send the activity again; its claim was released (handlers.turns), so a
        # re-send is handled then. The core answers its own failures with a friendly reply.
        self.bot = WorkshopBot(engine, settings.programme_key, self.authentication.connectors)
        self.notifier = TeamsNotifier(self.adapter, self.bot, settings.teams.app_id, self.gate)

    async def messages(self, request: web.Request) -> web.Response:
        refusal = self.gate.refusal(request.remote, request.host, request.headers)
        if refusal is not None:
            return _refused(request, refusal, NOT_LOCAL)
        if request.content_type != "application/json":
            return _problem(415, "Expected a Bot Framework activity as application/json.")
        try:
            body: Any = await request.json()
        except ValueError:
            return _problem(400, "The body is not valid JSON.")
        if not isinstance(body, dict) or not body.get("type"):
            return _problem(400, "The body is not a Bot Framework activity.")
        try:
            activity = Activity().deserialize(body)
        except Exception:  # msrest raises several types for ill-typed fields
            return _problem(400, "The body is not a Bot Framework activity.")
        if not _addressed(activity):
            return _problem(
                400, "The activity lacks its serviceUrl, conversation, sender or recipient."
            )
        if activity.value is not None and not isinstance(activity.value, Mapping):
            return _problem(400, "The activity's value should be an object.")
        if not self.gate.may_call(activity.service_url):
            return _refused(request, "serviceUrl not allowed", FOREIGN_SERVICE)
        try:
            invoke = await self.adapter.process_activity(
                request.headers.get("Authorization", ""), activity, self.bot.on_turn
            )
        except PermissionError:
            return _problem(401, "Unauthorized.")
        except AuthUnavailable:
            return _problem(503, "Cannot check the token just now; please retry.")
        except Exception:
            log.exception(
                "teams activity failed",
                extra={"activity_type": activity.type, "activity_id": activity.id},
            )
            return _problem(503, "The bot could not take this activity; please retry.")
        if invoke is not None:
            return web.json_response(serializer_helper(invoke.body), status=invoke.status)
        return web.Response(status=201)


def _addressed(activity: Activity) -> bool:
    """Every channel names where to answer, who spoke and to whom; without them no reply."""
    return bool(
        activity.service_url
        and activity.conversation
        and activity.conversation.id
        and activity.from_property
        and activity.from_property.id
        and activity.recipient
        and activity.recipient.id
    )


def _problem(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _refused(request: web.Request, reason: str, message: str) -> web.Response:
    """One log line, without the body: a refused request is someone else's, often a scan."""
    log.info("teams request refused", extra={"reason": reason, "peer": request.remote})
    return _problem(403, message)


TEAMS = web.AppKey("teams", TeamsEdge)


@asynccontextmanager
async def outbound(
    settings: Settings, engine: Callable[[], Engine]
) -> AsyncIterator[tuple[str, TeamsNotifier] | None]:
    """Posting only, for the clock process (digests): no route. Teams conversations are
    reached through the references stored when the bot was added to them."""
    edge = TeamsEdge(settings, engine)
    try:
        yield PLATFORM, edge.notifier
    finally:
        await edge.authentication.connectors.close()
        edge.authentication.close()


def mount(app: web.Application, settings: Settings, engine: Callable[[], Engine]) -> None:
    edge = TeamsEdge(settings, engine)
    app[TEAMS] = edge
    app[NOTIFIERS].register(PLATFORM, edge.notifier)
    app.router.add_post(ROUTE, edge.messages)
    if edge.gate.access is Access.LOCAL:
        log.info(LOCAL_ONLY)
    elif edge.gate.access is Access.OPEN:
        log.warning(OPEN_TO_ANYONE)

    async def close(_app: web.Application) -> None:
        try:
            async with asyncio.timeout(SHUTDOWN_GRACE):
                await edge.bot.deliveries.idle()
        except TimeoutError:
            log.warning("teams replies left unsent at shutdown")
        await edge.authentication.connectors.close()
        edge.authentication.close()

    app.on_cleanup.append(close)
