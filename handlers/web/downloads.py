"""The plan to take away: CSV, JSON (the public export format), Markdown, the workbook (XLSX)
and the one-page brief (PDF), as attachments.

The bytes are what `howcanwe export` writes: the core's export module renders the text formats,
bot.documents the files. The full exports stream: read from one snapshot of the plan a batch of
ideas at a time, rendered on worker threads and sent as they are made, so a download of 300,000
ideas holds neither the server's memory nor its other requests. They carry the plan pages' ETag
(`handlers.web.caching`): a browser asking again while the plan stands gets a 304.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import aclosing
from datetime import datetime

from aiohttp import web

from bot.core.engine import Engine
from bot.documents import files
from handlers.web import caching
from handlers.web.auth import Access, Page, private

log = logging.getLogger(__name__)

CONTENT_TYPES = {"csv": "text/csv", "json": "application/json", "md": "text/markdown"}


def handlers(engine: Callable[[], Engine]) -> dict[str, Page]:
    """`/plan.csv`, `/plan.json`, `/plan.md`, `/plan.xlsx`, `/plan.pdf`."""
    pages = {f"/plan.{fmt}": _stream(engine, fmt) for fmt in files.FULL}
    return pages | {"/plan.pdf": _brief(engine)}


def _attachment(core: Engine, what: str, fmt: str, now: datetime) -> dict[str, str]:
    name = f"{core.playbook.key}-{what}-{now:%Y-%m-%d}.{fmt}"
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def _brief(engine: Callable[[], Engine]) -> Page:
    async def download(request: web.Request, access: Access) -> web.Response:
        core = engine()
        headers = _attachment(core, "brief", "pdf", core.now())
        if request.method == "HEAD":  # headers only: a brief made for nobody is not recorded
            return web.Response(content_type=files.CONTENT_TYPES["pdf"], headers=headers)
        via = "token" if access.organiser else "link"
        body = await files.brief_bytes(await core.brief(access.programme, "/plan.pdf", via))
        return web.Response(body=body, content_type=files.CONTENT_TYPES["pdf"], headers=headers)

    return download


def _stream(engine: Callable[[], Engine], fmt: str) -> Page:
    async def download(request: web.Request, access: Access) -> web.StreamResponse:
        core = engine()
        kept = await caching.unchanged(request, access, core)
        if isinstance(kept, web.StreamResponse):
            return kept
        now = core.now()
        response = kept.mark(web.StreamResponse(headers=_attachment(core, "plan", fmt, now)))
        private(response)
        if fmt in CONTENT_TYPES:
            response.content_type = CONTENT_TYPES[fmt]
            response.charset = "utf-8"
        else:
            response.content_type = files.CONTENT_TYPES[fmt]
        await response.prepare(request)
        if request.method == "HEAD":  # headers only: nothing is read for a body never sent
            return response
        sent = 0
        async with aclosing(files.export_chunks(core, access.programme, fmt, now)) as chunks:
            async for chunk in chunks:
                await response.write(chunk)
                sent += len(chunk)
        await response.write_eof()
        log.info("plan downloaded", extra={"format": fmt, "bytes": sent})
        return response

    return download
