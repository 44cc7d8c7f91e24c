"""Organisers' action updates brought back in the workbook: checked row by row against the plan,
then applied all together in one transaction, with history, or not at all. Once applied, each
changed idea's posted cards are rewritten and its channels and backers hear "you said, we did",
as they would after `action … <status>` in chat: in the background, after the report is
answered, since Slack paces message updates (about one a second) and a sheet of a hundred
changes would otherwise hold the upload past what a platform's router waits for."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core import cards
from bot.core.action_sheet import Checked, Rejected, SheetRow, check, named
from bot.core.domain import Anchor, AnchorKind, Idea, Participant
from bot.core.usecases import reminders
from bot.core.workshop import Workshop

log = logging.getLogger(__name__)
REJECTIONS_SHOWN = 50  # a report names this many rejected rows, then counts the rest


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What became of a sheet: `applied` ideas changed, or none when any row was rejected."""

    applied: int
    unchanged: int
    rejected: tuple[Rejected, ...]
    announcing: int = 0  # changed ideas whose cards are being rewritten, after this report

    @property
    def ok(self) -> bool:
        return not self.rejected

    def lines(self) -> list[str]:
        """The report as people read it: what changed, or every rejected row and why."""
        if self.ok:
            told = (
                [
                    f"The cards of {cards.plural(self.announcing, 'changed idea')} are being "
                    "rewritten where they were posted."
                ]
                if self.announcing
                else []
            )
            return [
                f"{cards.plural(self.applied, 'action')} updated, "
                f"{cards.plural(self.unchanged, 'row')} unchanged.",
                *told,
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
    ideas = {i.number: i for i in await ws.ideas.ideas_numbered(programme, named(rows))}
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
    changed = [change.number for change in checked.changes]
    if changed:
        told = asyncio.create_task(_announce(ws, programme, ideas, changed))
        ws.announcing.add(told)
        told.add_done_callback(ws.announcing.discard)
    return ImportReport(applied, checked.unchanged, (), len(changed))


async def announced(ws: Workshop, within: float | None = None) -> None:
    """Wait for the sheets' announcements under way (a one-shot command before it exits; a
    stopping server for at most `within` seconds, then the rest are cancelled: their changes
    are committed, and a card left unrewritten shows them at its next update)."""
    under_way = set(ws.announcing)
    if not under_way:
        return
    _, late = await asyncio.wait(under_way, timeout=within)
    for task in late:
        task.cancel()
    await asyncio.gather(*late, return_exceptions=True)
    if late:
        log.warning("sheet announcements cut short", extra={"sheets": len(late)})


async def _announce(
    ws: Workshop, programme: str, before: dict[int, Idea], changed: Sequence[int]
) -> None:
    try:
        now = await ws.ideas.ideas_numbered(programme, changed)
    except Exception:
        log.exception(
            "imported actions not announced", extra={"programme": programme, "ideas": len(changed)}
        )
        return
    for after in now:
        await _told(ws, programme, before[after.number], after)


async def _told(ws: Workshop, programme: str, before: Idea, after: Idea) -> None:
    """The idea's cards and "you said, we did" after a change that is already committed: a
    failure here is logged, and the cards catch up at their next refresh."""
    try:
        card = cards.idea_card(ws.playbook, after)
        for message in await ws.prompts.posts(programme, Anchor(AnchorKind.IDEA, after.number)):
            await ws.notifier.update(message, card)
        await reminders.you_said(ws, programme, before, after)
    except Exception:
        log.exception(
            "imported action not announced", extra={"programme": programme, "idea": after.number}
        )
