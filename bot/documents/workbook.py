"""The plan as a workbook (XLSX), and its Actions sheet read back.

Sheets: Ideas (every field of the CSV export), Actions (one row per assigned idea: the sheet
organisers edit and bring back), Votes by audience (voters and votes per theme and audience) and
Grid (themes × actors). Written from the plan's stream a batch of ideas at a time and sent as
it is made (`bot.documents.xlsx`), so that 300,000 ideas stream rather than sit in memory or
wait to be zipped; every text is an inline string, so an idea that starts with `=` reads as
typed and never runs as a formula. Read back with openpyxl.
"""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from collections.abc import AsyncGenerator, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from openpyxl import load_workbook

from bot.core import action_sheet, export
from bot.core.action_sheet import ACTIONS_SHEET, MAX_BYTES, MAX_ROWS, SheetRefused, SheetRow
from bot.core.domain import Idea
from bot.core.plan_export import Listing, PlanStream
from bot.core.playbook import Actor, Theme
from bot.documents.xlsx import StreamingWorkbook

SHEETS = ("Ideas", ACTIONS_SHEET, "Votes by audience", "Grid")


async def xlsx_chunks(plan: PlanStream, exported_at: datetime) -> AsyncGenerator[bytes]:
    """The workbook's bytes as they are made: each batch of ideas written and compressed on a
    worker thread, then handed over (`bot.documents.xlsx`), so that memory holds one batch."""
    playbook = plan.playbook
    book = StreamingWorkbook(SHEETS)

    async def written(rows: Iterable[Sequence[Any]], header: bool = False) -> bytes:
        await asyncio.to_thread(book.rows, rows, header)
        return book.take()

    audiences = [a.key for a in playbook.audiences]
    book.sheet()
    yield await written([[*export.IDEA_FIELDS, *(f"votes_{a}" for a in audiences)]], True)
    for theme in plan.themes:
        async for batch in plan.recorded(theme.key):
            yield await written(_idea_rows(plan, batch, audiences))
    book.sheet()
    yield await written([list(action_sheet.COLUMNS)], True)
    for theme in plan.themes:
        for actor in playbook.actors:
            async for batch in plan.ideas(Listing(theme.key, actor.key)):
                yield await written(_action_rows(theme, actor, batch))
    counted = await plan.reader.theme_votes()
    book.sheet()
    yield await written([["theme", "audience", "voters", "votes"]], True)
    yield await written(
        [
            [t.title, a.name, plan.voters(t.key).get(a.key, 0), counted.get((t.key, a.key), 0)]
            for t in plan.themes
            for a in playbook.audiences
        ]
    )
    book.sheet()
    names = [a.name for a in playbook.actors]
    yield await written([["Theme", *names, "Not yet assigned"]], True)
    grid = [
        [t.title, *(plan.count(t.key, a.key) for a in playbook.actors), plan.unassigned(t.key)]
        for t in plan.themes
    ]
    footer = [f"{plan.programme_name}, exported {exported_at:%Y-%m-%d %H:%M} UTC"]
    yield await written([*grid, [], footer])
    await asyncio.to_thread(book.close)
    yield book.take()


def _idea_rows(
    plan: PlanStream, ideas: Sequence[Idea], audiences: list[str]
) -> Iterator[list[Any]]:
    for idea in ideas:
        record = export.idea_record(plan.playbook, idea, plan.consensus(idea))
        by_audience = record["votes_by_audience"]
        yield [
            *(
                json.dumps(record[f]) if f in export.JSON_CELLS else record[f]
                for f in export.IDEA_FIELDS
            ),
            *(by_audience.get(a, 0) for a in audiences),
        ]


def _action_rows(theme: Theme, actor: Actor, ideas: Sequence[Idea]) -> Iterator[list[Any]]:
    """One row per action (assigned idea on the grid), in the order the grid shows them."""
    for idea in ideas:
        assignment = idea.assignment
        if assignment is None:
            continue
        note = idea.latest_note
        yield [
            idea.number,
            theme.title,
            idea.text,
            actor.name,
            assignment.style_key,
            assignment.stage_key,
            idea.status.value if idea.status else None,
            idea.owner,
            note.text if note else None,
            f"{note.created_at:%Y-%m-%d}" if note else None,
        ]


def read_actions(data: bytes) -> list[SheetRow]:
    """The Actions sheet's rows, refused as a whole when the file is not our workbook: too big,
    not an XLSX, no Actions sheet, or a sheet without its id/status/owner/latest_note columns."""
    if len(data) > MAX_BYTES:
        raise SheetRefused(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; workbooks of up to "
            f"{MAX_BYTES // 1024 // 1024} MB are taken."
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise SheetRefused("That is not an Excel workbook (.xlsx); export one with /plan.xlsx.")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SheetRefused("The workbook could not be read; export a fresh one.") from exc
    try:
        if ACTIONS_SHEET not in book.sheetnames:
            found = ", ".join(book.sheetnames) or "none"
            raise SheetRefused(
                f"The workbook has no '{ACTIONS_SHEET}' sheet (it has: {found}); "
                "bring back the workbook exported by howcanwe."
            )
        sheet = book[ACTIONS_SHEET]
        return _sheet_rows(sheet.iter_rows())
    finally:
        book.close()


def _sheet_rows(rows: Iterator[Any]) -> list[SheetRow]:
    header = next(rows, None)
    names = [str(c.value).strip() if c.value is not None else "" for c in header or ()]
    missing = [c for c in (action_sheet.ID, *action_sheet.EDITABLE) if c not in names]
    if missing:
        raise SheetRefused(
            f"The '{ACTIONS_SHEET}' sheet lacks the column(s) {', '.join(missing)} in its "
            "first row; bring back the workbook exported by howcanwe."
        )
    wanted = {n: names.index(n) for n in (action_sheet.ID, *action_sheet.EDITABLE)}
    read: list[SheetRow] = []
    for line, row in enumerate(rows, 2):
        if line - 1 > MAX_ROWS:
            raise SheetRefused(f"The sheet has more than {MAX_ROWS:,} rows.")
        cells = {n: (row[i] if i < len(row) else None) for n, i in wanted.items()}
        values = {n: (c.value if c is not None else None) for n, c in cells.items()}
        if all(v is None or str(v).strip() == "" for v in values.values()):
            continue  # a blank row, as spreadsheets leave at the end
        formulas = tuple(n for n, c in cells.items() if c is not None and c.data_type == "f")
        read.append(SheetRow(line, values, formulas))
    return read
