"""The read-only web view: the programme, the action grid and theme pages, as HTML.

Every page reads the plan through the core's own query path (`action_plan`, as chat and the
export do) and changes nothing. Templates are Jinja2 with autoescaping, loaded once at start-up
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
from bot.core.engine import Engine
from bot.core.usecases.planning import action_plan, participation
from bot.core.workshop import Workshop
from handlers.web import charts, downloads, views
from handlers.web.auth import Access, Forward, Gate, Page, Refuse, guarded

log = logging.getLogger(__name__)

TEMPLATES = (
    "home.html",
    "plan.html",
    "theme.html",
    "refused.html",
    "missing.html",
    "forward.html",
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

    def workshop() -> Workshop:
        return engine().workshop

    def now() -> datetime:
        return workshop().clock.now()

    refused = _refused(workshop)
    forward = _forward(workshop)

    def route(path: str, page: Page, moves_on: Forward | None = forward) -> None:
        app.router.add_get(path, guarded(gate, now, page, refused, moves_on))

    route("/", _home(workshop))
    route("/plan", _plan(workshop))
    route("/themes/{key}", _theme(workshop))
    for path, download in downloads.handlers(workshop).items():
        route(path, download, moves_on=None)
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
    name: str, request: web.Request, ws: Workshop, context: dict[str, Any], status: int = 200
) -> web.Response:
    base = {
        "playbook": ws.playbook,
        "words": views.Words(ws.playbook),
        "as_of": _as_of(ws.clock.now()),
        "stylesheet": STYLESHEET,
        "access": None,
    }
    return aiohttp_jinja2.render_template(name, request, base | context, status=status)


def _as_of(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def _refused(workshop: Callable[[], Workshop]) -> Refuse:
    def refused(request: web.Request) -> web.Response:
        """401 with a page saying how to get a link (the one used may have expired)."""
        response = _render("refused.html", request, workshop(), {}, status=401)
        response.headers["WWW-Authenticate"] = 'Bearer realm="howcanwe"'
        return response

    return refused


def _forward(workshop: Callable[[], Workshop]) -> Forward:
    def forward(request: web.Request, location: str) -> web.Response:
        """A page that moves straight on to `location` (with a link, should the browser not)."""
        return _render("forward.html", request, workshop(), {"location": location})

    return forward


def _home(workshop: Callable[[], Workshop]) -> Page:
    async def home(request: web.Request, access: Access) -> web.Response:
        ws = workshop()
        plan = await action_plan(ws, access.programme)
        series = await participation(ws, access.programme)
        names = views.audience_names(ws.playbook)
        return _render(
            "home.html",
            request,
            ws,
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
                "day_label": charts.day_label,
                "marker": charts.marker,
            },
        )

    return home


def _plan(workshop: Callable[[], Workshop]) -> Page:
    async def plan_page(request: web.Request, access: Access) -> web.Response:
        ws = workshop()
        plan = await action_plan(ws, access.programme)
        return _render(
            "plan.html",
            request,
            ws,
            {
                "access": access,
                "page": "plan",
                "plan": plan,
                "grid": views.styles_grid(ws.playbook, plan),
            },
        )

    return plan_page


def _theme(workshop: Callable[[], Workshop]) -> Page:
    async def theme_page(request: web.Request, access: Access) -> web.Response:
        ws = workshop()
        key = request.match_info["key"]
        plan = await action_plan(ws, access.programme, key)
        if not plan.themes:
            context = {"access": access, "page": "theme", "key": key}
            return _render("missing.html", request, ws, context, status=404)
        theme_plan = plan.themes[0]
        shown, elsewhere = views.grouped(theme_plan)
        by_audience = views.theme_votes_by_audience(ws.playbook, theme_plan.ideas)
        return _render(
            "theme.html",
            request,
            ws,
            {
                "access": access,
                "page": "theme",
                "plan": plan,
                "tp": theme_plan,
                "shown": shown,
                "elsewhere": elsewhere,
                "audiences": ws.playbook.audiences,
                "audience_chart": charts.bar_chart(by_audience),
            },
        )

    return theme_page
