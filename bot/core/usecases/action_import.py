"""Organisers' action updates brought back in the workbook: checked row by row against the plan,
then applied all together in one transaction, with history, or not at all."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core import cards
from bot.core.action_sheet import Checked, Rejected, SheetRow, check
from bot.core.domain import Participant
from bot.core.workshop import Workshop

log = logging.getLogger(__name__)
REJECTIONS_SHOWN = 50  # a report names this many rejected rows, then counts the rest


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What became of a sheet: `applied` ideas changed, or none when any row was rejected."""

    applied: int
    unchanged: int
    rejected: tuple[Rejected, ...]

    @property
    def ok(self) -> bool:
        return not self.rejected

    def lines(self) -> list[str]:
        """The report as people read it: what changed, or every rejected row and why."""
        if self.ok:
            return [
                f"{cards.plural(self.applied, 'action')} updated, "
                f"{cards.plural(self.unchanged, 'row')} unchanged."
            ]
        shown = [f"Row {r.line}: {r.reason}." for r in self.rejected[:REJECTIONS_SHOWN]]
        rest = len(self.rejected) - len(shown)
        return [
            f"Nothing was changed: {cards.plural(len(self.rejected), 'row')} "
            "could not be taken. Correct the rows listed and bring the sheet back.",
            *shown,
            *([f"…and {cards.plural(rest, 'more row')}."] if rest > 0 else []),
        ]


async def import_actions(
    ws: Workshop, programme: str, rows: Sequence[SheetRow], by: Participant
) -> ImportReport:
    await ws.ready(programme)
    ideas = {i.number: i for i in await ws.ideas.ideas(programme)}
    checked: Checked = check(rows, ideas)
    if checked.rejected:
        log.info(
            "action sheet refused",
            extra={"programme": programme, "rows": len(rows), "rejected": len(checked.rejected)},
        )
        return ImportReport(0, checked.unchanged, checked.rejected)
    applied = await ws.plan.apply_actions(programme, checked.changes, by)
    log.info(
        "action sheet applied",
        extra={"programme": programme, "rows": len(rows), "applied": applied},
    )
    return ImportReport(applied, checked.unchanged, ())
