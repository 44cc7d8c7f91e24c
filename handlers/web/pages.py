"""The read-only web view: the programme, the action grid and theme pages, as HTML.

Every page reads the plan through the Engine (the core's own query path, as chat and the
export take) and changes nothing. Templates are Jinja2 with autoescaping, loaded once at start-up
(off the event loop) so a request never touches the disk.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from importlib import resources
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.config import Settings
from bot.core.by_actor import by_actor
from bot.core.emerging import gather
from bot.core.engine import Engine
from handlers.web import charts, day_views, downloads, uploads, views
from handlers.web.auth import Access, Forward, Gate, Page, Refuse, guarded

log = logging.getLogger(__name__)

TEMPLATES = (
    "home.html",
    "plan.html",
    "actors.html",
    "theme.html",
    "day.html",
    "refused.html",
    "missing.html",
    "forward.html",
    "upload.html",
)
STYLESHEET = "/static/web.css"
CSS = web.AppKey("web_css", bytes)


def register(app: web.Application, settings: Settings, engine: Callable[[], Engine]) -> None:
    """Add the pages, the downloads and the stylesheet to the one app."""
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.PackageLoader("handlers.web", "templates"),
        autoescape=True,
        auto_reload=False,  # loaded once: no file checks on requests
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["live_first"] = views.live_first
    signer = settings.web.signer()
    if signer is None:
        log.info("web view is off: set HOWCANWE_DASHBOARD_TOKEN to open it")
    gate = Gate(settings.programme_key, signer)

    def now() -> datetime:
        return engine().now()

    refused = _refused(engine)
    forward = _forward(engine)

    def route(path: str, page: Page, moves_on: Forward | None = forward) -> None:
        app.router.add_get(path, guarded(gate, now, page, refused, moves_on))

    route("/", _home(engine))
    route("/plan", _plan(engine))
    route("/actors", _actors(engine))
    route("/themes/{key}", _theme(engine))
    route("/day", _day(engine))
    for path, download in downloads.handlers(engine).items():
        route(path, download, moves_on=None)
    route(uploads.PATH, uploads.form(engine, _render))
    app.router.add_post(
        uploads.PATH, guarded(gate, now, uploads.upload(engine, _render), refused, None)
    )
    app.router.add_get(STYLESHEET, _stylesheet)

    async def load(app: web.Application) -> None:
        await asyncio.to_thread(_load, app, env)

    app.on_startup.append(load)


def _load(app: web.Application, env: jinja2.Environment) -> None:
    for name in TEMPLATES:
        env.get_template(name)
    app[CSS] = (resources.files("handlers.web") / "static" / "web.css").read_bytes()


async def _stylesheet(request: web.Request) -> web.Response:
    """Public: it holds no data, and browsers may cache it."""
    return web.Response(
        body=request.app[CSS],
        content_type="text/css",
        charset="utf-8",
        headers={"Cache-Control": "public, max-age=3600"},
    )


def _render(
    name: str, request: web.Request, core: Engine, context: dict[str, Any], status: int = 200
) -> web.Response:
    base = {
        "playbook": core.playbook,
        "words": views.Words(core.playbook),
        "dw": day_views.DayWords(core.playbook),
        "as_of": _as_of(core.now()),
        "stylesheet": STYLESHEET,
        "access": None,
    }
    return aiohttp_jinja2.render_template(name, request, base | context, status=status)


def _as_of(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def _refused(engine: Callable[[], Engine]) -> Refuse:
    def refused(request: web.Request) -> web.Response:
        """401 with a page saying how to get a link (the one used may have expired)."""
        response = _render("refused.html", request, engine(), {}, status=401)
        response.headers["WWW-Authenticate"] = 'Bearer realm="howcanwe"'
        return response

    return refused


def _forward(engine: Callable[[], Engine]) -> Forward:
    def forward(request: web.Request, location: str) -> web.Response:
        """A page that moves straight on to `location` (with a link, should the browser not)."""
        return _render("forward.html", request, engine(), {"location": location})

    return forward


def _home(engine: Callable[[], Engine]) -> Page:
    async def home(request: web.Request, access: Access) -> web.Response:
        core = engine()
        plan = await core.plan(access.programme)
        series = await core.participation(access.programme)
        names = views.audience_names(core.playbook)
        return _render(
            "home.html",
            request,
            core,
            {
                "access": access,
                "page": "home",
                "plan": plan,
                "summaries": views.summaries(plan),
                "votes_chart": charts.bar_chart(views.votes_per_theme(plan)),
                "actors_chart": charts.bar_chart(views.ideas_per_actor(plan)),
                "series": series,
                "series_chart": charts.line_chart(series, names),
                "audience_names": names,
                "bucket_label": charts.bucket_label,
                "marker": charts.marker,
            },
        )

    return home


def _plan(engine: Callable[[], Engine]) -> Page:
    async def plan_page(request: web.Request, access: Access) -> web.Response:
        core = engine()
        plan = await core.plan(access.programme)
        return _render(
            "plan.html",
            request,
            core,
            {
                "access": access,
                "page": "plan",
                "plan": plan,
                "day": await core.day(access.programme),
                "grid": views.styles_grid(core.playbook, plan),
                "emerging": gather(plan.emerging, plan.ideas),
            },
        )

    return plan_page


def _actors(engine: Callable[[], Engine]) -> Page:
    async def actors_page(request: web.Request, access: Access) -> web.Response:
        core = engine()
        plan = await core.plan(access.programme)
        context = {"access": access, "page": "actors", "plan": plan, "actors": by_actor(plan)}
        return _render("actors.html", request, core, context)

    return actors_page


def _theme(engine: Callable[[], Engine]) -> Page:
    async def theme_page(request: web.Request, access: Access) -> web.Response:
        core = engine()
        key = request.match_info["key"]
        plan = await core.plan(access.programme, key)
        if not plan.themes:
            context = {"access": access, "page": "theme", "key": key}
            return _render("missing.html", request, core, context, status=404)
        theme_plan = plan.themes[0]
        shown, elsewhere = views.grouped(theme_plan)
        by_audience = views.theme_votes_by_audience(core.playbook, theme_plan.ideas)
        return _render(
            "theme.html",
            request,
            core,
            {
                "access": access,
                "page": "theme",
                "plan": plan,
                "tp": theme_plan,
                "shown": shown,
                "elsewhere": elsewhere,
                "audiences": core.playbook.audiences,
                "audience_chart": charts.bar_chart(by_audience),
            },
        )

    return theme_page


def _day(engine: Callable[[], Engine]) -> Page:
    async def day_page(request: web.Request, access: Access) -> web.Response:
        """The day's steps: the agenda, framing, the evidence in full with its reactions, the
        challenges participants proposed and the published synthesis."""
        core = engine()
        day = await core.day(access.programme)
        return _render("day.html", request, core, {"access": access, "page": "day", "day": day})

    return day_page
