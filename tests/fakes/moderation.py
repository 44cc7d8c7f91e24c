"""Flags, hiding and unhiding ideas, and an idea's recorded history, in memory
(`storage.moderation`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.core import domain
from tests.fakes.memory import FlagRow, Memory


class MemoryModeration(Memory):
    """Implements `bot.core.ports.ModerationStore`."""

    async def flag(
        self, programme: str, number: int, who: domain.Participant, reason: str
    ) -> domain.ModerationResult:
        row = self._idea_row(programme, number)
        if row is None:
            return domain.ModerationResult(domain.Outcome.NO_SUCH_IDEA)
        person = self._person(who)
        if any(f.idea_id == row.id and f.person_id == person for f in self._flags):
            return domain.ModerationResult(domain.Outcome.ALREADY, self._idea(row))
        self._flags.append(FlagRow(row.id, person, reason, self._clock.now()))
        self._log(programme, number, who.key, "idea.flagged")
        return domain.ModerationResult(domain.Outcome.DONE, self._idea(row))

    async def open_flags(self, programme: str) -> Sequence[domain.Flag]:
        ideas = {r.id: r.number for r in self._idea_rows(programme)}
        return [
            domain.Flag(
                ideas[f.idea_id], f.reason or "", self._participant(f.person_id), f.flagged_at
            )
            for f in self._flags
            if f.open and f.idea_id in ideas
        ]

    def _close_flags(self, idea_id: int) -> int:
        closing = [f for f in self._flags if f.idea_id == idea_id and f.open]
        for f in closing:
            f.open = False
        return len(closing)

    async def keep(self, programme: str, number: int, by: domain.Participant) -> int | None:
        row = self._idea_row(programme, number)
        if row is None:
            return None
        closed = self._close_flags(row.id)
        self._log(programme, number, by.key, "idea.kept", flags=closed)
        return closed

    async def set_hidden(
        self, programme: str, number: int, hidden: bool, by: domain.Participant, budget: int
    ) -> domain.ModerationResult:
        row = self._idea_row(programme, number)
        if row is None:
            return domain.ModerationResult(domain.Outcome.NO_SUCH_IDEA)
        if row.merged_into is not None:
            return domain.ModerationResult(domain.Outcome.MERGED, self._idea(row))
        if row.hidden == hidden:
            return domain.ModerationResult(domain.Outcome.ALREADY, self._idea(row))
        voters = [voter for idea_id, voter in self._votes if idea_id == row.id]
        uncharged = 0
        if hidden:
            self._refund(programme, voters, row.new.theme_key)
            self._close_flags(row.id)
        else:
            for voter in voters:
                if self._spend(programme, voter, row.new.theme_key, budget) is None:
                    uncharged += 1
        row.hidden = hidden
        action = "idea.hidden" if hidden else "idea.unhidden"
        self._log(programme, number, by.key, action, voters=len(voters), uncharged=uncharged)
        return domain.ModerationResult(domain.Outcome.DONE, self._idea(row), len(voters), uncharged)

    async def move(
        self,
        programme: str,
        number: int,
        theme_key: str,
        challenge: int | None,
        by: domain.Participant,
        budget: int,
    ) -> domain.ModerationResult:
        row = self._idea_row(programme, number)
        if row is None:
            return domain.ModerationResult(domain.Outcome.NO_SUCH_IDEA)
        if row.merged_into is not None:
            return domain.ModerationResult(domain.Outcome.MERGED, self._idea(row))
        old_theme, old_challenge = row.new.theme_key, row.challenge
        moving = old_theme != theme_key
        voters = sorted(voter for idea_id, voter in self._votes if idea_id == row.id)
        uncharged = 0
        if moving and not row.hidden:
            self._refund(programme, voters, old_theme)
            for voter in voters:
                if self._spend(programme, voter, theme_key, budget) is None:
                    uncharged += 1
        for moved in [row, *(r for r in self._ideas.values() if r.merged_into == row.id)]:
            prompt_id = None if moving else moved.new.prompt_id
            moved.new = replace(moved.new, theme_key=theme_key, prompt_id=prompt_id)
            moved.challenge = challenge
        self._log(
            programme,
            number,
            by.key,
            "idea.moved",
            from_theme=old_theme,
            from_challenge=None if old_challenge is None else old_challenge + 1,
            to_theme=theme_key,
            to_challenge=None if challenge is None else challenge + 1,
            voters=len(voters),
            uncharged=uncharged,
        )
        return domain.ModerationResult(domain.Outcome.DONE, self._idea(row), len(voters), uncharged)

    async def history(self, programme: str, number: int) -> Sequence[domain.HistoryEntry]:
        self._programme(programme)
        return [e for e in self._history.get(programme, []) if e.number == number]
