"""The day's steps shaped for pages: backers, reactions by audience, the synthesis's sections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core import agenda_cards
from bot.core.agenda import Contribution, Day, EvidenceItem, Reaction, Tally
from bot.core.playbook import Playbook


@dataclass(frozen=True, slots=True)
class DayWords:
    """How the day's contributions and reactions read on a page, worded as on the cards."""

    playbook: Playbook

    def backers(self, contribution: Contribution) -> str:
        return "backed by " + agenda_cards.by_audience(contribution.backers, self.playbook)

    def sections(self, text: str) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
        return agenda_cards.sections(text)

    def when(self, moment: datetime) -> str:
        return f"{moment.day} {moment:%b %Y, %H:%M} UTC"

    def tally(self, day: Day, item: EvidenceItem) -> Tally:
        return day.tallies.get(item.key, Tally())

    def reaction_rows(self, tally: Tally) -> list[tuple[str, list[int], int]]:
        """(reaction, counts in the playbook's audience order, total) for each reaction."""
        rows = []
        for reaction in Reaction:
            counts = tally.counts.get(reaction.value, {})
            by_audience = [counts.get(a.key, 0) for a in self.playbook.audiences]
            rows.append((reaction.value, by_audience, tally.total(reaction)))
        return rows

    def audience(self, key: str) -> str:
        return next((a.name for a in self.playbook.audiences if a.key == key), key)
