"""The binary downloads by format: what `howcanwe export --format xlsx|pdf` writes and the web
view's /plan.xlsx and /plan.pdf serve, the same bytes from the same calls, each made in a worker
thread so a big workbook or brief never stalls other requests. The document libraries are
imported when a document is made, not when a process starts (fpdf alone takes 0.4 s)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from bot.core.brief import Brief
from bot.core.plan import ActionPlan
from bot.core.playbook import Playbook

FORMATS = ("xlsx", "pdf")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


async def workbook_bytes(playbook: Playbook, plan: ActionPlan, now: datetime) -> bytes:
    from bot.documents import workbook

    return await asyncio.to_thread(workbook.to_xlsx, playbook, plan, now)


async def brief_bytes(made: Brief) -> bytes:
    from bot.documents import pdf

    return await asyncio.to_thread(pdf.to_pdf, made)
