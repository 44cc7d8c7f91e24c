"""What every storage role shares: one transaction helper over the runner, and the
programme, participant, channel and idea reads that many transactions need."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Collection
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core import domain
from bot.core.ports import Clock
from storage import models as m
from storage import vote_queries as votes_sql
from storage.database import as_utc as _utc
from storage.idea_queries import idea_statements
from storage.runners import AsyncServer, Runner, ThreadedSqlite

SERVER_BATCHES = 4  # batches of votes (or of card-copy lookups) at once on a server database
PARTICIPANT_CACHE = 10_000  # ids of recent participants, so a vote skips one upsert
NEW_PARTICIPANTS = "howcanwe_new_participants"  # connection.info key: ids to cache on commit
TOUCHED = "howcanwe_touched_programmes"  # connection.info key: programmes a write reached
EDITED = "idea.edited"  # a history entry that keeps an idea's earlier text (`was`)

log = logging.getLogger(__name__)
T = TypeVar("T")


def idea_of_row(
    row: Any,
    votes: dict[str, int],
    merged: tuple[domain.MergedIdea, ...],
    note: domain.ActionNote | None,
    proposals: tuple[domain.Proposal, ...] = (),
    emerging: tuple[str, ...] = (),
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
        challenge=row.challenge_index,
        proposed_challenge=row.proposed_challenge,
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
        proposals=proposals,
        emerging=emerging,
        suggested_because=tuple(json.loads(row.suggested_because or "[]")),
    )


def _next_revision(conn: Connection, programmes: set[int]) -> None:
    """Move the plan revision of every programme a write reached: every process's cached pages
    (`bot.core.usecases.plan_views`) see the change at their next request. Ids in one order, so
    two writes never wait on each other's programme rows."""
    if programmes:
        conn.execute(
            update(m.Programme)
            .where(m.Programme.id.in_(sorted(programmes)))
            .values(plan_revision=m.Programme.plan_revision + 1)
        )


