"""Organisers bring the workbook back: `GET /plan/actions` shows a plain multipart form (no
JavaScript), `POST /plan/actions` reads the Actions sheet and has the core apply it, all rows or
none, answering with the report (every rejected row and why). Only a request that came with the
dashboard token (or its cookie) may; a link handed out in chat opens the pages, not this."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import BodyPartReader, web

from bot.core.action_sheet import MAX_BYTES, SheetRefused, SheetRow
from bot.core.domain import Participant
from bot.core.engine import Engine
from handlers.web.auth import Access, Page

log = logging.getLogger(__name__)

PATH = "/plan/actions"
FIELD = "workbook"  # the form's file input
WEB_ORGANISER = Participant("web", "organiser", "an organiser (web view)")
Render = Callable[[str, web.Request, Engine, dict[str, Any], int], web.Response]
CHUNK = 64 * 1024


def form(engine: Callable[[], Engine], render: Render) -> Page:
    async def upload_form(request: web.Request, access: Access) -> web.Response:
        return _page(request, engine(), render, access, {})

    return upload_form


def upload(engine: Callable[[], Engine], render: Render) -> Page:
    async def take(request: web.Request, access: Access) -> web.Response:
        core = engine()
        if not access.organiser:
            return _page(request, core, render, access, {}, status=403)
        try:
            data = await _file(request)
            rows = await asyncio.to_thread(_read_actions, data)
        except SheetRefused as exc:
            lines = [f"{exc} Nothing was changed."]
            return _page(request, core, render, access, {"lines": lines, "ok": False}, 400)
        report = await core.import_actions(access.programme, rows, WEB_ORGANISER)
        status = 200 if report.ok else 400
        context = {"lines": report.lines(), "ok": report.ok}
        return _page(request, core, render, access, context, status)

    return take


def _read_actions(data: bytes) -> list[SheetRow]:
    """The sheet's rows, with openpyxl imported here on first use, off the event loop: like the
    other document libraries (bot.documents.files), it would add a quarter second to every
    start-up."""
    from bot.documents import workbook

    return workbook.read_actions(data)


async def _file(request: web.Request) -> bytes:
    """The uploaded file's bytes, read up to one byte past the limit (then refused unread)."""
    if not request.content_type.startswith("multipart/"):
        raise SheetRefused("Choose the workbook with the form on this page.")
    reader = await request.multipart()
    async for part in reader:
        if isinstance(part, BodyPartReader) and part.name == FIELD:
            data = bytearray()
            while len(data) <= MAX_BYTES:
                chunk = await part.read_chunk(CHUNK)
                if not chunk:
                    break
                data += chunk
            if not data:
                raise SheetRefused("No file was chosen.")
            return bytes(data)
    raise SheetRefused("No file was chosen.")


def _page(
    request: web.Request,
    core: Engine,
    render: Render,
    access: Access,
    context: dict[str, Any],
    status: int = 200,
) -> web.Response:
    base = {
        "access": access,
        "page": "upload",
        "path": PATH,
        "field": FIELD,
        "limit_mb": MAX_BYTES // 1024 // 1024,
        "lines": [],
        "ok": None,
    }
    return render("upload.html", request, core, base | context, status)
