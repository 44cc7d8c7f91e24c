"""Ideas, in memory (`storage.ideas`): numbered once, edited, held back, merged."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from bot.core import domain, sketches
from bot.core.plan import rank
from bot.core.similarity import Fingerprint
from bot.core.sketches import Screen
from tests.fakes.memory import DraftRow, IdeaRow, Memory

EDITED = "idea.edited"


class MemoryIdeas(Memory):
    """Implements `bot.core.ports.IdeaStore`."""

    async def add_idea(
        self, new: domain.NewIdea, checked_through: int | None = None
    ) -> domain.IdeaAdded:
        programme = new.programme_key
        self._programme(programme)
        if new.request_key is not None:
            earlier = await self.idea_of_request(programme, new.request_key)
            if earlier is not None:
                return domain.IdeaAdded(domain.IdeaOutcome.REPEATED, earlier)
        if checked_through is not None and self._checkable(programme, checked_through):
            return domain.IdeaAdded(domain.IdeaOutcome.STALE)
        number = self._last_number.get(programme, 0) + 1
        self._last_number[programme] = number
        author_id = self._person(new.author)
        audience = self._channel(programme, new.where).audience
        now = self._clock.now()
        row = IdeaRow(self._next_id(), programme, number, new, author_id, audience, now, new.text)
        prompt = self._prompts.get(new.prompt_id) if new.prompt_id is not None else None
        row.challenge = prompt.prompt.challenge_index if prompt else None
        self._ideas[row.id] = row
        self._log(programme, number, new.author.key, "idea.added", theme=new.theme_key)
        return domain.IdeaAdded(domain.IdeaOutcome.ADDED, self._idea(row))

    def _checkable(self, programme: str, after: int) -> list[IdeaRow]:
        """Ideas a near-duplicate check could match, stored after number `after`."""
        return [
            row
            for row in self._idea_rows(programme)
            if row.number > after and row.merged_into is None
        ]

    async def idea_of_request(self, programme: str, request_key: str) -> domain.Idea | None:
        rows = self._idea_rows(programme)
        return next((self._idea(r) for r in rows if r.new.request_key == request_key), None)

    async def idea_of_message(
        self, programme: str, platform: str, source: str
    ) -> domain.Idea | None:
        rows = self._idea_rows(programme)
        return next(
            (
                self._idea(r)
                for r in rows
                if r.new.where.platform == platform and r.new.source_message == source
            ),
            None,
        )

    async def edit_idea(
        self, programme: str, number: int, text: str, by: domain.Participant
    ) -> domain.Idea | None:
        row = self._idea_row(programme, number)
        if row is None:
            return None
        old, row.text = row.text, text
        self._log(programme, number, by.key, EDITED, was=old)
        return self._idea(row)

    async def idea(self, programme: str, number: int) -> domain.Idea | None:
        row = self._idea_row(programme, number)
        return self._idea(row) if row is not None else None

    async def ideas(self, programme: str, theme_key: str | None = None) -> Sequence[domain.Idea]:
        rows = self._idea_rows(programme)
        return list(rank(self._idea(r) for r in rows if theme_key in (None, r.new.theme_key)))

    async def ideas_numbered(
        self, programme: str, numbers: Collection[int]
    ) -> Sequence[domain.Idea]:
        wanted = set(numbers)
        return [self._idea(r) for r in self._idea_rows(programme) if r.number in wanted]

    async def idea_texts(
        self, programme: str, after: int, newest: int | None = None
    ) -> Sequence[tuple[int, int, str]]:
        rows = [
            (row.id, row.number, row.text)
            for row in self._idea_rows(programme)
            if row.id > after and row.merged_into is None
        ]
        return rows if newest is None else rows[len(rows) - min(newest, len(rows)) :]

    async def lookalikes(
        self, programme: str, stems: Collection[str], needed: int, screen: Screen | None = None
    ) -> domain.Lookalikes:
        self._programme(programme)
        rows = [
            (row.number, row.text, len(Fingerprint.of(row.text).stems & set(stems)))
            for row in self._idea_rows(programme)
            if row.merged_into is None and not row.hidden
        ]
        rows = [row for row in rows if row[2] >= max(needed, 1)]
        if screen is not None and rows:  # as storage does, from each idea's sketch
            kept = screen.keeps(
                np.array([s for *_, s in rows]), [sketches.of(t) for _, t, _ in rows]
            )
            rows = [row for row, keep in zip(rows, kept, strict=True) if keep]
        found = tuple((number, text) for number, text, _ in rows)
        return domain.Lookalikes(found, self._last_number.get(programme, 0))

    async def save_draft(self, new: domain.NewIdea) -> int:
        self._programme(new.programme_key)
        author_id = self._person(new.author)
        draft_id = self._next_id()
        self._drafts[draft_id] = DraftRow(new, author_id, self._clock.now())
        return draft_id

    async def take_draft(
        self, programme: str, draft_id: int, author: domain.Participant
    ) -> domain.NewIdea | None:
        self._programme(programme)
        author_id = self._person(author)
        found = self._drafts.get(draft_id)
        if found is None or found.new.programme_key != programme or found.author_id != author_id:
            return None
        new = found.new
        del self._drafts[draft_id]
        return domain.NewIdea(programme, new.text, new.theme_key, author, new.where, new.prompt_id)

    async def merge(
        self, programme: str, source: int, target: int, by: domain.Participant
    ) -> domain.MergeResult:
        src, tgt = self._idea_row(programme, source), self._idea_row(programme, target)
        if src is None or tgt is None:
            return domain.MergeResult(domain.MergeOutcome.NO_SUCH_IDEA)
        if src.merged_into is not None or tgt.merged_into is not None:
            return domain.MergeResult(domain.MergeOutcome.ALREADY_MERGED)
        if src.hidden or tgt.hidden:
            return domain.MergeResult(domain.MergeOutcome.HIDDEN)
        target_voters = {voter for idea_id, voter in self._votes if idea_id == tgt.id}
        both = [
            voter for idea_id, voter in self._votes if idea_id == src.id and voter in target_voters
        ]
        for voter in both:
            del self._votes[(src.id, voter)]
        moving = [voter for idea_id, voter in self._votes if idea_id == src.id]
        other_theme = src.new.theme_key != tgt.new.theme_key
        self._refund(programme, both + (moving if other_theme else []), src.new.theme_key)
        if other_theme:
            for voter in moving:  # the vote now counts in the target's theme
                key = (programme, voter, tgt.new.theme_key)
                self._used[key] = self._used.get(key, 0) + 1
        for voter in moving:
            self._votes[(tgt.id, voter)] = self._votes.pop((src.id, voter))
        for row in self._ideas.values():
            if row.id == src.id or row.merged_into == src.id:
                row.merged_into = tgt.id
        self._person(by)
        self._log(programme, source, by.key, "idea.merged", into=target)
        self._log(programme, target, by.key, "idea.merged", source=source)
        merged = self._idea(tgt)
        return domain.MergeResult(domain.MergeOutcome.MERGED, merged, len(moving), len(both))
