"""The brief (PDF) and the workbook (XLSX) from the web view, read back with pypdf and openpyxl;
and the workbook brought back by an organiser through the upload form, over real HTTP."""

from __future__ import annotations

import io

from aiohttp import FormData
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from bot.core.action_sheet import MAX_BYTES
from bot.core.domain import Status
from bot.core.usecases.planning import action_plan
from tests.handlers.web.conftest import ANN, ORGANISER, TOKEN, TOWN, Web

BEARER = {"Authorization": f"Bearer {TOKEN}"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _scripted(web: Web) -> None:
    await web.script()
    await web.ok(ANN, TOWN, 'idea inclusive: =HYPERLINK("http://evil.example") as typed')
    await web.ok(ORGANISER, TOWN, 'action 1 agreed owner "Bath Spa University"')
    await web.ok(ORGANISER, TOWN, 'action 1 note "pilot funded"')
    await web.ok(ORGANISER, TOWN, "action 2 dropped")


async def _download(web: Web, path: str) -> tuple[bytes, dict[str, str]]:
    response = await web.http.get(web.link(path))
    assert response.status == 200, path
    return await response.read(), dict(response.headers)


async def test_the_brief_is_a_one_page_pdf_with_the_grid_and_figures(web: Web) -> None:
    await _scripted(web)
    body, headers = await _download(web, "/plan.pdf")
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == 'attachment; filename="lis-lab-brief-2026-03-02.pdf"'
    assert headers["Cache-Control"] == "no-store"
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) == 1
    assert reader.metadata is not None
    assert reader.metadata.title == "Local Industrial Strategy Lab: the action plan"
    text = reader.pages[0].extract_text()
    lines = text.splitlines()
    for figure in ("5\nideas", "4\nvotes", "3\nparticipants", "2\nactions"):
        assert figure in text, figure
    assert "Inclusive growth 0 1 1 2" in lines  # individuals, organisations, authority, none
    assert "Actions by status: agreed 1, dropped 1" in lines
    assert (
        "1 Community hubs that offer business mentoring Combined authority agreed "
        "Bath Spa University · pilot funded"
    ) in lines
    assert "Live actions, most backed first (1 of 1)" in lines  # #2 is dropped
    assert (
        "• #1 Community hubs that offer business mentoring (Inclusive growth; consensus 67%)"
    ) in lines
    assert "• No ideas tagged yet: Branding matters, Have a learner in every office" in text
    assert "Votes per theme" in lines and "Inclusive growth 4" in lines
    assert "What changed in the last week (since 23 Feb 2026)" in lines  # the first brief
    assert "• 4 new ideas, 6 decisions (1 progress note)" in lines
    assert "• #1 Community hubs that offer business mentoring — note “pilot funded”" in lines


async def test_the_next_brief_says_what_changed_since_the_last_one(web: Web) -> None:
    await _scripted(web)
    await _download(web, "/plan.pdf")
    web.clock.advance(days=2, hours=3)
    await web.ok(ORGANISER, TOWN, "action 1 done")
    await web.ok(ANN, TOWN, "idea inclusive: Night buses to the science park")
    body, _ = await _download(web, "/plan.pdf")
    lines = PdfReader(io.BytesIO(body)).pages[0].extract_text().splitlines()
    assert "What changed since the last brief (02 Mar 2026, 09:00 UTC)" in lines
    assert "• 1 new idea, 1 decision (0 progress notes)" in lines
    assert "• #1 Community hubs that offer business mentoring — now done" in lines
    assert "Actions by status: done 1, dropped 1" in lines
    made = await web.services.engine.workshop.digests.record_brief(
        "default", web.clock.now(), "/plan.pdf", "token"
    )
    assert made == web.clock.now()  # the second brief was recorded when it was made


async def test_the_workbook_has_ideas_actions_votes_and_grid_sheets(web: Web) -> None:
    await _scripted(web)
    body, headers = await _download(web, "/plan.xlsx")
    assert headers["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["Ideas", "Actions", "Votes by audience", "Grid"]
    ideas = list(book["Ideas"].iter_rows(values_only=True))
    header = ideas[0]
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in ideas[1:]}
    typed = by_id[5]["text"]
    assert typed == '=HYPERLINK("http://evil.example") as typed'
    assert book["Ideas"].cell(row=[r[0] for r in ideas].index(5) + 1, column=2).data_type == "s"
    assert (by_id[1]["status"], by_id[1]["owner"], by_id[1]["latest_note"]) == (
        "agreed",
        "Bath Spa University",
        "pilot funded",
    )
    actions = list(book["Actions"].iter_rows(values_only=True))
    assert actions[0][:4] == ("id", "theme", "idea", "actor")
    assert [(r[0], r[6], r[7]) for r in actions[1:]] == [
        (2, "dropped", None),
        (1, "agreed", "Bath Spa University"),
    ]
    votes = list(book["Votes by audience"].iter_rows(values_only=True))
    assert ("Inclusive growth", "Community", 1, 2) in votes
    assert ("Inclusive growth", "Business", 2, 2) in votes
    grid = list(book["Grid"].iter_rows(values_only=True))
    assert grid[1] == ("Inclusive growth", 0, 1, 1, 2)


