"""The downloads by format: what `howcanwe export` writes and the web view's /plan.* serve,
from the same calls. The full exports stream from the plan (`PlanStream`) in constant memory;
documents are made on worker threads, so a big workbook or brief never stalls other requests.
The document libraries are imported when a document is made, not when a process starts (fpdf
alone takes 0.4 s)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from datetime import datetime

from bot.core import export
from bot.core.agenda import Day
from bot.core.brief import Brief
from bot.core.engine import Engine
from bot.core.plan_export import PlanStream

FORMATS = ("xlsx", "pdf")
FULL = (*export.FORMATS, "xlsx")  # the exports of every idea; the brief is a page
CHUNK = 64 * 1024  # bytes of a download sent at a time
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


async def export_chunks(
    engine: Engine, programme: str, fmt: str, now: datetime
) -> AsyncGenerator[bytes]:
    """A full export (`FULL`) of the programme's plan as its bytes are made, from one snapshot
    of the plan: `howcanwe export` writes them, the web view sends them."""
    async with engine.plan_stream(programme) as plan:
        day = await engine.day(programme) if fmt == "json" else None
        async with aclosing(_plan_chunks(fmt, plan, now, day)) as chunks:
            async for chunk in chunks:
                yield chunk


async def _plan_chunks(
    fmt: str, plan: PlanStream, now: datetime, day: Day | None
) -> AsyncGenerator[bytes]:
    """The workbook's chunks, or the text formats' pieces (`bot.core.export.render`) gathered
    into chunks of about CHUNK bytes."""
    if fmt == "xlsx":
        async for chunk in _workbook_chunks(plan, now):
            yield chunk
        return
    pending: list[str] = []
    size = 0
    first = True  # sent at once: the reader sees the download begin
    async for piece in export.render(fmt, plan, now, day):
        pending.append(piece)
        size += len(piece)
        if first or size >= CHUNK:
            yield "".join(pending).encode()
            pending, size, first = [], 0, False
    yield "".join(pending).encode()


async def _workbook_chunks(plan: PlanStream, now: datetime) -> AsyncIterator[bytes]:
    """The workbook's bytes as they are made (`bot.documents.workbook`)."""
    from bot.documents import workbook

    async with aclosing(workbook.xlsx_chunks(plan, now)) as chunks:
        async for chunk in chunks:
            if chunk:
                yield chunk


async def brief_bytes(made: Brief) -> bytes:
    from bot.documents import pdf

    return await asyncio.to_thread(pdf.to_pdf, made)
