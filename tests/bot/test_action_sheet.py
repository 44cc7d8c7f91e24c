"""The rules a brought-back Actions sheet is held to, and the import that applies it whole or not
at all (on the in-memory stand-ins)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.action_sheet import ActionChange, SheetRow, check
from bot.core.domain import ActionNote, Assignment, Idea, Participant, Status
from bot.core.usecases.action_import import import_actions
from tests.bot.test_workshop import Room

WHEN = datetime(2026, 3, 2, tzinfo=UTC)


def _idea(number: int, assigned: bool = True, owner: str | None = None) -> Idea:
    return Idea(
        number=number,
        text=f"idea {number}",
        theme_key="inclusive-growth",
        author=Participant("console", "ann", "Ann"),
        platform="console",
        channel_name="town",
        audience="community",
        created_at=WHEN,
        assignment=Assignment("authority") if assigned else None,
        status=Status.PROPOSED if assigned else None,
        owner=owner,
        latest_note=ActionNote("started", "console:olive", WHEN) if assigned else None,
    )


IDEAS = {1: _idea(1, owner="WECA"), 2: _idea(2), 3: _idea(3, assigned=False)}


def _row(line: int, **cells: object) -> SheetRow:
    formulas = tuple(str(c) for c in cells.pop("formulas", ()))  # type: ignore[union-attr]
    return SheetRow(line, cells, formulas)


def test_only_what_differs_from_the_plan_becomes_a_change() -> None:
    checked = check(
        [
            _row(2, id=1, status="proposed", owner="WECA", latest_note="started"),
            _row(3, id="#2", status="DONE", owner="  Bath   Spa ", latest_note="finished"),
        ],
        IDEAS,
    )
    assert checked.rejected == ()
    assert checked.unchanged == 1
    assert checked.changes == (ActionChange(2, Status.DONE, "Bath Spa", "finished"),)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (_row(2, status="done"), "the id is missing"),
        (_row(2, id="twelve"), "the id 'twelve' is not an idea number"),
        (_row(2, id=9), "there is no idea #9 in this programme"),
        (_row(2, id=3, status="done"), "#3 isn't an action yet: assign it first"),
        (
            _row(2, id=2, status="finished"),
            "there is no status 'finished'; use one of: proposed, agreed, in-progress, done, "
            "dropped",
        ),
        (
            _row(2, id=1, owner=None),
            "the owner of #1 can't be removed; keep it or name another",
        ),
        (_row(2, id=2, owner="x" * 201), "the owner is 201 characters long; keep it within 200"),
        (
            _row(2, id=2, latest_note="x" * 1001),
            "the latest_note is 1,001 characters long; keep it within 1,000",
        ),
        (
            _row(2, id=2, status="done", formulas=("status",)),
            "status holds a formula; type the value itself",
        ),
    ],
)
def test_a_bad_row_is_rejected_with_its_reason(row: SheetRow, reason: str) -> None:
    checked = check([row], IDEAS)
    assert [(r.line, r.reason) for r in checked.rejected] == [(2, reason)]
    assert checked.changes == ()


def test_an_idea_twice_is_rejected_on_its_second_row() -> None:
    checked = check([_row(2, id=2, status="done"), _row(7, id=2, status="agreed")], IDEAS)
    assert [(r.line, r.reason) for r in checked.rejected] == [(7, "#2 is already on row 2")]


@pytest.fixture
def room(services) -> Room:
    return Room(services)


async def test_one_bad_row_keeps_every_other_change_out(room: Room) -> None:
    await room.cmd("olive", "prompt inclusive")
    await room.reply("ann", "Community hubs")
    await room.reply("ann", "Night buses")
    await room.cmd("olive", "assign 1 combined")
    await room.cmd("olive", "assign 2 individuals")
    ws = room.engine.workshop
    olive = Participant("console", "olive", "olive")
    rows = [_row(2, id=1, status="done"), _row(3, id=2, status="someday")]
    report = await import_actions(ws, "default", rows, olive)
    assert not report.ok and report.applied == 0
    assert report.lines()[1] == (
        "Row 3: there is no status 'someday'; use one of: proposed, agreed, in-progress, done, "
        "dropped."
    )
    assert {i.number: i.status for i in await ws.ideas.ideas("default")} == {
        1: Status.PROPOSED,
        2: Status.PROPOSED,
    }
    report = await import_actions(ws, "default", rows[:1], olive)
    assert report.ok and report.lines() == [
        "1 action updated, 0 rows unchanged.",
        "The cards of 1 changed idea are being rewritten where they were posted.",
    ]
    history = [e.action for e in await ws.moderation.history("default", 1)]
    assert history[-1] == "action.status"
