"""Organisers' action updates brought back in a spreadsheet: every row checked against the plan
before anything changes (pure rules; the workbook reader and the import use case call them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.core.domain import Idea, Status

ACTIONS_SHEET = "Actions"
# The Actions sheet's columns: the first four are read back, the rest are there to read.
ID, STATUS, OWNER, NOTE = "id", "status", "owner", "latest_note"
EDITABLE = (STATUS, OWNER, NOTE)
COLUMNS = (ID, "theme", "idea", "actor", "style", "stage", STATUS, OWNER, NOTE, "noted_on")
# The exported workbook comes back whole, Ideas sheet and all: 100,000 ideas make about 15 MB.
MAX_BYTES = 32 * 1024 * 1024
MAX_ROWS = 100_000  # an Actions sheet as long as the biggest programme measured has ideas
MAX_OWNER_CHARS = 200  # as `action 12 owner "…"` takes
MAX_NOTE_CHARS = 1000  # as `action 12 note "…"` takes


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One row as the sheet holds it: `line` is its row number in the spreadsheet."""

    line: int
    cells: Mapping[str, object]
    formulas: tuple[str, ...] = ()  # columns holding a formula rather than a value


@dataclass(frozen=True, slots=True)
class ActionChange:
    """What one row changes: None leaves that part as it is."""

    number: int
    status: Status | None = None
    owner: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Rejected:
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class Checked:
    changes: tuple[ActionChange, ...]
    rejected: tuple[Rejected, ...]
    unchanged: int  # rows that say what the plan already says


class SheetRefused(Exception):
    """The file as a whole cannot be read as the Actions sheet: nothing is looked at further."""


def check(rows: Sequence[SheetRow], ideas: Mapping[int, Idea]) -> Checked:
    """Each row against the plan as it stands: an action (an assigned idea) named by its number,
    a known status, an owner and a note of the lengths chat takes, no formulas; one row per
    idea. Only what differs from the plan becomes a change."""
    changes: list[ActionChange] = []
    rejected: list[Rejected] = []
    seen: dict[int, int] = {}
    unchanged = 0
    for row in rows:
        try:
            change = _row(row, ideas, seen)
        except _Bad as bad:
            rejected.append(Rejected(row.line, str(bad)))
            continue
        if change is None:
            unchanged += 1
        else:
            changes.append(change)
    return Checked(tuple(changes), tuple(rejected), unchanged)


def named(rows: Sequence[SheetRow]) -> frozenset[int]:
    """The idea numbers the rows name, to read just those ideas (`check` refuses the rest)."""
    found: set[int] = set()
    for row in rows:
        try:
            found.add(_number(row.cells.get(ID)))
        except _Bad:
            continue
    return frozenset(found)


class _Bad(Exception):
    """A row refused: its message is the reason the report gives for that row."""


def _row(row: SheetRow, ideas: Mapping[int, Idea], seen: dict[int, int]) -> ActionChange | None:
    if row.formulas:
        raise _Bad(f"{', '.join(row.formulas)} holds a formula; type the value itself")
    number = _number(row.cells.get(ID))
    if number in seen:
        raise _Bad(f"#{number} is already on row {seen[number]}")
    seen[number] = row.line
    idea = ideas.get(number)
    if idea is None:
        raise _Bad(f"there is no idea #{number} in this programme")
    if idea.assignment is None:
        raise _Bad(f"#{number} isn't an action yet: assign it first")
    status = _status(row.cells.get(STATUS))
    owner = _text(row.cells.get(OWNER), OWNER, MAX_OWNER_CHARS)
    note = _text(row.cells.get(NOTE), NOTE, MAX_NOTE_CHARS)
    if owner is None and idea.owner:
        raise _Bad(f"the owner of #{number} can't be removed; keep it or name another")
    latest = idea.latest_note.text if idea.latest_note else None
    change = ActionChange(
        number,
        status if status is not None and status != idea.status else None,
        owner if owner != idea.owner else None,
        note if note is not None and note != latest else None,
    )
    if change == ActionChange(number):
        return None
    return change


def _number(value: object) -> int:
    if isinstance(value, bool) or value is None or value == "":
        raise _Bad("the id is missing")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().lstrip("#")
    if not text.isdigit():
        raise _Bad(f"the id '{value}' is not an idea number")
    return int(text)


def _status(value: object) -> Status | None:
    if value is None or str(value).strip() == "":
        return None
    wanted = str(value).strip().lower()
    for status in Status:
        if status.value == wanted:
            return status
    names = ", ".join(s.value for s in Status)
    raise _Bad(f"there is no status '{value}'; use one of: {names}")


def _text(value: object, column: str, limit: int) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    if not text:
        return None
    if len(text) > limit:
        raise _Bad(f"the {column} is {len(text):,} characters long; keep it within {limit:,}")
    return text