class Store:
    """The base of every storage role (`storage.people`, `storage.votes`, …): each public
    method of a role is one transaction, written once as synchronous SQLAlchemy code and run by
    the runner that suits the database, through `_write` or `_read`. `storage.repository`
    joins the roles over one Store, so they share its runner and its caches."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._clock = clock
        self._dialect = engine.dialect.name
        self._runner: Runner = (
            ThreadedSqlite(engine.url.render_as_string(hide_password=False))
            if self._dialect == "sqlite"
            else AsyncServer(engine)
        )
        self._programmes: dict[str, tuple[int, str]] = {}  # key → (id, default audience)
        # `platform:user_id` → (display name, id): a hit only while the name is the same, so a
        # name changed back (A → B → A) is written again rather than left at B.
        self._participants: dict[str, tuple[str, int]] = {}
        # SQLite has one writer: one batch at a time makes the biggest batches. A server database
        # runs several side by side, their races settled by its row locks (`storage.ballots`).
        self._side_by_side = 1 if self._dialect == "sqlite" else SERVER_BATCHES

    async def close(self) -> None:
        await self._runner.close()

    async def _write(self, work: Callable[[Connection], T]) -> T:
        def transaction(
            connection: Connection,
        ) -> tuple[T, dict[domain.Participant, int], set[int]]:
            connection.info[NEW_PARTICIPANTS] = {}  # info outlives a transaction: start afresh
            connection.info[TOUCHED] = set()
            result = work(connection)
            touched = connection.info.pop(TOUCHED)
            if self._side_by_side == 1:  # SQLite's one writer: nothing waits on the row
                _next_revision(connection, touched)
                touched = set()
            return result, connection.info.pop(NEW_PARTICIPANTS), touched

        result, registered, touched = await self._runner.run(transaction, write=True)
        if touched:
            # A server database moves the revision just after the commit, in a transaction of
            # its own: the programme's row is then locked for one statement, not for the whole of
            # every write, so concurrent writes (a burst of votes) do not queue on it. A reader
            # between the two caches newer data under the old revision and recomputes once.
            try:
                await self._runner.run(partial(_next_revision, programmes=touched), write=True)
            except Exception:  # the write itself is committed: say so, not that it failed
                log.warning(
                    "plan revision not moved; cached plan pages catch up at the next write",
                    exc_info=True,
                    extra={"programmes": sorted(touched)},
                )
        if len(self._participants) + len(registered) > PARTICIPANT_CACHE:
            self._participants.clear()
        self._participants.update(  # only what a committed transaction wrote
            {who.key: (who.display_name, id_) for who, id_ in registered.items()}
        )
        return result

    async def _read(self, work: Callable[[Connection], T]) -> T:
        return await self._runner.run(work, write=False)

    def _insert(self, table: Any) -> Any:
        return votes_sql.dialect_of(self._dialect).insert(table)

    def _programme_id(self, conn: Connection, key: str) -> int:
        return (self._programme(conn, key))[0]

    def _programme(self, conn: Connection, key: str) -> tuple[int, str]:
        """(id, default audience), cached: both are fixed once the programme exists. A write
        that looks its programme up moves the programme's plan revision on (`_write`)."""
        cached = self._programmes.get(key)
        if cached is not None:
            conn.info.get(TOUCHED, set()).add(cached[0])
            return cached
        found = (
            conn.execute(
                select(m.Programme.id, m.Programme.default_audience).where(m.Programme.key == key)
            )
        ).first()
        if found is None:
            raise LookupError(f"programme {key!r} does not exist; call ensure_programme first")
        self._programmes[key] = (found.id, found.default_audience)
        conn.info.get(TOUCHED, set()).add(found.id)
        return self._programmes[key]

    def _participant_id(self, conn: Connection, who: domain.Participant) -> int:
        """The participant's id, registering them (or their new display name) when needed."""
        return self._participant_ids(conn, {who})[who]

    def _participant_ids(
        self, conn: Connection, people: set[domain.Participant]
    ) -> dict[domain.Participant, int]:
        """Ids of many, from the cache where known; the rest are registered by one upsert that
        returns the id, or, for several (a batch of votes), by one executemany and one read."""
        found = {
            who: cached[1]
            for who in people
            if (cached := self._participants.get(who.key)) and cached[0] == who.display_name
        }
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

    def _changeable(
        self, conn: Connection, pid: int, number: int, shared: bool = False
    ) -> tuple[Any, domain.ModerationResult | None]:
        """The idea's row (id, theme, challenge, hidden, merged_into) locked for a change (or,
        `shared`, against one), or the result that refuses the change: no such idea, or one
        merged into another (act on that one)."""
        row = conn.execute(
            select(
                m.Idea.id,
                m.Idea.theme_key,
                m.Idea.challenge_index,
                m.Idea.hidden,
                m.Idea.merged_into,
            )
            .where(m.Idea.programme_id == pid, m.Idea.number == number)
            .with_for_update(read=shared)
        ).first()
        if row is None:
            return None, domain.ModerationResult(domain.Outcome.NO_SUCH_IDEA)
        if row.merged_into is not None:
            merged = self._one_idea(conn, pid, number)
            return None, domain.ModerationResult(domain.Outcome.MERGED, merged)
        return row, None

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
        them, their latest progress notes, actor proposals and emerging-theme tags: six
        indexed queries, built once."""
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
        proposals: dict[int, list[domain.Proposal]] = {}
        for p in conn.execute(q.proposals, params):
            said = domain.Assignment(p.actor_key, p.style_key, p.stage_key)
            proposals.setdefault(p.idea_id, []).append(domain.Proposal(said, int(p.tally)))
        tags: dict[int, list[str]] = {}
        for idea_id, key in conn.execute(q.tags, params):
            tags.setdefault(idea_id, []).append(key)
        return [
            idea_of_row(
                row,
                tallies.get(row.id, {}),
                tuple(merged.get(row.id, ())),
                notes.get(row.id),
                tuple(proposals.get(row.id, ())),
                tuple(tags.get(row.id, ())),
            )
            for row in conn.execute(q.ideas, params)
        ]

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

    def _spend(
        self, conn: Connection, pid: int, voter_id: int, theme_key: str, budget: int
    ) -> int | None:
        """Take one vote from the voter's budget for the theme; None when none is left."""
        params = {"pid": pid, "voter": voter_id, "theme": theme_key, "budget": budget}
        spent = conn.scalar(votes_sql.spend_vote(self._dialect), params)
        return int(spent) if spent is not None else None