def _edited(body: bytes, edits: dict[int, dict[str, object]]) -> bytes:
    book = load_workbook(io.BytesIO(body))
    sheet = book["Actions"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for column, value in edits.get(row[0].value, {}).items():
            row[header.index(column)].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _upload(web: Web, data: bytes, headers: dict[str, str] = BEARER) -> tuple[int, str]:
    form = FormData()
    form.add_field("workbook", io.BytesIO(data), filename="plan.xlsx", content_type=XLSX)
    response = await web.http.post("/plan/actions", data=form, headers=headers)
    return response.status, await response.text()


async def test_an_organiser_brings_the_workbook_back_and_every_change_is_applied(web: Web) -> None:
    await _scripted(web)
    status, html = await _page(web)
    assert status == 200 and 'enctype="multipart/form-data"' in html
    body, _ = await _download(web, "/plan.xlsx")
    edited = _edited(
        body,
        {
            1: {"status": "in-progress", "latest_note": "first cohort started"},
            2: {"status": "agreed", "owner": "WECA"},
        },
    )
    status, html = await _upload(web, edited)
    assert status == 200, html
    assert "2 actions updated, 0 rows unchanged." in html
    plan = await action_plan(web.services.engine.workshop, "default")
    ideas = {i.number: i for i in plan.ideas}
    assert ideas[1].status is Status.IN_PROGRESS
    assert ideas[1].latest_note is not None
    assert ideas[1].latest_note.text == "first cohort started"
    assert (ideas[2].status, ideas[2].owner) == (Status.AGREED, "WECA")
    status, html = await _upload(web, edited)  # the same sheet again changes nothing
    assert "0 actions updated, 2 rows unchanged." in html


async def _page(web: Web) -> tuple[int, str]:
    response = await web.http.get("/plan/actions", headers=BEARER)
    return response.status, await response.text()


async def test_bad_workbooks_are_refused_with_reasons_and_change_nothing(web: Web) -> None:
    await _scripted(web)
    body, _ = await _download(web, "/plan.xlsx")
    before = await action_plan(web.services.engine.workshop, "default")
    bad = _edited(
        body,
        {
            1: {"status": "finished", "owner": '=HYPERLINK("http://evil.example")'},
            2: {"status": "done"},
        },
    )
    book = load_workbook(io.BytesIO(bad))
    book["Actions"].append([99, None, None, None, None, None, "done"])
    book["Actions"].append([3, None, None, None, None, None, "done"])
    out = io.BytesIO()
    book.save(out)
    status, html = await _upload(web, out.getvalue())
    assert status == 400
    assert "Nothing was changed: 3 rows could not be taken." in html
    assert "Row 3: owner holds a formula; type the value itself." in html
    assert "Row 4: there is no idea #99 in this programme." in html
    assert "Row 5: #3 isn&#39;t an action yet: assign it first." in html
    wrong = Workbook()
    wrong.active.title = "Sheet1"  # type: ignore[union-attr]
    out = io.BytesIO()
    wrong.save(out)
    status, html = await _upload(web, out.getvalue())
    assert status == 400 and "The workbook has no &#39;Actions&#39; sheet (it has: Sheet1)" in html
    status, html = await _upload(web, b"id,status\n1,done\n")
    assert status == 400 and "not an Excel workbook" in html
    status, html = await _upload(web, b"PK" + b"\0" * MAX_BYTES)
    assert status == 400 and f"workbooks of up to {MAX_BYTES // 2**20} MB are taken" in html
    after = await action_plan(web.services.engine.workshop, "default")
    assert [(i.status, i.owner, i.latest_note) for i in after.ideas] == [
        (i.status, i.owner, i.latest_note) for i in before.ideas
    ]


async def test_only_organisers_may_upload(web: Web) -> None:
    await _scripted(web)
    body, _ = await _download(web, "/plan.xlsx")
    edited = _edited(body, {1: {"status": "done"}})
    link = web.link("/plan/actions")
    response = await web.http.get(link)
    assert response.status == 200
    html = await response.text()
    assert "Only organisers can bring action updates back" in html and "<form" not in html
    form = FormData()
    form.add_field("workbook", io.BytesIO(edited), filename="plan.xlsx", content_type=XLSX)
    response = await web.http.post(link, data=form)
    assert response.status == 403
    assert (await _upload(web, edited, headers={}))[0] == 401
    plan = await action_plan(web.services.engine.workshop, "default")
    assert {i.number: i.status for i in plan.ideas}[1] is Status.AGREED
    _, html = await _page(web)
    _, plan_html = await web.http.get("/plan", headers=BEARER), None
    del plan_html
    assert "Update actions from the workbook" in html
