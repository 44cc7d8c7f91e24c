"""The plan to take away: CSV, JSON (the public export format), Markdown, the workbook (XLSX)
and the one-page brief (PDF), as attachments.

The bytes are exactly what `howcanwe export` writes: the core's export module renders the text
formats, bot.documents the files (in a worker thread, so a big brief never stalls a request).
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from bot.core import export
from bot.core.engine import Engine
from bot.documents import files
from handlers.web.auth import Access, Page

CONTENT_TYPES = {"csv": "text/csv", "json": "application/json", "md": "text/markdown"}


def handlers(engine: Callable[[], Engine]) -> dict[str, Page]:
    """`/plan.csv`, `/plan.json`, `/plan.md`, `/plan.xlsx`, `/plan.pdf`."""
    pages = {f"/plan.{fmt}": _download(engine, fmt) for fmt in export.FORMATS}
    return pages | {f"/plan.{fmt}": _document(engine, fmt) for fmt in files.FORMATS}


def _document(engine: Callable[[], Engine], fmt: str) -> Page:
    async def download(_request: web.Request, access: Access) -> web.Response:
        core = engine()
        now = core.now()
        if fmt == "pdf":
            via = "token" if access.organiser else "link"
            body = await files.brief_bytes(await core.brief(access.programme, "/plan.pdf", via))
        else:
            plan = await core.plan(access.programme)
            body = await files.workbook_bytes(core.playbook, plan, now)
        name = f"{core.playbook.key}-{'brief' if fmt == 'pdf' else 'plan'}-{now:%Y-%m-%d}.{fmt}"
        return web.Response(
            body=body,
            content_type=files.CONTENT_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    return download


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
