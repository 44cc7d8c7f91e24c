"""What people see and hear in real headless Chromium: axe-core finds no WCAG 2.1 A/AA failure,
and the checks axe does not make — high-contrast mode, zoom on a phone, the focus ring, print,
the dashboard token leaving the address bar and closed actions ranked after live work.

axe.min.js is axe-core 4.14.1 from npm (MPL-2.0, its licence header kept), injected by Playwright
into pages whose Content-Security-Policy would otherwise refuse any script.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.core.usecases.planning import action_plan
from handlers.web.auth import COOKIE
from tests.handlers.web.conftest import ANN, LAUNCH_ARGS, ORGANISER, TOKEN, TOWN, Web

AXE = Path(__file__).with_name("axe.min.js")
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = ("/", "/plan", "/themes/inclusive-growth", "/day")
PHONE = {"width": 360, "height": 740}

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

# WCAG's contrast ratio between two computed colours ("rgb(…)" or "rgba(…)").
CONTRAST_JS = """
(function () {
  const parse = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = parse(c).map((v) => {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  window.contrast = (a, b) => {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
})();
"""


@asynccontextmanager
async def browsing(chromium: str, **context: Any) -> AsyncIterator[Any]:
    """A fresh browser context (its own cookies) that may inject axe past the pages' CSP."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
        try:
            ctx = await browser.new_context(bypass_csp=True, accept_downloads=True, **context)
            await ctx.add_init_script(CONTRAST_JS)
            yield await ctx.new_page()
        finally:
            await browser.close()


async def closed_action(web: Web) -> None:
    """The scripted workshop, with #3 also for the combined authority and #1 (3 votes) dropped."""
    await web.script()
    await web.ok(ORGANISER, TOWN, "assign 3 combined")
    await web.ok(ORGANISER, TOWN, "action 1 dropped")


async def axe(page: Any, options: dict[str, Any]) -> list[str]:
    await page.add_script_tag(path=str(AXE))
    found = await page.evaluate("(options) => axe.run(document, options)", options)
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in found["violations"]]


async def test_axe_finds_no_wcag_21_aa_violation_and_every_landmark_has_its_own_name(
    web: Web, chromium: str
) -> None:
    await closed_action(web)
    await web.ok(ANN, TOWN, "hope A world-class brand")  # the plan's head and the day's page
    await web.ok(ANN, TOWN, "react university inspires Bath!")
    await web.ok(ORGANISER, TOWN, "synthesis publish")
    checks = (
        {"runOnly": {"type": "tag", "values": WCAG_21_AA}},
        {"runOnly": {"type": "rule", "values": ["landmark-unique"]}},
    )
    for size in ({"width": 1280, "height": 900}, PHONE):
        async with browsing(chromium, viewport=size) as page:
            for path in PAGES:
                response = await page.goto(web.base_url + web.link(path))
                assert response is not None and response.status == 200
                for options in checks:
                    assert await axe(page, options) == [], (path, size, options)


async def test_chart_text_and_axes_stay_visible_in_forced_colours(web: Web, chromium: str) -> None:
    await web.script()
    for scheme in ("dark", "light"):  # white on black, and black on white
        ratios = await forced_colour_contrasts(web, chromium, scheme)
        assert ratios["canvas"] == ("rgb(0, 0, 0)" if scheme == "dark" else "rgb(255, 255, 255)")
        assert len(ratios["text"]) > 20 and len(ratios["axes"]) == 2
        assert len(ratios["lines"]) == 2
        for kind, minimum in (("text", 4.5), ("axes", 3), ("lines", 3), ("bars", 3)):
            assert ratios[kind] and min(ratios[kind]) >= minimum, (scheme, kind, ratios[kind])


async def forced_colour_contrasts(web: Web, chromium: str, scheme: str) -> dict[str, Any]:
    """The contrast of every chart text, axis, line and bar against the page in a high-contrast
    theme."""
    async with browsing(chromium) as page:
        await page.emulate_media(forced_colors="active", color_scheme=scheme)
        await page.goto(web.base_url + web.link("/"))
        return await page.evaluate(
            """() => {
              const canvas = getComputedStyle(document.body).backgroundColor;
              const ratio = (el, prop) => contrast(getComputedStyle(el)[prop], canvas);
              return {
                canvas,
                text: [...document.querySelectorAll('.chart svg text')].map((t) => ratio(t, 'fill')),
                axes: [...document.querySelectorAll('.chart .axis')].map((a) => ratio(a, 'stroke')),
                lines: [...document.querySelectorAll('.chart .series polyline')]
                  .map((l) => ratio(l, 'stroke')),
                bars: [...document.querySelectorAll('.chart .bar')].map((b) => ratio(b, 'fill')),
              };
            }"""
        )


async def test_chart_text_keeps_its_size_on_a_phone_and_grows_with_the_text_size(
    web: Web, chromium: str
) -> None:
    await web.script()
    smallest = """() => Math.min(...[...document.querySelectorAll('.chart svg text')].map(
        (t) => t.getScreenCTM().a * parseFloat(getComputedStyle(t).fontSize)))"""
    async with browsing(chromium, viewport=PHONE) as page:
        await page.goto(web.base_url + web.link("/"))
        on_a_phone = await page.evaluate(smallest)
        await page.add_style_tag(content="html { font-size: 200% }")  # the reader's text size
        larger = await page.evaluate(smallest)
    assert on_a_phone >= 13
    assert larger >= 2 * on_a_phone - 0.5


async def test_the_focus_ring_contrasts_and_the_skip_link_shows_whole(
    web: Web, chromium: str
) -> None:
    async with browsing(chromium) as page:
        await page.goto(web.base_url + web.link("/plan"))
        seen = []
        for _ in range(2):  # the skip link, then the first link of the navigation
            await page.keyboard.press("Tab")
            seen.append(
                await page.evaluate(
                    """() => {
                      const el = document.activeElement, s = getComputedStyle(el);
                      const page = getComputedStyle(document.body).backgroundColor;
                      const own = s.backgroundColor === 'rgba(0, 0, 0, 0)' ? page : s.backgroundColor;
                      const box = el.getBoundingClientRect();
                      const ring = parseFloat(s.outlineWidth) + parseFloat(s.outlineOffset);
                      return {
                        text: el.textContent.trim(),
                        style: s.outlineStyle,
                        page: contrast(s.outlineColor, page),
                        element: contrast(s.outlineColor, own),
                        inside: box.left - ring >= 0 && box.top - ring >= 0,
                      };
                    }"""
                )
            )
    skip, first = seen
    assert skip["text"] == "Skip to the content" and first["text"] == "Overview"
    for focused in seen:
        assert focused["style"] == "solid", focused
        assert focused["page"] >= 3 and focused["element"] >= 3, focused
        assert focused["inside"], focused


async def test_printing_keeps_the_chart_figures(web: Web, chromium: str) -> None:
    await web.script()
    async with browsing(chromium) as page:
        await page.goto(web.base_url + web.link("/"))
        figures = page.locator("figure.chart details table")
        assert await figures.count() == 3
        assert not await figures.first.is_visible()  # on screen, behind "The figures"
        await page.emulate_media(media="print")
        for n in range(3):
            assert await figures.nth(n).is_visible()
        assert await page.locator("figure.chart svg text.value").first.is_visible()


async def test_the_dashboard_token_leaves_the_address_bar_and_downloads_still_work(
    web: Web, chromium: str
) -> None:
    await web.script()
    async with browsing(chromium) as page:
        # Clicked on another site (a link in an e-mail): the cookie must survive the way in.
        elsewhere = web.base_url.replace("127.0.0.1", "localhost")
        await page.goto(f"{elsewhere}/static/web.css")
        await page.set_content(f'<a href="{web.base_url}/plan?token={TOKEN}">The plan</a>')
        async with page.expect_navigation(url=f"{web.base_url}/plan"):
            await page.get_by_role("link", name="The plan").click()
        await page.wait_for_load_state()
        assert page.url == f"{web.base_url}/plan"  # the token is gone from the address bar
        await page.go_back()  # nor is it one step back: the forward replaced its own entry
        assert page.url == f"{elsewhere}/static/web.css"
        await page.go_forward()
        assert page.url == f"{web.base_url}/plan"
        assert await page.title() == "Action plan — Local Industrial Strategy Lab"
        [cookie] = await page.context.cookies()
        assert (cookie["name"], cookie["path"], cookie["httpOnly"]) == (COOKIE, "/", True)
        assert cookie["sameSite"] == "Strict" and not cookie["secure"]  # plain http here
        await page.get_by_role("link", name="Inclusive growth").first.click()
        await page.wait_for_url(f"{web.base_url}/themes/inclusive-growth")
        async with page.expect_download() as started:
            await page.get_by_role("link", name="JSON (the export format)").click()
        download = await started.value
        assert download.suggested_filename == "lis-lab-plan-2026-03-02.json"
        assert await download.failure() is None


async def test_a_dropped_action_comes_last_in_its_cell_and_says_so(web: Web, chromium: str) -> None:
    await closed_action(web)
    async with browsing(chromium) as page:
        await page.goto(web.base_url + web.link("/plan"))
        cell = page.locator('tr[data-theme="inclusive-growth"] td[data-actor="authority"] li')
        assert await cell.all_inner_texts() == [
            "#3 Night buses to the industrial estates\nno votes yet · proposed",
            "Dropped: #1 Community hubs that offer business mentoring\n3 votes — "
            "business 2, community 1 · as Funder · Scaling: Grants and subsidies · dropped",
        ]


async def test_an_organiser_uploads_the_workbook_in_the_browser_and_reads_the_report(
    web: Web, chromium: str, tmp_path: Path
) -> None:
    """The no-JavaScript form under the pages' CSP (form-action 'self'), at desktop and phone
    widths: axe finds nothing on the form or on the report, and both are kept as screenshots."""
    from openpyxl import load_workbook

    await web.script()
    for size in ({"width": 1280, "height": 900}, PHONE):
        async with browsing(chromium, viewport=size) as page:
            await page.goto(f"{web.base_url}/plan?token={TOKEN}")
            await page.wait_for_url(f"{web.base_url}/plan")
            async with page.expect_download() as started:
                await page.get_by_role("link", name="Workbook (Excel)").click()
            download = await started.value
            assert download.suggested_filename == "lis-lab-plan-2026-03-02.xlsx"
            await download.save_as(tmp_path / "plan.xlsx")
            book = load_workbook(tmp_path / "plan.xlsx")
            for row in book["Actions"].iter_rows(min_row=2):
                row[6].value = "in-progress" if row[0].value == 1 else "recycled"
            book.save(tmp_path / "back.xlsx")
            await page.get_by_role("link", name="Update actions from the workbook").click()
            await page.wait_for_url(f"{web.base_url}/plan/actions")
            assert await axe(page, {"runOnly": {"type": "tag", "values": WCAG_21_AA}}) == []
            await page.screenshot(path=tmp_path / f"upload-{size['width']}.png", full_page=True)
            await page.get_by_label("Workbook (.xlsx, up to 32 MB)").set_input_files(
                tmp_path / "back.xlsx"
            )
            await page.get_by_role("button", name="Update the actions").click()
            await page.wait_for_load_state()
            report = page.get_by_role("alert")
            assert "Nothing was changed" in await report.inner_text()
            assert "there is no status 'recycled'" in await report.inner_text()
            assert await axe(page, {"runOnly": {"type": "tag", "values": WCAG_21_AA}}) == []
            await page.screenshot(path=tmp_path / f"refused-{size['width']}.png", full_page=True)
    plan = await action_plan(web.services.engine.workshop, "default")
    assert {i.number: i.status.value for i in plan.ideas if i.status} == {
        1: "proposed",
        2: "proposed",
    }
