"""Flags, hiding and unhiding ideas, and an idea's recorded history."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select, update

from bot.core import domain
from storage import models as m
from storage import plan_ranks, tallies
from storage.database import as_utc as _utc
from storage.store import Store


class SqlModeration(Store):
    """Implements `bot.core.ports.ModerationStore`."""

    async def flag(
        self, programme: str, number: int, who: domain.Participant, reason: str
    ) -> domain.ModerationResult:
        def tx(conn: Connection) -> domain.ModerationResult:
            pid = self._programme_id(conn, programme)
            idea_id = conn.scalar(
                select(m.Idea.id).where(m.Idea.programme_id == pid, m.Idea.number == number)
            )
            if idea_id is None:
                return domain.ModerationResult(domain.Outcome.NO_SUCH_IDEA)
            inserted = conn.scalar(
                self._insert(m.Flag)
                .values(
                    idea_id=idea_id,
                    participant_id=self._participant_id(conn, who),
                    reason=reason,
                    open=True,
                    flagged_at=self._clock.now(),
                )
                .on_conflict_do_nothing(index_elements=["idea_id", "participant_id"])
                .returning(m.Flag.id)
            )
            idea = self._one_idea(conn, pid, number)
            if inserted is None:
                return domain.ModerationResult(domain.Outcome.ALREADY, idea)
            self._log(conn, pid, number, who.key, "idea.flagged")
            return domain.ModerationResult(domain.Outcome.DONE, idea)

        return await self._write(tx)

    async def open_flags(self, programme: str) -> Sequence[domain.Flag]:
        def tx(conn: Connection) -> list[domain.Flag]:
            pid = self._programme_id(conn, programme)
            rows = conn.execute(
                select(
                    m.Idea.number,
                    m.Flag.reason,
                    m.Flag.flagged_at,
                    m.Participant.platform,
                    m.Participant.user_id,
                    m.Participant.display_name,
                )
                .join(m.Idea, m.Idea.id == m.Flag.idea_id)
                .join(m.Participant, m.Participant.id == m.Flag.participant_id)
                .where(m.Idea.programme_id == pid, m.Flag.open.is_(True))
                .order_by(m.Flag.id)
            )
            return [
                domain.Flag(
                    r.number,
                    r.reason or "",
                    domain.Participant(r.platform, r.user_id, r.display_name),
                    _utc(r.flagged_at),
                )
                for r in rows
            ]

        return await self._read(tx)

    def _close_flags(self, conn: Connection, idea_id: int) -> int:
        closed = conn.execute(
            update(m.Flag)
            .where(m.Flag.idea_id == idea_id, m.Flag.open.is_(True))
            .values(open=False)
        )
        return int(closed.rowcount or 0)

    async def keep(self, programme: str, number: int, by: domain.Participant) -> int | None:
        """Dismiss an idea's open flags; how many, or None if there is no such idea."""

        def tx(conn: Connection) -> int | None:
            pid = self._programme_id(conn, programme)
            idea_id = conn.scalar(
                select(m.Idea.id).where(m.Idea.programme_id == pid, m.Idea.number == number)
            )
            if idea_id is None:
                return None
            closed = self._close_flags(conn, idea_id)
            self._log(conn, pid, number, by.key, "idea.kept", flags=closed)
            return closed

        return await self._write(tx)

    async def set_hidden(
        self, programme: str, number: int, hidden: bool, by: domain.Participant, budget: int
    ) -> domain.ModerationResult:
        """Hide (refunding its voters) or unhide (charging them again, up to `budget`; a voter
        already at the limit keeps the vote without a charge)."""

        def tx(conn: Connection) -> domain.ModerationResult:
            pid = self._programme_id(conn, programme)
            row, refused = self._changeable(conn, pid, number)
            if refused is not None:
                return refused
            if bool(row.hidden) == hidden:
                return domain.ModerationResult(
                    domain.Outcome.ALREADY, self._one_idea(conn, pid, number)
                )
            tallies.hold(conn, (row.id,))
            before = tallies.of_ideas(conn, (row.id,))
            voters = list(
                conn.scalars(select(m.Vote.participant_id).where(m.Vote.idea_id == row.id))
            )
            uncharged = 0
            if hidden:
                self._refund(conn, pid, voters, row.theme_key)
                self._close_flags(conn, row.id)
            else:
                for voter_id in voters:
                    if self._spend(conn, pid, voter_id, row.theme_key, budget) is None:
                        uncharged += 1
            conn.execute(update(m.Idea).where(m.Idea.id == row.id).values(hidden=hidden))
            # A hidden idea's votes stay, but count for no theme's voters.
            tallies.apply(conn, self._dialect, tallies.of_ideas(conn, (row.id,)) - before)
            plan_ranks.follow(conn, self._dialect, (row.id,))
            action = "idea.hidden" if hidden else "idea.unhidden"
            self._log(conn, pid, number, by.key, action, voters=len(voters), uncharged=uncharged)
            idea = self._one_idea(conn, pid, number)
            return domain.ModerationResult(domain.Outcome.DONE, idea, len(voters), uncharged)

        return await self._write(tx)

    async def move(
        self,
        programme: str,
        number: int,
        theme_key: str,
        challenge: int | None,
        by: domain.Participant,
        budget: int,
    ) -> domain.ModerationResult:
        def tx(conn: Connection) -> domain.ModerationResult:
            pid = self._programme_id(conn, programme)
            row, refused = self._changeable(conn, pid, number)
            if refused is not None:
                return refused
            moving = row.theme_key != theme_key
            tallies.hold(conn, (row.id,))
            before = tallies.of_ideas(conn, (row.id,))
            voters = sorted(
                conn.scalars(select(m.Vote.participant_id).where(m.Vote.idea_id == row.id))
            )
            uncharged = 0
            if moving and not row.hidden:
                self._refund(conn, pid, voters, row.theme_key)
                for voter_id in voters:
                    if self._spend(conn, pid, voter_id, theme_key, budget) is None:
                        uncharged += 1
            refiled: dict[str, object] = {"theme_key": theme_key, "challenge_index": challenge}
            if moving:
                refiled["prompt_id"] = None  # the prompt it replied to is another theme's
            conn.execute(update(m.Idea).where(m.Idea.id == row.id).values(**refiled))
            conn.execute(update(m.Idea).where(m.Idea.merged_into == row.id).values(**refiled))
            # Its voters now count in the theme it moved to.
            tallies.apply(conn, self._dialect, tallies.of_ideas(conn, (row.id,)) - before)
            plan_ranks.follow(conn, self._dialect, (row.id,))
            self._log(
                conn,
                pid,
                number,
                by.key,
                "idea.moved",
                from_theme=row.theme_key,
                from_challenge=_shown(row.challenge_index),
                to_theme=theme_key,
                to_challenge=_shown(challenge),
                voters=len(voters),
                uncharged=uncharged,
            )
            idea = self._one_idea(conn, pid, number)
            return domain.ModerationResult(domain.Outcome.DONE, idea, len(voters), uncharged)

        return await self._write(tx)

    async def history(self, programme: str, number: int) -> Sequence[domain.HistoryEntry]:
        def tx(conn: Connection) -> list[domain.HistoryEntry]:
            pid = self._programme_id(conn, programme)
            rows = conn.execute(
                select(
                    m.History.idea_number,
                    m.History.who,
                    m.History.action,
                    m.History.detail,
                    m.History.at,
                )
                .where(m.History.programme_id == pid, m.History.idea_number == number)
                .order_by(m.History.id)
            )
            return [
                domain.HistoryEntry(h.idea_number, h.who, h.action, dict(h.detail), _utc(h.at))
                for h in rows
            ]

        return await self._read(tx)


def _shown(challenge: int | None) -> int | None:
    """A challenge as people number it (1, 2, …) in the history."""
    return None if challenge is None else challenge + 1
