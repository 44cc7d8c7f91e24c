"""End to end in real headless Chromium: a workshop in Slack and Teams, the organiser's `plan`
link opened in a browser, the grid read cell by cell, the CSV downloaded, a screenshot kept; and
the plan, the day and the overview on a phone's width without sideways scrolling."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from pathlib import Path

import pytest

from tests.handlers.web.conftest import LAUNCH_ARGS, ORGANISER, TOWN, Web

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_plan_in_a_real_browser(web: Web, chromium: str, tmp_path: Path) -> None:
    from playwright.async_api import async_playwright

    await web.script()
    said = await web.ok(ORGANISER, TOWN, "plan")
    [link] = re.findall(r"http://127\.0\.0\.1:\d+/plan\?\S+", said)

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
        try:
            page = await browser.new_page(accept_downloads=True)
            response = await page.goto(link)
            assert response is not None and response.status == 200
            assert await page.title() == "Action plan — Local Industrial Strategy Lab"

            row = page.locator('table.grid tr[data-theme="inclusive-growth"]')

            async def cell(actor: str) -> list[str]:
                items = row.locator(f'td[data-actor="{actor}"] li.idea .text')
                return await items.all_inner_texts()

            assert await cell("authority") == ["Community hubs that offer business mentoring"]
            assert await cell("organisations") == ["Paid apprenticeships with local employers"]
            assert await cell("individuals") == []
            assert await cell("unassigned") == ["Night buses to the industrial estates"]
            funder = page.locator('table.styles tr[data-style="funder"] td[data-stage="scaling"]')
            assert "Grants and subsidies" in await funder.inner_text()
            assert "Community hubs that offer business mentoring" in await funder.inner_text()

            async with page.expect_download() as started:
                await page.get_by_role("link", name="CSV (spreadsheet)").click()
            download = await started.value
            saved = await download.path()
            text = await asyncio.to_thread(Path(saved).read_text, encoding="utf-8")
            rows = list(csv.DictReader(io.StringIO(text)))
            assert [(r["id"], r["votes"], r["actor"], r["merged_into"]) for r in rows] == [
                ("1", "3", "authority", ""),
                ("2", "1", "organisations", ""),
                ("3", "0", "", ""),
                ("4", "0", "", "1"),
            ]
            assert {r["platform"] for r in rows} == {"slack", "teams"}

            shot = tmp_path / "plan.png"
            await page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000

            phone = await browser.new_page(viewport=PHONE)
            for path in ("/plan", "/day", "/"):  # wide tables and charts scroll in their boxes
                await phone.goto(link.replace("/plan?", f"{path}?"))
                overflow = await phone.evaluate(
                    "document.documentElement.scrollWidth - window.innerWidth"
                )
                assert overflow <= 0, f"{path} scrolls sideways on a phone by {overflow}px"
        finally:
            await browser.close()
