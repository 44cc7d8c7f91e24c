"""The plan to take away: CSV, JSON (the public export format) and Markdown, as attachments.

The bytes are exactly what `howcanwe export` writes: the core's export module renders them.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from bot.core import export
from bot.core.engine import Engine
from handlers.web.auth import Access, Page

CONTENT_TYPES = {"csv": "text/csv", "json": "application/json", "md": "text/markdown"}


def handlers(engine: Callable[[], Engine]) -> dict[str, Page]:
    """`/plan.csv`, `/plan.json`, `/plan.md`."""
    return {f"/plan.{fmt}": _download(engine, fmt) for fmt in export.FORMATS}


def _download(engine: Callable[[], Engine], fmt: str) -> Page:
    async def download(_request: web.Request, access: Access) -> web.Response:
        core = engine()
        plan = await core.plan(access.programme)
        day = await core.day(access.programme) if fmt == "json" else None
        now = core.now()
        name = f"{core.playbook.key}-plan-{now:%Y-%m-%d}.{fmt}"
        return web.Response(
            text=export.render(fmt, core.playbook, plan, now, day),
            content_type=CONTENT_TYPES[fmt],
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    return download
