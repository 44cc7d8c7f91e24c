"""The Repository port on SQLAlchemy: one transaction per call, frozen domain objects out.

Races are settled by the database: unique keys stop double votes, a guarded UPDATE stops a
budget from being overspent, and an UPDATE … RETURNING hands out idea numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection, Select, delete, func, insert, select, union, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import aliased

from bot.core import domain
from bot.core.digest import DigestFigures
from bot.core.domain import Anchor, AnchorKind, VoteResult
from bot.core.participation import DayCount
from bot.core.ports import Clock
from bot.core.schedule import Schedule
from bot.core.suggestions import Confirmed
from storage import ballots, digests, erasure
from storage import models as m
from storage import participation_queries as participation_sql
from storage import vote_queries as votes_sql
from storage.batcher import Batcher
from storage.database import as_utc as _utc
from storage.idea_queries import idea_statements
from storage.runners import AsyncServer, Runner, ThreadedSqlite

SERVER_BATCHES = 4  # batches of votes (or of card-copy lookups) at once on a server database
PARTICIPANT_CACHE = 10_000  # ids of recent participants, so a vote skips one upsert
NEW_PARTICIPANTS = "howcanwe_new_participants"  # connection.info key: ids to cache on commit
EDITED = "idea.edited"  # a history entry that keeps an idea's earlier text (`was`)
# A turn being handled is a processed_events row of its own, under the platform name with this
# suffix, until the turn is handled (its row then moves to the platform's name) or released.
CLAIMED = ":claim"

log = logging.getLogger(__name__)

T = TypeVar("T")


PROMPT_COLUMNS = (
    m.Prompt.id,
    m.Prompt.theme_key,
    m.Prompt.challenge_index,
    m.Prompt.posted_at,
)


def _idea(
    row: Any,
    votes: dict[str, int],
    merged: tuple[domain.MergedIdea, ...],
    note: domain.ActionNote | None,
) -> domain.Idea:
    return domain.Idea(
        number=row.number,
        text=row.text,
        theme_key=row.theme_key,
        author=domain.Participant(row.author_platform, row.author_id, row.author_name),
        platform=row.platform,
        channel_name=row.channel_name or row.channel_key,
        audience=row.audience,
        created_at=_utc(row.created_at),
        prompt_id=row.prompt_id,
        assignment=(
            domain.Assignment(row.actor_key, row.style_key, row.stage_key)
            if row.actor_key
            else None
        ),
        votes_by_audience=votes,
        merged_into=row.merged_into_number,
        merged=merged,
        suggestion=(
            domain.Assignment(row.suggested_actor, row.suggested_style)
            if row.suggested_actor
            else None
        ),
        status=domain.Status(row.status) if row.status else None,
        owner=row.owner,
        latest_note=note,
        hidden=bool(row.hidden),
    )


def _checkable(query: Select[*tuple[Any, ...]], pid: int, after: int) -> Select[*tuple[Any, ...]]:
    """Ideas a near-duplicate check compares with, stored after storage id `after`."""
    return query.where(m.Idea.programme_id == pid, m.Idea.id > after, m.Idea.merged_into.is_(None))


def _event_is(key: Mapping[str, str]) -> tuple[Any, ...]:
    return (
        m.ProcessedEvent.platform == key["platform"],
        m.ProcessedEvent.event_id == key["event_id"],
    )


def _place_order(where: domain.ConversationRef) -> tuple[str, str, str]:
    return where.platform, where.workspace_id, where.channel_id


class SqlRepository:
    """Implements `bot.core.ports.Repository` on SQLite or PostgreSQL.

    Each public method is one transaction, written once as synchronous SQLAlchemy code and run
    by the runner that suits the database."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._clock = clock
        self._dialect = engine.dialect.name
        self._runner: Runner = (
            ThreadedSqlite(engine.url.render_as_string(hide_password=False))
            if self._dialect == "sqlite"
            else AsyncServer(engine)
        )
        self._programmes: dict[str, tuple[int, str]] = {}  # key → (id, default audience)
        self._participants: dict[domain.Participant, int] = {}
        # SQLite has one writer: one batch at a time makes the biggest batches. A server database
        # runs several side by side, their races settled by its row locks (`storage.ballots`).
        side_by_side = 1 if self._dialect == "sqlite" else SERVER_BATCHES
        self._ballots: Batcher[str, ballots.Ballot, VoteResult] = Batcher(self._count, side_by_side)
        self._posts: Batcher[str, Anchor, list[domain.PostedMessage]] = Batcher(
            self._find_posts, side_by_side
        )

    async def close(self) -> None:
        await self._ballots.idle()
        await self._posts.idle()
        await self._runner.close()

    # ---- plumbing -------------------------------------------------------------------------

    async def _write(self, work: Callable[[Connection], T]) -> T:
        def transaction(connection: Connection) -> tuple[T, dict[domain.Participant, int]]:
            connection.info[NEW_PARTICIPANTS] = {}  # info outlives a transaction: start afresh
            return work(connection), connection.info.pop(NEW_PARTICIPANTS)

        result, registered = await self._runner.run(transaction, write=True)
        if len(self._participants) + len(registered) > PARTICIPANT_CACHE:
            self._participants.clear()
        self._participants.update(registered)  # only what a committed transaction wrote
        return result

    async def _read(self, work: Callable[[Connection], T]) -> T:
        return await self._runner.run(work, write=False)

    def _insert(self, table: Any) -> Any:
        return votes_sql.dialect_of(self._dialect).insert(table)

    def _programme_id(self, conn: Connection, key: str) -> int:
        return (self._programme(conn, key))[0]

    def _programme(self, conn: Connection, key: str) -> tuple[int, str]:
        """(id, default audience), cached: both are fixed once the programme exists."""
        cached = self._programmes.get(key)
        if cached is not None:
            return cached
        found = (
            conn.execute(
                select(m.Programme.id, m.Programme.default_audience).where(m.Programme.key == key)
            )
        ).first()
        if found is None:
            raise LookupError(f"programme {key!r} does not exist; call ensure_programme first")
        self._programmes[key] = (found.id, found.default_audience)
        return self._programmes[key]

    def _participant_id(self, conn: Connection, who: domain.Participant) -> int:
        """The participant's id, registering them (or their new display name) when needed."""
        return self._participant_ids(conn, {who})[who]

    def _participant_ids(
        self, conn: Connection, people: set[domain.Participant]
    ) -> dict[domain.Participant, int]:
        """Ids of many, from the cache where known; the rest are registered by one upsert that
        returns the id, or, for several (a batch of votes), by one executemany and one read."""
        found = {who: self._participants[who] for who in people if who in self._participants}
        # One order in every process: two batches registering the same people never deadlock.
        new = sorted((who for who in people if who not in found), key=lambda w: w.key)
        rows = [
            {"platform": w.platform, "user_id": w.user_id, "display_name": w.display_name}
            for w in new
        ]
        if len(new) == 1:
            statement = votes_sql.register_participant(self._dialect)
            found[new[0]] = int(conn.execute(statement, rows[0]).scalar_one())
        elif new:
            conn.execute(votes_sql.register_participants(self._dialect), rows)
            params = {"user_ids": sorted({w.user_id for w in new})}
            ids = {
                (r.platform, r.user_id): r.id
                for r in conn.execute(votes_sql.participant_ids(self._dialect), params)
            }
            found |= {who: ids[(who.platform, who.user_id)] for who in new}
        conn.info.setdefault(NEW_PARTICIPANTS, {}).update({who: found[who] for who in new})
        return found

    def _known_channel(
        self, conn: Connection, programme_id: int, where: domain.ConversationRef
    ) -> tuple[int, str, str] | None:
        """(id, name, audience) of a channel already registered under the same name, or None."""
        default = next(d for i, d in self._programmes.values() if i == programme_id)
        params = {
            "pid": programme_id,
            "platform": where.platform,
            "workspace_id": where.workspace_id,
            "channel_id": where.channel_id,
        }
        known = conn.execute(votes_sql.KNOWN_CHANNEL, params).first()
        if known is None or (where.channel_name and where.channel_name != known.name):
            return None
        return known.id, known.name or where.channel_id, known.audience or default

    def _channel_row(
        self, conn: Connection, programme_id: int, where: domain.ConversationRef
    ) -> tuple[int, str, str]:
        """(id, name, audience) of the channel, registering it (or its new name) when needed.
        Reads first: an upsert on every vote would make the channel's row a hot lock."""
        known = self._known_channel(conn, programme_id, where)
        if known is not None:
            return known
        default = next(d for i, d in self._programmes.values() if i == programme_id)
        stmt = self._insert(m.Channel).values(
            programme_id=programme_id,
            platform=where.platform,
            workspace_id=where.workspace_id,
            channel_id=where.channel_id,
            name=where.channel_name,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["programme_id", "platform", "workspace_id", "channel_id"],
            set_={"name": func.coalesce(func.nullif(stmt.excluded.name, ""), m.Channel.name)},
        ).returning(m.Channel.id, m.Channel.name, m.Channel.audience)
        row = (conn.execute(stmt)).one()
        return row.id, row.name or where.channel_id, row.audience or default

    def _log(
        self,
        conn: Connection,
        pid: int,
        number: int | None,
        by: str,
        action: str,
        **detail: Any,
    ) -> None:
        """Record a state change in the same transaction as the change itself."""
        conn.execute(
            insert(m.History).values(
                programme_id=pid,
                idea_number=number,
                who=by,
                action=action,
                detail=detail,
                at=self._clock.now(),
            )
        )

    # ---- programme and channels --------------------------------------------------------------

    async def ping(self) -> None:
        def tx(conn: Connection) -> Any:
            conn.execute(select(1))

        return await self._read(tx)

    async def ensure_programme(self, key: str, name: str, default_audience: str) -> None:
        def tx(conn: Connection) -> int:
            stmt = self._insert(m.Programme).values(
                key=key,
                name=name,
                default_audience=default_audience,
                last_number=0,
                created_at=self._clock.now(),
            )
            stmt = stmt.on_conflict_do_update(
                index_elements=["key"], set_={"name": name, "default_audience": default_audience}
            ).returning(m.Programme.id)
            return int(conn.execute(stmt).scalar_one())

        self._programmes[key] = (await self._write(tx), default_audience)

    async def channel(self, programme: str, where: domain.ConversationRef) -> domain.Channel:
        def tx(conn: Connection) -> domain.Channel:
            pid = self._programme_id(conn, programme)
            _, name, audience = self._channel_row(conn, pid, where)
            return domain.Channel(
                where.platform, where.workspace_id, where.channel_id, name, audience
            )

        return await self._write(tx)

    async def set_channel_audience(
        self, programme: str, where: domain.ConversationRef, audience: str, by: domain.Participant
    ) -> domain.Channel:
        def tx(conn: Connection) -> domain.Channel:
            pid = self._programme_id(conn, programme)
            channel_id, name, _ = self._channel_row(conn, pid, where)
            conn.execute(
                update(m.Channel).where(m.Channel.id == channel_id).values(audience=audience)
            )
            self._log(
                conn,
                pid,
                None,
                by.key,
                "channel.audience",
                channel=where.channel_id,
                audience=audience,
            )
            return domain.Channel(
                where.platform, where.workspace_id, where.channel_id, name, audience
            )

        return await self._write(tx)

    # ---- prompts and posts ---------------------------------------------------------------------

    async def record_prompt(
        self,
        programme: str,
        where: domain.ConversationRef,
        theme_key: str,
        challenge_index: int,
        posted_by: domain.Participant,
    ) -> domain.PostedPrompt:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            channel_id, _, _ = self._channel_row(conn, pid, where)
            row = conn.execute(
                insert(m.Prompt)
                .values(
                    programme_id=pid,
                    channel_id=channel_id,
                    theme_key=theme_key,
                    challenge_index=challenge_index,
                    posted_by=self._participant_id(conn, posted_by),
                    posted_at=self._clock.now(),
                )
                .returning(*PROMPT_COLUMNS)
            ).one()
            self._log(
                conn,
                pid,
                None,
                posted_by.key,
                "prompt.posted",
                theme=theme_key,
                challenge=challenge_index + 1,
                channel=where.channel_id,
            )
            return self._prompt(row, where.channel_id)

        return await self._write(tx)

    @staticmethod
    def _prompt(row: Any, channel_id: str) -> domain.PostedPrompt:
        return domain.PostedPrompt(
            id=row.id,
            theme_key=row.theme_key,
            challenge_index=row.challenge_index,
            channel_id=channel_id,
            posted_at=_utc(row.posted_at),
        )

    def _prompts_here(
        self, pid: int, where: domain.ConversationRef
    ) -> Select[int, str, int, datetime]:
        return (
            select(*PROMPT_COLUMNS)
            .join(m.Channel, m.Channel.id == m.Prompt.channel_id)
            .where(
                m.Prompt.programme_id == pid,
                m.Channel.platform == where.platform,
                m.Channel.workspace_id == where.workspace_id,
                m.Channel.channel_id == where.channel_id,
            )
        )

    async def posted_challenges(
        self, programme: str, where: domain.ConversationRef, theme_key: str
    ) -> set[int]:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            query = self._prompts_here(pid, where).where(m.Prompt.theme_key == theme_key)
            return {p.challenge_index for p in conn.execute(query)}

        return await self._read(tx)

    async def prompt_in_thread(
        self, programme: str, where: domain.ConversationRef
    ) -> domain.PostedPrompt | None:
        if not where.thread_id:
            return None

        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            ref = conn.scalar(
                select(m.Post.ref).where(
                    m.Post.programme_id == pid,
                    m.Post.kind == AnchorKind.PROMPT.value,
                    m.Post.platform == where.platform,
                    m.Post.workspace_id == where.workspace_id,
                    m.Post.channel_id == where.channel_id,
                    m.Post.message_id == where.thread_id,
                )
            )
            if ref is None:
                return None
            row = conn.execute(select(*PROMPT_COLUMNS).where(m.Prompt.id == ref)).first()
            return self._prompt(row, where.channel_id) if row else None

        return await self._read(tx)

    async def prompt(self, programme: str, prompt_id: int) -> domain.PostedPrompt | None:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            found = conn.execute(
                select(*PROMPT_COLUMNS, m.Channel.channel_id.label("channel_key"))
                .join(m.Channel, m.Channel.id == m.Prompt.channel_id)
                .where(m.Prompt.id == prompt_id, m.Prompt.programme_id == pid)
            ).first()
            return self._prompt(found, found.channel_key) if found else None

        return await self._read(tx)

    async def prompts_of_theme(
        self, programme: str, theme_key: str
    ) -> Sequence[domain.PostedPrompt]:
        def tx(conn: Connection) -> list[domain.PostedPrompt]:
            pid = self._programme_id(conn, programme)
            rows = conn.execute(
                select(*PROMPT_COLUMNS, m.Channel.channel_id.label("channel_key"))
                .join(m.Channel, m.Channel.id == m.Prompt.channel_id)
                .where(m.Prompt.programme_id == pid, m.Prompt.theme_key == theme_key)
                .order_by(m.Prompt.id)
            )
            return [self._prompt(row, row.channel_key) for row in rows]

        return await self._read(tx)

    async def latest_prompt(
        self, programme: str, where: domain.ConversationRef
    ) -> domain.PostedPrompt | None:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            query = self._prompts_here(pid, where).order_by(m.Prompt.id.desc()).limit(1)
            row = conn.execute(query).first()
            return self._prompt(row, where.channel_id) if row else None

        return await self._read(tx)

    async def record_post(
        self, programme: str, anchor: Anchor, message: domain.PostedMessage
    ) -> None:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            stmt = self._insert(m.Post).values(
                programme_id=pid,
                kind=anchor.kind.value,
                ref=anchor.ref,
                platform=message.platform,
                workspace_id=message.workspace_id,
                channel_id=message.channel_id,
                message_id=message.message_id,
            )
            conn.execute(stmt.on_conflict_do_nothing())

        return await self._write(tx)

    async def posts(self, programme: str, anchor: Anchor) -> Sequence[domain.PostedMessage]:
        """Read on every vote (the card copies to refresh), so lookups that arrive together
        are answered by one query."""
        return await self._posts.submit(programme, anchor)

    async def _find_posts(
        self, programme: str, anchors: list[Anchor]
    ) -> list[list[domain.PostedMessage]]:
        def tx(conn: Connection) -> list[list[domain.PostedMessage]]:
            pid = self._programme_id(conn, programme)
            params = {
                "pid": pid,
                "kinds": sorted({a.kind.value for a in anchors}),
                "refs": sorted({a.ref for a in anchors}),
            }
            found: dict[tuple[str, int], list[domain.PostedMessage]] = {}
            for r in conn.execute(votes_sql.posts(self._dialect), params):
                message = domain.PostedMessage(
                    r.platform, r.workspace_id, r.channel_id, r.message_id
                )
                found.setdefault((r.kind, r.ref), []).append(message)
            return [found.get((a.kind.value, a.ref), []) for a in anchors]

        return await self._read(tx)

    # ---- ideas -----------------------------------------------------------------------------------

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
            conn.execute(
                insert(m.Idea).values(
                    programme_id=pid,
                    number=number,
                    theme_key=new.theme_key,
                    prompt_id=new.prompt_id,
                    text=new.text,
                    author_id=author_id,
                    platform=new.where.platform,
                    channel_id=channel_id,
                    audience=audience,
                    created_at=self._clock.now(),
                    suggested_actor=new.suggestion.actor_key if new.suggestion else None,
                    suggested_style=new.suggestion.style_key if new.suggestion else None,
                    request_key=new.request_key,
                    source_message=new.source_message,
                )
            )
            self._log(conn, pid, number, new.author.key, "idea.added", theme=new.theme_key)
            return domain.IdeaAdded(domain.IdeaOutcome.ADDED, self._one_idea(conn, pid, number))

        return await self._write(tx)

    def _requested(self, conn: Connection, pid: int, request_key: str) -> domain.Idea | None:
        number = conn.scalar(
            select(m.Idea.number).where(
                m.Idea.programme_id == pid, m.Idea.request_key == request_key
            )
        )
        return None if number is None else self._one_idea(conn, pid, number)

    @staticmethod
    def _stored_after(conn: Connection, pid: int, idea_id: int) -> bool:
        return conn.scalar(_checkable(select(m.Idea.id), pid, idea_id).limit(1)) is not None

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
            old = conn.scalar(
                select(m.Idea.text)
                .where(m.Idea.programme_id == pid, m.Idea.number == number)
                .with_for_update()
            )
            if old is None:
                return None
            conn.execute(
                update(m.Idea)
                .where(m.Idea.programme_id == pid, m.Idea.number == number)
                .values(text=text)
            )
            self._log(conn, pid, number, by.key, EDITED, was=old)
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
            return sorted(found, key=lambda i: (-i.votes, i.number))

        return await self._read(tx)

    def _one_idea(self, conn: Connection, pid: int, number: int) -> domain.Idea:
        return (self._ideas(conn, pid, numbers=[number]))[0]

    def _ideas(
        self,
        conn: Connection,
        pid: int,
        numbers: Collection[int] | None = None,
        theme_key: str | None = None,
    ) -> list[domain.Idea]:
        """Ideas with authors and channels, their votes by audience, the ideas merged into
        them and their latest progress notes: four indexed queries, built once."""
        q = idea_statements(numbers is not None, theme_key is not None, self._dialect)
        params = {"pid": pid, "numbers": list(numbers or ()), "theme": theme_key}
        tallies: dict[int, dict[str, int]] = {}
        for idea_id, audience, count in conn.execute(q.votes, params):
            tallies.setdefault(idea_id, {})[audience] = count
        merged: dict[int, list[domain.MergedIdea]] = {}
        for into, merged_number, platform, user_id, name in conn.execute(q.credits, params):
            author = domain.Participant(platform, user_id, name)
            merged.setdefault(into, []).append(domain.MergedIdea(merged_number, author))
        notes = {
            r.idea_id: domain.ActionNote(r.text, r.author, _utc(r.created_at))
            for r in conn.execute(q.notes, params)
        }
        return [
            _idea(row, tallies.get(row.id, {}), tuple(merged.get(row.id, ())), notes.get(row.id))
            for row in conn.execute(q.ideas, params)
        ]

    async def confirmed(self, programme: str, limit: int) -> Sequence[Confirmed]:
        def tx(conn: Connection) -> list[Confirmed]:
            pid = self._programme_id(conn, programme)
            rows = conn.execute(
                select(m.Idea.text, m.Idea.actor_key, m.Idea.style_key)
                .where(m.Idea.programme_id == pid, m.Idea.actor_key.is_not(None))
                .order_by(m.Idea.assigned_at.desc())
                .limit(limit)
            )
            return [Confirmed(r.text, r.actor_key, r.style_key) for r in rows]

        return await self._read(tx)

    async def update_action(
        self,
        programme: str,
        number: int,
        status: domain.Status | None,
        owner: str | None,
        by: domain.Participant,
    ) -> domain.Idea | None:
        def tx(conn: Connection) -> domain.Idea | None:
            pid = self._programme_id(conn, programme)
            changes: dict[str, Any] = {}
            if status is not None:
                changes["status"] = status.value
            if owner is not None:
                changes["owner"] = owner
            changed = conn.scalar(
                update(m.Idea)
                .where(m.Idea.programme_id == pid, m.Idea.number == number)
                .values(**changes)
                .returning(m.Idea.id)
            )
            self._participant_id(conn, by)
            if not changed:
                return None
            self._log(conn, pid, number, by.key, "action.status", status=status, owner=owner)
            return self._one_idea(conn, pid, number)

        return await self._write(tx)

    async def add_note(
        self, programme: str, number: int, text: str, by: domain.Participant
    ) -> domain.Idea | None:
        def tx(conn: Connection) -> domain.Idea | None:
            pid = self._programme_id(conn, programme)
            idea_id = conn.scalar(
                select(m.Idea.id).where(m.Idea.programme_id == pid, m.Idea.number == number)
            )
            if idea_id is None:
                return None
            conn.execute(
                insert(m.ActionNote).values(
                    idea_id=idea_id, text=text, author=by.key, created_at=self._clock.now()
                )
            )
            self._log(conn, pid, number, by.key, "action.note")
            return self._one_idea(conn, pid, number)

        return await self._write(tx)

    async def notes(self, programme: str, number: int) -> Sequence[domain.ActionNote]:
        def tx(conn: Connection) -> list[domain.ActionNote]:
            pid = self._programme_id(conn, programme)
            rows = conn.execute(
                select(m.ActionNote.text, m.ActionNote.author, m.ActionNote.created_at)
                .join(m.Idea, m.Idea.id == m.ActionNote.idea_id)
                .where(m.Idea.programme_id == pid, m.Idea.number == number)
                .order_by(m.ActionNote.id)
            )
            return [domain.ActionNote(r.text, r.author, _utc(r.created_at)) for r in rows]

        return await self._read(tx)

    async def idea_texts(self, programme: str, after: int) -> Sequence[tuple[int, int, str]]:
        def tx(conn: Connection) -> list[tuple[int, int, str]]:
            pid = self._programme_id(conn, programme)
            rows = conn.execute(
                _checkable(select(m.Idea.id, m.Idea.number, m.Idea.text), pid, after).order_by(
                    m.Idea.id
                )
            )
            return [(row.id, row.number, row.text) for row in rows]

        return await self._read(tx)

    # ---- drafts and merges ---------------------------------------------------------------------

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
            conn.execute(
                update(m.Idea)
                .where((m.Idea.id == src.id) | (m.Idea.merged_into == src.id))
                .values(merged_into=tgt.id)
            )
            self._participant_id(conn, by)
            self._log(conn, pid, source, by.key, "idea.merged", into=target)
            self._log(conn, pid, target, by.key, "idea.merged", source=source)
            merged = self._one_idea(conn, pid, target)
            return domain.MergeResult(domain.MergeOutcome.MERGED, merged, len(moving), len(both))

        return await self._write(tx)

    def _refund(self, conn: Connection, pid: int, voter_ids: list[int], theme_key: str) -> None:
        if voter_ids:
            conn.execute(
                update(m.VoteBudget)
                .where(
                    m.VoteBudget.programme_id == pid,
                    m.VoteBudget.participant_id.in_(voter_ids),
                    m.VoteBudget.theme_key == theme_key,
                )
                .values(used=m.VoteBudget.used - 1)
            )

    # ---- votes -----------------------------------------------------------------------------------

    async def vote(
        self,
        programme: str,
        number: int,
        voter: domain.Participant,
        where: domain.ConversationRef,
        budget: int,
        tally: bool = False,
    ) -> VoteResult:
        ballot = ballots.Ballot(ballots.Kind.CAST, number, voter, where, budget, tally)
        return await self._ballots.submit(programme, ballot)

    async def unvote(
        self, programme: str, number: int, voter: domain.Participant, tally: bool = False
    ) -> VoteResult:
        ballot = ballots.Ballot(ballots.Kind.RETRACT, number, voter, tally=tally)
        return await self._ballots.submit(programme, ballot)

    async def toggle(
        self,
        programme: str,
        number: int,
        voter: domain.Participant,
        where: domain.ConversationRef,
        budget: int,
        at: datetime,
        double_click: timedelta,
    ) -> VoteResult:
        ballot = ballots.Ballot(
            ballots.Kind.TOGGLE, number, voter, where, budget, at=at, double_click=double_click
        )
        return await self._ballots.submit(programme, ballot)

    async def _count(self, programme: str, batch: list[ballots.Ballot]) -> list[VoteResult]:
        """One batch of votes and unvotes (see `storage.ballots`)."""

        def tx(conn: Connection) -> list[VoteResult]:
            pid = self._programme_id(conn, programme)
            voters = self._participant_ids(conn, {b.voter for b in batch})
            # Channels are registered in one order in every process, like people: no deadlocks.
            places = sorted({b.where for b in batch if b.where is not None}, key=_place_order)
            audiences = {where: self._channel_row(conn, pid, where)[2] for where in places}
            now = self._clock.now()
            results = ballots.count(conn, self._dialect, pid, now, batch, voters, audiences)
            told = [ballots.tells_tally(b, r) for b, r in zip(batch, results, strict=True)]
            wanted = {r.number for r, tell in zip(results, told, strict=True) if tell and r.number}
            if not wanted:
                return results
            ideas = {i.number: i for i in self._ideas(conn, pid, numbers=wanted)}
            return [
                replace(r, idea=ideas.get(r.number)) if tell and r.number else r
                for r, tell in zip(results, told, strict=True)
            ]

        return await self._write(tx)

    def _spend(
        self, conn: Connection, pid: int, voter_id: int, theme_key: str, budget: int
    ) -> int | None:
        """Take one vote from the voter's budget for the theme; None when none is left."""
        params = {"pid": pid, "voter": voter_id, "theme": theme_key, "budget": budget}
        spent = conn.scalar(votes_sql.spend_vote(self._dialect), params)
        return int(spent) if spent is not None else None

    # ---- assignment, organisers, stats ----------------------------------------------------------

    async def assign(
        self,
        programme: str,
        number: int,
        assignment: domain.Assignment | None,
        by: domain.Participant,
    ) -> domain.Idea | None:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            changed = conn.scalar(
                update(m.Idea)
                .where(m.Idea.programme_id == pid, m.Idea.number == number)
                .values(
                    actor_key=assignment.actor_key if assignment else None,
                    style_key=assignment.style_key if assignment else None,
                    stage_key=assignment.stage_key if assignment else None,
                    assigned_by=self._participant_id(conn, by),
                    assigned_at=self._clock.now(),
                    # An assigned idea is an action, proposed until an organiser says more.
                    status=(
                        func.coalesce(m.Idea.status, domain.Status.PROPOSED.value)
                        if assignment
                        else None
                    ),
                )
                .returning(m.Idea.id)
            )
            if not changed:
                return None
            if assignment:
                self._log(
                    conn,
                    pid,
                    number,
                    by.key,
                    "idea.assigned",
                    actor=assignment.actor_key,
                    style=assignment.style_key,
                    stage=assignment.stage_key,
                )
            else:
                self._log(conn, pid, number, by.key, "idea.unassigned")
            return self._one_idea(conn, pid, number)

        return await self._write(tx)

    async def phases(self, programme: str) -> dict[str, domain.Phase]:
        def tx(conn: Connection) -> dict[str, domain.Phase]:
            pid = self._programme_id(conn, programme)
            rows = conn.execute(
                select(m.ThemePhase.theme_key, m.ThemePhase.phase).where(
                    m.ThemePhase.programme_id == pid
                )
            )
            return {row.theme_key: domain.Phase(row.phase) for row in rows}

        return await self._read(tx)

    async def set_phase(
        self, programme: str, theme_key: str, phase: domain.Phase, by: domain.Participant
    ) -> None:
        def tx(conn: Connection) -> None:
            pid = self._programme_id(conn, programme)
            values = {"phase": phase.value, "changed_by": by.key, "changed_at": self._clock.now()}
            conn.execute(
                self._insert(m.ThemePhase)
                .values(programme_id=pid, theme_key=theme_key, **values)
                .on_conflict_do_update(index_elements=["programme_id", "theme_key"], set_=values)
            )
            self._log(conn, pid, None, by.key, "phase.changed", theme=theme_key, phase=phase.value)

        return await self._write(tx)

    async def organisers(self, programme: str) -> set[str]:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            rows = conn.scalars(select(m.Organiser.user_key).where(m.Organiser.programme_id == pid))
            return set(rows)

        return await self._read(tx)

    async def set_organiser(
        self, programme: str, user_key: str, add: bool, by: domain.Participant
    ) -> bool:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            if add:
                stmt = self._insert(m.Organiser).values(
                    programme_id=pid, user_key=user_key, added_by=by.key, added_at=self._clock.now()
                )
                done = conn.scalar(stmt.on_conflict_do_nothing().returning(m.Organiser.user_key))
            else:
                done = conn.scalar(
                    delete(m.Organiser)
                    .where(m.Organiser.programme_id == pid, m.Organiser.user_key == user_key)
                    .returning(m.Organiser.user_key)
                )
            if done is not None:
                action = "organiser.added" if add else "organiser.removed"
                self._log(conn, pid, None, by.key, action, user=user_key)
            return done is not None

        return await self._write(tx)

    async def stats(self, programme: str) -> domain.ProgrammeStats:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            voter = aliased(m.Vote)
            ideas = conn.scalar(
                select(func.count()).select_from(m.Idea).where(m.Idea.programme_id == pid)
            )
            votes = conn.scalar(
                select(func.count())
                .select_from(voter)
                .join(m.Idea, m.Idea.id == voter.idea_id)
                .where(m.Idea.programme_id == pid)
            )
            people = union(
                select(m.Idea.author_id.label("who")).where(m.Idea.programme_id == pid),
                select(voter.participant_id.label("who"))
                .join(m.Idea, m.Idea.id == voter.idea_id)
                .where(m.Idea.programme_id == pid),
            ).subquery()
            participants = conn.scalar(select(func.count()).select_from(people))
            return domain.ProgrammeStats(int(ideas or 0), int(votes or 0), int(participants or 0))

        return await self._read(tx)

    async def theme_voters(self, programme: str) -> dict[str, dict[str, int]]:
        def tx(conn: Connection) -> dict[str, dict[str, int]]:
            pid = self._programme_id(conn, programme)
            rows = conn.execute(
                select(
                    m.Idea.theme_key,
                    m.Vote.audience,
                    func.count(func.distinct(m.Vote.participant_id)),
                )
                .join(m.Idea, m.Idea.id == m.Vote.idea_id)
                .where(m.Idea.programme_id == pid, m.Idea.hidden.is_(False))
                .group_by(m.Idea.theme_key, m.Vote.audience)
            )
            voters: dict[str, dict[str, int]] = {}
            for theme_key, audience, count in rows:
                voters.setdefault(theme_key, {})[audience] = count
            return voters

        return await self._read(tx)

    async def participation(self, programme: str) -> Sequence[DayCount]:
        def tx(conn: Connection) -> list[DayCount]:
            pid = self._programme_id(conn, programme)
            return participation_sql.daily_counts(conn, pid, self._dialect)

        return await self._read(tx)

    # ---- delivery bookkeeping -------------------------------------------------------------------

    async def claim(self, platform: str, event_id: str, lease: timedelta) -> domain.Claim:
        def tx(conn: Connection) -> domain.Claim:
            now = self._clock.now()
            held = {"platform": platform + CLAIMED, "event_id": event_id}
            done = select(m.ProcessedEvent.event_id).where(
                *_event_is({"platform": platform, "event_id": event_id})
            )
            taken = (
                conn.scalar(votes_sql.record_event(self._dialect), {**held, "seen_at": now})
                is not None
            )
            if not taken:  # a claim whose holder died or hangs lapses with its lease
                lapsed = conn.execute(
                    update(m.ProcessedEvent)
                    .where(*_event_is(held), m.ProcessedEvent.seen_at < now - lease)
                    .values(seen_at=now)
                )
                taken = lapsed.rowcount == 1
            if conn.scalar(done) is not None:
                if taken:
                    conn.execute(delete(m.ProcessedEvent).where(*_event_is(held)))
                return domain.Claim.DONE
            return domain.Claim.NEW if taken else domain.Claim.HELD

        return await self._write(tx)

    async def handled(self, platform: str, event_id: str) -> None:
        def tx(conn: Connection) -> None:
            done = {"platform": platform, "event_id": event_id, "seen_at": self._clock.now()}
            conn.execute(votes_sql.record_event(self._dialect), done)
            held = {"platform": platform + CLAIMED, "event_id": event_id}
            conn.execute(delete(m.ProcessedEvent).where(*_event_is(held)))

        await self._write(tx)

    async def release(self, platform: str, event_id: str) -> None:
        def tx(conn: Connection) -> None:
            held = {"platform": platform + CLAIMED, "event_id": event_id}
            conn.execute(delete(m.ProcessedEvent).where(*_event_is(held)))

        await self._write(tx)

    async def forget_events(self, seen_before: datetime) -> int:
        def tx(conn: Connection) -> Any:
            gone = conn.execute(
                delete(m.ProcessedEvent).where(m.ProcessedEvent.seen_at < seen_before)
            )
            return int(getattr(gone, "rowcount", 0) or 0)

        return await self._write(tx)

    async def forget_drafts(self, saved_before: datetime) -> int:
        def tx(conn: Connection) -> int:
            gone = conn.execute(delete(m.Draft).where(m.Draft.created_at < saved_before))
            return int(gone.rowcount or 0)

        return await self._write(tx)

    async def save_reference(
        self, programme: str, where: domain.ConversationRef, reference: Mapping[str, Any]
    ) -> None:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            channel_id, _, _ = self._channel_row(conn, pid, where)
            conn.execute(
                update(m.Channel)
                .where(m.Channel.id == channel_id)
                .values(reference=dict(reference))
            )

        return await self._write(tx)

    async def reference(
        self, programme: str, where: domain.ConversationRef
    ) -> dict[str, Any] | None:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            found = conn.scalar(
                select(m.Channel.reference).where(
                    m.Channel.programme_id == pid,
                    m.Channel.platform == where.platform,
                    m.Channel.workspace_id == where.workspace_id,
                    m.Channel.channel_id == where.channel_id,
                )
            )
            return dict(found) if found else None

        return await self._read(tx)

    # ---- moderation, history and personal data ---------------------------------------------------

    async def set_organisers_channel(
        self, programme: str, where: domain.ConversationRef, by: domain.Participant
    ) -> None:
        def tx(conn: Connection) -> None:
            pid = self._programme_id(conn, programme)
            conn.execute(
                update(m.Programme)
                .where(m.Programme.id == pid)
                .values(
                    organisers_platform=where.platform,
                    organisers_workspace=where.workspace_id,
                    organisers_channel=where.channel_id,
                    organisers_channel_name=where.channel_name,
                )
            )
            self._log(conn, pid, None, by.key, "organisers.channel", channel=where.channel_id)

        return await self._write(tx)

    async def organisers_channel(self, programme: str) -> domain.ConversationRef | None:
        def tx(conn: Connection) -> domain.ConversationRef | None:
            row = conn.execute(
                select(
                    m.Programme.organisers_platform,
                    m.Programme.organisers_workspace,
                    m.Programme.organisers_channel,
                    m.Programme.organisers_channel_name,
                ).where(m.Programme.key == programme)
            ).first()
            if row is None or row.organisers_channel is None:
                return None
            return domain.ConversationRef(
                row.organisers_platform,
                row.organisers_workspace,
                row.organisers_channel,
                row.organisers_channel_name or "",
            )

        return await self._read(tx)

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
            row = conn.execute(
                select(m.Idea.id, m.Idea.theme_key, m.Idea.hidden, m.Idea.merged_into)
                .where(m.Idea.programme_id == pid, m.Idea.number == number)
                .with_for_update()
            ).first()
            if row is None:
                return domain.ModerationResult(domain.Outcome.NO_SUCH_IDEA)
            if row.merged_into is not None:
                return domain.ModerationResult(
                    domain.Outcome.MERGED, self._one_idea(conn, pid, number)
                )
            if bool(row.hidden) == hidden:
                return domain.ModerationResult(
                    domain.Outcome.ALREADY, self._one_idea(conn, pid, number)
                )
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
            action = "idea.hidden" if hidden else "idea.unhidden"
            self._log(conn, pid, number, by.key, action, voters=len(voters), uncharged=uncharged)
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

    def _person(self, conn: Connection, platform: str, user_id: str) -> Any:
        return conn.execute(
            select(m.Participant.id, m.Participant.display_name).where(
                m.Participant.platform == platform, m.Participant.user_id == user_id
            )
        ).first()

    async def personal_data(
        self, programme: str, platform: str, user_id: str
    ) -> domain.PersonalData | None:
        """Everything stored about one participant in the programme; None if we know nothing."""

        def tx(conn: Connection) -> domain.PersonalData | None:
            pid = self._programme_id(conn, programme)
            person = self._person(conn, platform, user_id)
            if person is None:
                return None
            ideas = conn.execute(
                select(m.Idea.number, m.Idea.text, m.Idea.theme_key, m.Idea.created_at)
                .where(m.Idea.programme_id == pid, m.Idea.author_id == person.id)
                .order_by(m.Idea.number)
            )
            votes = conn.execute(
                select(m.Idea.number, m.Vote.cast_at, m.Vote.audience)
                .join(m.Idea, m.Idea.id == m.Vote.idea_id)
                .where(m.Idea.programme_id == pid, m.Vote.participant_id == person.id)
                .order_by(m.Vote.cast_at)
            )
            flags = conn.execute(
                select(m.Idea.number, m.Flag.reason, m.Flag.flagged_at)
                .join(m.Idea, m.Idea.id == m.Flag.idea_id)
                .where(m.Idea.programme_id == pid, m.Flag.participant_id == person.id)
                .order_by(m.Flag.id)
            )
            return domain.PersonalData(
                domain.Participant(platform, user_id, person.display_name),
                tuple(
                    {
                        "id": r.number,
                        "text": r.text,
                        "theme": r.theme_key,
                        "created_at": _utc(r.created_at).isoformat(),
                    }
                    for r in ideas
                ),
                tuple(
                    {
                        "idea": r.number,
                        "cast_at": _utc(r.cast_at).isoformat(),
                        "audience": r.audience,
                    }
                    for r in votes
                ),
                tuple(
                    {
                        "idea": r.number,
                        "reason": r.reason,
                        "flagged_at": _utc(r.flagged_at).isoformat(),
                    }
                    for r in flags
                ),
            )

        return await self._read(tx)

    async def forget(
        self, programme: str, platform: str, user_id: str, by: domain.Participant, new_id: str
    ) -> domain.Forgotten | None:
        """Erase a participant within the programme: delete their ideas there, refund the votes
        those ideas had, keep their votes on others' ideas under the new, unlinkable `new_id`,
        erase their flags' reasons and end their organiser role there. Their platform id and name
        go from the participant row only once nothing of theirs is left in another programme.
        Then, on SQLite, empty the write-ahead log so that what was erased is in no file. None if
        nothing about them is stored in the programme."""

        def tx(conn: Connection) -> domain.Forgotten | None:
            pid = self._programme_id(conn, programme)
            person = self._person(conn, platform, user_id)
            done = self._forget_in(conn, pid, programme, platform, user_id, person, by, new_id)
            if done is not None:
                erasure.forget_if_gone(conn, person.id if person else None, platform, user_id)
            return done

        done = await self._write(tx)
        await self._forgotten(platform, user_id, erased=done is not None)
        return done

    async def forget_everywhere(
        self, platform: str, user_id: str, by: domain.Participant
    ) -> dict[str, domain.Forgotten]:
        """`forget` in every programme at once, each under its own random id, in one
        transaction; then nothing anywhere holds the person's platform id or name. What was done
        in each programme where something was stored, by programme key."""

        def tx(conn: Connection) -> dict[str, domain.Forgotten]:
            person = self._person(conn, platform, user_id)
            done = {}
            for pid, key in conn.execute(select(m.Programme.id, m.Programme.key)):
                new_id = erasure.unlinked_id()
                forgotten = self._forget_in(conn, pid, key, platform, user_id, person, by, new_id)
                if forgotten is not None:
                    done[key] = forgotten
            erasure.forget_if_gone(conn, person.id if person else None, platform, user_id)
            return done

        done = await self._write(tx)
        await self._forgotten(platform, user_id, erased=True)
        return done

    async def _forgotten(self, platform: str, user_id: str, erased: bool) -> None:
        """After an erasure: no cached id for the person, and on SQLite nothing in the log."""
        for cached in [w for w in self._participants if w.key == f"{platform}:{user_id}"]:
            del self._participants[cached]
        if erased and not await self._runner.checkpoint():
            log.warning("erased data may stay in the write-ahead log until its next checkpoint")

    def _forget_in(
        self,
        conn: Connection,
        pid: int,
        programme: str,
        platform: str,
        user_id: str,
        person: Any,
        by: domain.Participant,
        new_id: str,
    ) -> domain.Forgotten | None:
        """One programme's part of forgetting; None when nothing of the person was in it."""
        old_key, new_key = f"{platform}:{user_id}", f"{platform}:{new_id}"
        done, touched = (
            self._erase(conn, pid, person.id, platform, new_id)
            if person is not None
            else (domain.Forgotten((), 0, 0, 0, 0), 0)
        )
        touched += erasure.rekey(conn, pid, old_key, new_key)
        touched += erasure.forget_platform_traces(conn, pid, programme, platform, user_id)
        if not touched:
            return None
        self._log(conn, pid, None, by.key if by.key != old_key else new_key, "person.forgotten")
        return done

    def _erase(
        self, conn: Connection, pid: int, person_id: int, platform: str, new_id: str
    ) -> tuple[domain.Forgotten, int]:
        """Delete the person's ideas and drafts in the programme, erase their flags' reasons
        there, and move what is left of them there to a new participant under `new_id`; and
        how many rows that touched."""
        own = conn.execute(
            select(
                m.Idea.id,
                m.Idea.number,
                m.Idea.theme_key,
                m.Idea.hidden,
                m.Idea.merged_into,
                m.Idea.actor_key,
            ).where(m.Idea.programme_id == pid, m.Idea.author_id == person_id)
        ).all()
        removed = 0
        for idea in own:
            voters = list(
                conn.scalars(select(m.Vote.participant_id).where(m.Vote.idea_id == idea.id))
            )
            if not idea.hidden:  # a hidden idea's voters were refunded when it was hidden
                self._refund(conn, pid, voters, idea.theme_key)
            removed += len(voters)
        ids = [idea.id for idea in own]
        if ids:
            # Ideas merged into a deleted one stand alone again (their votes had moved).
            conn.execute(update(m.Idea).where(m.Idea.merged_into.in_(ids)).values(merged_into=None))
            conn.execute(delete(m.Vote).where(m.Vote.idea_id.in_(ids)))
            conn.execute(delete(m.Flag).where(m.Flag.idea_id.in_(ids)))
            conn.execute(delete(m.ActionNote).where(m.ActionNote.idea_id.in_(ids)))
            conn.execute(delete(m.Idea).where(m.Idea.id.in_(ids)))
            # Their earlier texts, kept in the history of edits, go with them.
            numbers = [idea.number for idea in own]
            conn.execute(
                delete(m.History).where(
                    m.History.programme_id == pid,
                    m.History.idea_number.in_(numbers),
                    m.History.action == EDITED,
                )
            )
        drafts = conn.execute(
            delete(m.Draft).where(m.Draft.programme_id == pid, m.Draft.author_id == person_id)
        )
        erased = conn.execute(
            update(m.Flag)
            .where(m.Flag.participant_id == person_id, erasure.in_programme(m.Flag.idea_id, pid))
            .values(reason=None)
        )
        kept = conn.scalar(
            select(func.count())
            .select_from(m.Vote)
            .where(m.Vote.participant_id == person_id, erasure.in_programme(m.Vote.idea_id, pid))
        )
        moved = erasure.move_participant(conn, person_id, pid, platform, new_id)
        forgotten = domain.Forgotten(
            deleted=tuple(sorted(idea.number for idea in own)),
            merged_or_assigned=sum(
                1 for i in own if i.merged_into is not None or i.actor_key is not None
            ),
            votes_removed=removed,
            votes_kept=int(kept or 0),
            flags_erased=int(erased.rowcount or 0),
        )
        return forgotten, len(own) + (drafts.rowcount or 0) + moved

    # ---- digests -------------------------------------------------------------------------

    async def subscribe(
        self,
        programme: str,
        where: domain.ConversationRef,
        schedule: Schedule,
        next_run_at: datetime,
        since: datetime,
        by: domain.Participant,
    ) -> domain.Subscription:
        def tx(conn: Connection) -> domain.Subscription:
            pid = self._programme_id(conn, programme)
            channel_id = self._channel_row(conn, pid, where)[0]
            plan = {
                "cadence": schedule.cadence.value,
                "day": schedule.day,
                "at": f"{schedule.at:%H:%M}",
                "timezone": schedule.timezone,
                "next_run_at": next_run_at,
                "state": domain.SubscriptionState.ACTIVE.value,
                "problem": None,
            }
            now = self._clock.now()
            stmt = self._insert(m.DigestSubscription).values(
                programme_id=pid,
                channel_id=channel_id,
                period_start=since,
                created_by=by.key,
                created_at=now,
                **plan,
            )
            conn.execute(stmt.on_conflict_do_update(index_elements=["channel_id"], set_=plan))
            self._log(
                conn,
                pid,
                None,
                by.key,
                "digest.scheduled",
                channel=where.channel_id,
                schedule=schedule.typed(),
            )
            return digests.subscription(self._subscription_row(conn, pid, where))

        return await self._write(tx)

    def _subscription_row(self, conn: Connection, pid: int, where: domain.ConversationRef) -> Any:
        return conn.execute(
            digests.subscriptions().where(
                m.DigestSubscription.programme_id == pid,
                m.Channel.platform == where.platform,
                m.Channel.workspace_id == where.workspace_id,
                m.Channel.channel_id == where.channel_id,
            )
        ).first()

    async def subscription(
        self, programme: str, where: domain.ConversationRef
    ) -> domain.Subscription | None:
        def tx(conn: Connection) -> domain.Subscription | None:
            row = self._subscription_row(conn, self._programme_id(conn, programme), where)
            return digests.subscription(row) if row else None

        return await self._read(tx)

    async def unsubscribe(
        self, programme: str, where: domain.ConversationRef, by: domain.Participant
    ) -> bool:
        def tx(conn: Connection) -> bool:
            pid = self._programme_id(conn, programme)
            row = self._subscription_row(conn, pid, where)
            if row is None:
                return False
            conn.execute(delete(m.DigestSubscription).where(m.DigestSubscription.id == row.id))
            self._log(conn, pid, None, by.key, "digest.off", channel=where.channel_id)
            return True

        return await self._write(tx)

    async def lose_access(
        self, programme: str, where: domain.ConversationRef, whole_workspace: bool, problem: str
    ) -> Sequence[domain.Subscription]:
        def tx(conn: Connection) -> list[domain.Subscription]:
            pid = self._programme_id(conn, programme)
            place = [
                m.Channel.programme_id == pid,
                m.Channel.platform == where.platform,
                m.Channel.workspace_id == where.workspace_id,
            ]
            if not whole_workspace:
                place.append(m.Channel.channel_id == where.channel_id)
            channels = select(m.Channel.id).where(*place).scalar_subquery()
            conn.execute(update(m.Channel).where(m.Channel.id.in_(channels)).values(reference=None))
            active = m.DigestSubscription.state == domain.SubscriptionState.ACTIVE.value
            rows = conn.execute(digests.subscriptions().where(*place, active)).all()
            stopped = [row.id for row in rows]
            if stopped:
                conn.execute(
                    update(m.DigestSubscription)
                    .where(m.DigestSubscription.id.in_(stopped))
                    .values(state=domain.SubscriptionState.STOPPED.value, problem=problem)
                )
            return [replace(digests.subscription(row), problem=problem) for row in rows]

        return await self._write(tx)

    async def restart_period(self, subscription_id: int, since: datetime) -> None:
        def tx(conn: Connection) -> None:
            conn.execute(
                update(m.DigestSubscription)
                .where(m.DigestSubscription.id == subscription_id)
                .values(period_start=since)
            )

        await self._write(tx)

    async def due_digests(self, now: datetime) -> Sequence[domain.Subscription]:
        def tx(conn: Connection) -> list[domain.Subscription]:
            rows = conn.execute(
                digests.subscriptions()
                .where(
                    m.DigestSubscription.state == domain.SubscriptionState.ACTIVE.value,
                    m.DigestSubscription.next_run_at <= now,
                )
                .order_by(m.DigestSubscription.next_run_at, m.DigestSubscription.id)
            )
            return [digests.subscription(row) for row in rows]

        return await self._read(tx)

    async def claim_digest(
        self, subscription: domain.Subscription, until: datetime, next_run_at: datetime
    ) -> domain.DigestRun | None:
        def tx(conn: Connection) -> domain.DigestRun | None:
            return digests.claim(conn, subscription, until, next_run_at, self._clock.now())

        return await self._write(tx)

    async def reclaim_failed_digests(self, max_attempts: int) -> Sequence[domain.DigestRun]:
        def tx(conn: Connection) -> list[domain.DigestRun]:
            return digests.reclaim_failed(conn, max_attempts)

        return await self._write(tx)

    async def finish_digest(
        self, run: domain.DigestRun, outcome: domain.RunOutcome, problem: str | None = None
    ) -> None:
        def tx(conn: Connection) -> None:
            digests.finish(conn, run, outcome, problem, self._clock.now())

        await self._write(tx)

    async def digest_figures(
        self, programme: str, since: datetime, until: datetime
    ) -> DigestFigures:
        def tx(conn: Connection) -> DigestFigures:
            return digests.figures(conn, self._programme_id(conn, programme), since, until)

        return await self._read(tx)
