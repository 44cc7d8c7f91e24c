"""The binary downloads by format: what `howcanwe export --format xlsx|pdf` writes and the web
view's /plan.xlsx and /plan.pdf serve, the same bytes from the same call. The document libraries
are imported when a document is made, not when a process starts (fpdf alone takes 0.4 s)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from bot.core.brief import brief
from bot.core.plan import ActionPlan
from bot.core.playbook import Playbook

FORMATS = ("xlsx", "pdf")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def render(fmt: str, playbook: Playbook, plan: ActionPlan, now: datetime) -> bytes:
    from bot.documents import pdf, workbook

    if fmt == "xlsx":
        return workbook.to_xlsx(playbook, plan, now)
    if fmt == "pdf":
        return pdf.to_pdf(brief(playbook, plan, now))
    raise ValueError(f"unknown document format {fmt!r}; one of {', '.join(FORMATS)}")


async def rendered(fmt: str, playbook: Playbook, plan: ActionPlan, now: datetime) -> bytes:
    """`render` in a worker thread: a big workbook or brief never stalls other requests."""
    return await asyncio.to_thread(render, fmt, playbook, plan, now)
