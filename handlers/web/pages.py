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
from bot.core.engine import Engine
from bot.core.plan_views import PAGE, TOP, CellKey, Cursor
from handlers.web import caching, charts, day_views, downloads, uploads, views
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
    "cell.html",
)
CELL_PATH = "/plan/cell"  # "see all" of one cell: ?theme=&actor= | ?actor=&stage= | ?emerging=
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

    route("/", caching.revalidated(engine, _home))
    route("/plan", caching.revalidated(engine, _plan))
    route(CELL_PATH, caching.revalidated(engine, _cell))
    route("/actors", caching.revalidated(engine, _actors))
    route("/themes/{key}", caching.revalidated(engine, _theme))
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
    return aiohttp_jinja2.render_template(name, request, _base(core) | context, status=status)


def _base(core: Engine) -> dict[str, Any]:
    return {
        "playbook": core.playbook,
        "words": views.Words(core.playbook),
        "dw": day_views.DayWords(core.playbook),
        "as_of": _as_of(core.now()),
        "stylesheet": STYLESHEET,
        "access": None,
    }


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


async def _home(request: web.Request, access: Access, core: Engine) -> web.Response:
    """The programme at a glance: each theme's count, votes and leading idea, and the charts,
    from aggregate queries (never every idea), kept by the browser while the plan stands."""
    summary = await core.plan_summary(access.programme)
    found = views.summaries(summary, await core.theme_votes(access.programme))
    series = await core.participation(access.programme)
    names = views.audience_names(core.playbook)
    context = {
        "access": access,
        "page": "home",
        "plan": summary,
        "summaries": found,
        "votes_chart": charts.bar_chart(views.votes_per_theme(found)),
        "actors_chart": charts.bar_chart(views.ideas_per_actor(summary)),
        "series": series,
        "series_chart": charts.line_chart(series, names),
        "audience_names": names,
        "bucket_label": charts.bucket_label,
        "marker": charts.marker,
    }
    return await _render_off_loop("home.html", request, core, context)


async def _plan(request: web.Request, access: Access, core: Engine) -> web.Response:
    """Each cell's top ideas and count, read by the database and kept while the plan's
    revision stands."""
    context = {
        "access": access,
        "page": "plan",
        "plan": await core.plan_summary(access.programme),
        "day": await core.day(access.programme),
        "top": TOP,
        "cell": CellKey,
    }
    return await _render_off_loop("plan.html", request, core, context)


async def _cell(request: web.Request, access: Access, core: Engine) -> web.Response:
    """ "See all": one cell of the plan a page at a time, by the cursor `after`."""
    query = request.query
    cell = CellKey(*(query.get(k, "") for k in ("theme", "actor", "stage", "emerging")))
    after = Cursor.parse(query["after"]) if "after" in query else None
    title = views.cell_title(core.playbook, await core.plan_summary(access.programme), cell)
    if title is None or ("after" in query and after is None):
        context = {"access": access, "page": "plan", "key": query.get("theme", "")}
        return _render("missing.html", request, core, context, status=404)
    found = await core.plan_cell(access.programme, cell, after)
    context = {
        "access": access,
        "page": "plan",
        "title": title,
        "cell": cell,
        "found": found,
        "after": after,
        "page_size": PAGE,
        "next_query": cell.query | {"after": str(found.next)},
    }
    return await _render_off_loop("cell.html", request, core, context)


async def _actors(request: web.Request, access: Access, core: Engine) -> web.Response:
    """Each actor's top ideas from every theme, with the count and "See all"."""
    plan = await core.plan_summary(access.programme)
    context = {"access": access, "page": "actors", "plan": plan, "cell": CellKey}
    return await _render_off_loop("actors.html", request, core, context)


async def _render_off_loop(
    name: str, request: web.Request, core: Engine, context: dict[str, Any]
) -> web.Response:
    """A page rendered on a worker thread: a big page never holds up other requests."""
    full = _base(core) | context
    html = await asyncio.to_thread(aiohttp_jinja2.render_string, name, request, full)
    return web.Response(text=html, content_type="text/html", charset="utf-8")


async def _theme(request: web.Request, access: Access, core: Engine) -> web.Response:
    """A theme's challenges and evidence, then its ideas a page at a time (by the cursor
    `after`), each with the ideas merged into it, kept by the browser while the plan stands."""
    key = request.match_info["key"]
    after = Cursor.parse(request.query["after"]) if "after" in request.query else None
    found = None
    if after is not None or "after" not in request.query:
        found = await core.theme_page(access.programme, key, after)
    if found is None:
        context = {"access": access, "page": "theme", "key": key}
        return _render("missing.html", request, core, context, status=404)
    context = {
        "access": access,
        "page": "theme",
        "tp": found,
        "audiences": core.playbook.audiences,
        "audience_chart": charts.bar_chart(
            views.theme_votes_by_audience(core.playbook, found.votes)
        ),
        "page_size": PAGE,
        "here": request.path,
        "next_query": {"after": str(found.page.next)},
    }
    return await _render_off_loop("theme.html", request, core, context)


def _day(engine: Callable[[], Engine]) -> Page:
    async def day_page(request: web.Request, access: Access) -> web.Response:
        """The day's steps: the agenda, framing, the evidence in full with its reactions, the
        challenges participants proposed and the published synthesis."""
        core = engine()
        day = await core.day(access.programme)
        return _render("day.html", request, core, {"access": access, "page": "day", "day": day})

    return day_page
