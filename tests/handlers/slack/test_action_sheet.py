"""A workbook brought back through the web view: the organiser's report comes at once, and the
changed action's card in Slack is rewritten after it (Slack paces `chat.update`)."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from aiohttp import FormData
from openpyxl import load_workbook

from bot.config import Settings, WebSettings
from tests.handlers.slack import slack_requests as rq
from tests.handlers.slack.conftest import Bot

TOKEN = "a-dashboard-secret-for-tests"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    web = WebSettings.from_env(
        {"HOWCANWE_PUBLIC_URL": "https://howcanwe.example.org", "HOWCANWE_DASHBOARD_TOKEN": TOKEN}
    )
    return replace(settings, in_process_clock=False, web=web)


async def test_a_brought_back_sheet_is_answered_then_the_slack_card_is_rewritten(
    bot: Bot,
) -> None:
    ts = await bot.prompt()
    await bot.ok(rq.event(rq.thread_reply("Free bus travel for apprentices", ts), "EvSheet1"))
    await bot.ok(rq.command("assign 1 authority"))
    await bot.settle()
    download = await bot.http.get("/plan.xlsx", headers=BEARER)
    assert download.status == 200
    book = load_workbook(io.BytesIO(await download.read()))
    sheet = book["Actions"]
    header = [c.value for c in sheet[1]]
    [row] = list(sheet.iter_rows(min_row=2))
    row[header.index("status")].value = "agreed"
    row[header.index("owner")].value = "WECA transport"
    edited = io.BytesIO()
    book.save(edited)
    form = FormData()
    form.add_field("workbook", edited.getvalue(), filename="plan.xlsx", content_type=XLSX)
    before = len(bot.fake.of("chat.update"))

    response = await bot.http.post("/plan/actions", data=form, headers=BEARER)
    html = await response.text()
    assert response.status == 200, html
    assert "1 action updated, 0 rows unchanged." in html
    assert "The cards of 1 changed idea are being rewritten where they were posted." in html

    await bot.services.engine.announced()
    rewritten = bot.fake.of("chat.update")[before:]
    assert len(rewritten) == 1 and rewritten[0]["ts"] != ts
    assert "WECA transport" in str(rewritten[0]["blocks"]) and "agreed" in str(
        rewritten[0]["blocks"]
    )
