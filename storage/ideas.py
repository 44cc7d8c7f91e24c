"""Ideas: numbered once (a replayed request adds nothing), edited, held back, merged."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from bot.core import domain, sketches
from bot.core.plan import rank
from storage import models as m
from storage import plan_ranks, postings, tallies
from storage.store import EDITED, Store

# Numbers bound in one read: well under SQLite's limit on a statement's variables (32,766).
NUMBERS_PER_READ = 5000


class SqlIdeas(Store):
    """Implements `bot.core.ports.IdeaStore`."""

    async def add_idea(
        self, new: domain.NewIdea, checked_through: int | None = None
    ) -> domain.IdeaAdded:
        def tx(conn: Connection) -> domain.IdeaAdded:
            pid = self._programme_id(conn, new.programme_key)
            # The programme's row is the lock every new idea takes, in every process: the
            # checks below and the insert are one decision.
            last = conn.execute(
                select(m.Programme.last_number).where(m.Programme.id == pid).with_for_update()
            ).scalar_one()
            if new.request_key is not None:
                earlier = self._requested(conn, pid, new.request_key)
                if earlier is not None:
                    return domain.IdeaAdded(domain.IdeaOutcome.REPEATED, earlier)
            if checked_through is not None and self._stored_after(conn, pid, checked_through):
                return domain.IdeaAdded(domain.IdeaOutcome.STALE)
            number = last + 1
            bump = update(m.Programme).where(m.Programme.id == pid).values(last_number=number)
            conn.execute(bump)
            author_id = self._participant_id(conn, new.author)
            channel_id, _, audience = self._channel_row(conn, pid, new.where)
            now = self._clock.now()
            idea_id = conn.execute(
                insert(m.Idea)
                .values(
                    programme_id=pid,
                    number=number,
                    theme_key=new.theme_key,
                    prompt_id=new.prompt_id,
                    challenge_index=self._challenge_of(new.prompt_id),
                    text=new.text,
                    sketch=sketches.of(new.text),
                    author_id=author_id,
                    platform=new.where.platform,
                    channel_id=channel_id,
                    audience=audience,
                    created_at=now,
                    suggested_actor=new.suggestion.actor_key if new.suggestion else None,
                    suggested_style=new.suggestion.style_key if new.suggestion else None,
                    suggested_because=(
                        json.dumps(list(new.suggested_because)) if new.suggested_because else None
                    ),
                    request_key=new.request_key,
                    source_message=new.source_message,
                )
                .returning(m.Idea.id)
            ).scalar_one()
            postings.post(conn, pid, idea_id, postings.keys(new.text))
            added = tallies.added_idea(pid, now, author_id, audience, new.where.platform)
            tallies.apply(conn, self._dialect, added)
            plan_ranks.follow(conn, self._dialect, (idea_id,))
            self._log(conn, pid, number, new.author.key, "idea.added", theme=new.theme_key)
            return domain.IdeaAdded(domain.IdeaOutcome.ADDED, self._one_idea(conn, pid, number))

        return await self._write(tx)

    @staticmethod
    def _challenge_of(prompt_id: int | None) -> Any:
        """The challenge an idea answers is its prompt's, read in the insert itself."""
        if prompt_id is None:
            return None
        return select(m.Prompt.challenge_index).where(m.Prompt.id == prompt_id).scalar_subquery()

    def _requested(self, conn: Connection, pid: int, request_key: str) -> domain.Idea | None:
        number = conn.scalar(
            select(m.Idea.number).where(
                m.Idea.programme_id == pid, m.Idea.request_key == request_key
            )
        )
        return None if number is None else self._one_idea(conn, pid, number)

    @staticmethod
    def _stored_after(conn: Connection, pid: int, number: int) -> bool:
        """Whether an idea a near-duplicate check could match was stored after `number`."""
        later = select(m.Idea.id).where(
            m.Idea.programme_id == pid, m.Idea.number > number, m.Idea.merged_into.is_(None)
        )
        return conn.scalar(later.limit(1)) is not None

    async def idea_of_request(self, programme: str, request_key: str) -> domain.Idea | None:
        def tx(conn: Connection) -> domain.Idea | None:
            return self._requested(conn, self._programme_id(conn, programme), request_key)

        return await self._read(tx)

    async def idea_of_message(
        self, programme: str, platform: str, source: str
    ) -> domain.Idea | None:
        def tx(conn: Connection) -> domain.Idea | None:
            pid = self._programme_id(conn, programme)
            number = conn.scalar(
                select(m.Idea.number).where(
                    m.Idea.programme_id == pid,
                    m.Idea.platform == platform,
                    m.Idea.source_message == source,
                )
            )
            return None if number is None else self._one_idea(conn, pid, number)

        return await self._read(tx)

    async def edit_idea(
        self, programme: str, number: int, text: str, by: domain.Participant
    ) -> domain.Idea | None:
        def tx(conn: Connection) -> domain.Idea | None:
            pid = self._programme_id(conn, programme)
            postings.lock(conn, pid)
            row = conn.execute(
                select(m.Idea.id, m.Idea.text)
                .where(m.Idea.programme_id == pid, m.Idea.number == number)
                .with_for_update()
            ).first()
            if row is None:
                return None
            conn.execute(
                update(m.Idea)
                .where(m.Idea.id == row.id)
                .values(text=text, sketch=sketches.of(text))
            )
            was, now = postings.keys(row.text), postings.keys(text)
            postings.unpost(conn, pid, row.id, was - now)
            postings.post(conn, pid, row.id, now - was)
            self._log(conn, pid, number, by.key, EDITED, was=row.text)
            return self._one_idea(conn, pid, number)

        return await self._write(tx)

    async def idea(self, programme: str, number: int) -> domain.Idea | None:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            found = self._ideas(conn, pid, numbers=[number])
            return found[0] if found else None

        return await self._read(tx)

    async def ideas(self, programme: str, theme_key: str | None = None) -> Sequence[domain.Idea]:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            found = self._ideas(conn, pid, theme_key=theme_key)
            return list(rank(found))

        return await self._read(tx)

    async def ideas_numbered(
        self, programme: str, numbers: Collection[int]
    ) -> Sequence[domain.Idea]:
        wanted = sorted(set(numbers))

        def tx(conn: Connection) -> list[domain.Idea]:
            pid = self._programme_id(conn, programme)
            return [
                idea
                for start in range(0, len(wanted), NUMBERS_PER_READ)
                for idea in self._ideas(conn, pid, numbers=wanted[start : start + NUMBERS_PER_READ])
            ]

        return await self._read(tx)

    async def idea_texts(
        self, programme: str, after: int, newest: int | None = None
    ) -> Sequence[tuple[int, int, str]]:
        def tx(conn: Connection) -> list[tuple[int, int, str]]:
            pid = self._programme_id(conn, programme)
            query = select(m.Idea.id, m.Idea.number, m.Idea.text).where(
                m.Idea.programme_id == pid, m.Idea.id > after, m.Idea.merged_into.is_(None)
            )
            if newest is None:
                rows = list(conn.execute(query.order_by(m.Idea.id)))
            else:
                rows = list(conn.execute(query.order_by(m.Idea.id.desc()).limit(newest)))[::-1]
            return [(row.id, row.number, row.text) for row in rows]

        return await self._read(tx)

    async def lookalikes(
        self,
        programme: str,
        stems: Collection[str],
        needed: int,
        screen: sketches.Screen | None = None,
    ) -> domain.Lookalikes:
        def tx(conn: Connection) -> domain.Lookalikes:
            pid = self._programme_id(conn, programme)
            return postings.sharing(conn, pid, stems, needed, screen)

        return await self._read(tx)

    async def save_draft(self, new: domain.NewIdea) -> int:
        def tx(conn: Connection) -> int:
            pid = self._programme_id(conn, new.programme_key)
            where = new.where
            return int(
                conn.execute(
                    insert(m.Draft)
                    .values(
                        programme_id=pid,
                        author_id=self._participant_id(conn, new.author),
                        text=new.text,
                        theme_key=new.theme_key,
                        prompt_id=new.prompt_id,
                        where={
                            "platform": where.platform,
                            "workspace_id": where.workspace_id,
                            "channel_id": where.channel_id,
                            "channel_name": where.channel_name,
                            "thread_id": where.thread_id,
                        },
                        created_at=self._clock.now(),
                    )
                    .returning(m.Draft.id)
                ).scalar_one()
            )

        return await self._write(tx)

    async def take_draft(
        self, programme: str, draft_id: int, author: domain.Participant
    ) -> domain.NewIdea | None:
        def tx(conn: Connection) -> domain.NewIdea | None:
            pid = self._programme_id(conn, programme)
            row = conn.execute(
                delete(m.Draft)
                .where(
                    m.Draft.id == draft_id,
                    m.Draft.programme_id == pid,
                    m.Draft.author_id == self._participant_id(conn, author),
                )
                .returning(m.Draft.text, m.Draft.theme_key, m.Draft.prompt_id, m.Draft.where)
            ).first()
            if row is None:
                return None
            where = domain.ConversationRef(**row.where)
            return domain.NewIdea(programme, row.text, row.theme_key, author, where, row.prompt_id)

        return await self._write(tx)

    async def merge(
        self, programme: str, source: int, target: int, by: domain.Participant
    ) -> domain.MergeResult:
        def tx(conn: Connection) -> domain.MergeResult:
            pid = self._programme_id(conn, programme)
            rows = {
                row.number: row
                for row in conn.execute(
                    select(
                        m.Idea.id,
                        m.Idea.number,
                        m.Idea.theme_key,
                        m.Idea.merged_into,
                        m.Idea.hidden,
                    )
                    .where(m.Idea.programme_id == pid, m.Idea.number.in_((source, target)))
                    .order_by(m.Idea.id)
                    .with_for_update()  # votes on either wait for the merge (PostgreSQL)
                )
            }
            if source not in rows or target not in rows:
                return domain.MergeResult(domain.MergeOutcome.NO_SUCH_IDEA)
            src, tgt = rows[source], rows[target]
            if src.merged_into is not None or tgt.merged_into is not None:
                return domain.MergeResult(domain.MergeOutcome.ALREADY_MERGED)
            if src.hidden or tgt.hidden:
                return domain.MergeResult(domain.MergeOutcome.HIDDEN)
            tallies.hold(conn, (src.id, tgt.id))
            before = tallies.of_ideas(conn, (src.id, tgt.id))
            both = (
                conn.execute(
                    delete(m.Vote)
                    .where(
                        m.Vote.idea_id == src.id,
                        m.Vote.participant_id.in_(
                            select(m.Vote.participant_id).where(m.Vote.idea_id == tgt.id)
                        ),
                    )
                    .returning(m.Vote.participant_id)
                )
                .scalars()
                .all()
            )
            moving = (
                conn.execute(select(m.Vote.participant_id).where(m.Vote.idea_id == src.id))
                .scalars()
                .all()
            )
            refunded = list(both) + (list(moving) if src.theme_key != tgt.theme_key else [])
            self._refund(conn, pid, refunded, src.theme_key)
            if src.theme_key != tgt.theme_key:
                for voter_id in moving:  # the vote now counts in the target's theme
                    conn.execute(
                        self._insert(m.VoteBudget)
                        .values(
                            programme_id=pid,
                            participant_id=voter_id,
                            theme_key=tgt.theme_key,
                            used=1,
                        )
                        .on_conflict_do_update(
                            index_elements=["programme_id", "participant_id", "theme_key"],
                            set_={"used": m.VoteBudget.used + 1},
                        )
                    )
            conn.execute(update(m.Vote).where(m.Vote.idea_id == src.id).values(idea_id=tgt.id))
            # After the budgets, as every writer: the tallies move with the votes.
            tallies.apply(conn, self._dialect, tallies.of_ideas(conn, (src.id, tgt.id)) - before)
            conn.execute(
                update(m.Idea)
                .where((m.Idea.id == src.id) | (m.Idea.merged_into == src.id))
                .values(merged_into=tgt.id)
            )
            plan_ranks.follow(conn, self._dialect, (src.id, tgt.id))
            self._participant_id(conn, by)
            self._log(conn, pid, source, by.key, "idea.merged", into=target)
            self._log(conn, pid, target, by.key, "idea.merged", source=source)
            merged = self._one_idea(conn, pid, target)
            return domain.MergeResult(domain.MergeOutcome.MERGED, merged, len(moving), len(both))

        return await self._write(tx)
