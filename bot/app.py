"""The composition root: builds the core on real storage and serves it on one aiohttp app."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

from bot import scheduler
from bot.config import Settings
from bot.core.engine import Engine
from bot.core.ports import Notifier
from bot.core.usecases import rewordings, suggesting
from bot.notifiers import NOTIFIERS, Notifiers
from bot.services import Services, clock_in_web, open_services
from handlers.slack import mount as slack
from handlers.teams import mount as teams
from handlers.web import health, metrics, pages

log = logging.getLogger(__name__)

ANNOUNCING_GRACE = 10.0  # seconds a stopping server gives brought-back sheets' card rewrites
SETTINGS = web.AppKey("settings", Settings)
SERVICES = web.AppKey("services", Services)


def create_app(settings: Settings, services: Services | None = None) -> web.Application:
    """One app serves every route; it opens its own services unless given open ones (tests)."""
    app = web.Application(middlewares=[metrics.count_acks])
    app[SETTINGS] = settings
    app[NOTIFIERS] = Notifiers()  # each edge registers its own as it mounts

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if services is None:
                opened = await stack.enter_async_context(open_services(settings))
            else:
                opened = services
            app[SERVICES] = opened
            opened.engine.workshop.notifier = app[NOTIFIERS]
            if clock_in_web(settings):
                await stack.enter_async_context(
                    scheduler.running(opened.engine.workshop, opened.repo.record_tick)
                )
            # What follows loads models and reads the programme, in the background: the
            # server answers meanwhile (suggestions use the playbook's model until then).
            filling = asyncio.create_task(  # by meaning, after what serving needs first
                rewordings.warm(opened.engine.workshop, settings.programme_key)
            )
            stack.callback(filling.cancel)
            training = asyncio.create_task(
                suggesting.warm(opened.engine.workshop, settings.programme_key)
            )
            stack.callback(training.cancel)
            stack.callback(suggesting.stop, opened.engine.workshop)
            stack.push_async_callback(opened.engine.announced, ANNOUNCING_GRACE)
            yield

    app.cleanup_ctx.append(lifecycle)
    health.register(app, lambda: app[SERVICES].repo.ping())
    engine = _EngineGetter(app)
    pages.register(app, settings, engine)
    metrics.register(app, settings.web.dashboard_token)
    for edge in EDGES:
        edge.mount(app, settings, engine)
    return app


YOUNG_GENERATION = 10_000  # allocations between two collections of the youngest objects


def tune_garbage_collector() -> None:
    """Called once the server is up; measured with `bench.slack_votes` (see docs/slack.md).

    Everything built while starting (imported modules, the playbook, prebuilt statements,
    connection pools) lives as long as the process: frozen, it is left out of full collections,
    whose pauses (90-380 ms) had set the ack p99 under a burst of clicks. A larger youngest
    generation lets a request's short-lived objects die before anything scans them; with
    Python's default of 700, collections took about a tenth of the CPU in a burst of votes."""
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])


class _EngineGetter:
    """Hands edges the core once the app has started (services open in `lifecycle`)."""

    def __init__(self, app: web.Application) -> None:
        self._app = app

    def __call__(self) -> Engine:
        return self._app[SERVICES].engine


Mount = Callable[[web.Application, Settings, Callable[[], Engine]], None]
Outbound = Callable[
    [Settings, Callable[[], Engine]], AbstractAsyncContextManager[tuple[str, Notifier] | None]
]


@dataclass(frozen=True, slots=True)
class Edge:
    """A platform: `mount` registers its routes and notifier on the web app (and any start-up
    work, after the services open); `outbound` opens its notifier alone, for the clock process."""

    mount: Mount
    outbound: Outbound


# A new platform adds one line here and a package under handlers/.
EDGES: tuple[Edge, ...] = (
    Edge(slack.mount, slack.outbound),
    Edge(teams.mount, teams.outbound),
)


@asynccontextmanager
async def outbound_notifiers(
    settings: Settings, engine: Callable[[], Engine]
) -> AsyncIterator[Notifiers]:
    """Every configured platform's notifier without serving any route: the clock process
    posts digests through these."""
    notifiers = Notifiers()
    async with AsyncExitStack() as stack:
        for edge in EDGES:
            opened = await stack.enter_async_context(edge.outbound(settings, engine))
            if opened is not None:
                notifiers.register(*opened)
        yield notifiers
