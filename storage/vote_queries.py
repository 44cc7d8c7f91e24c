"""The statements of a vote and of the work around it (the inbound event's dedupe, the card
copies to refresh), built once: a vote is the bot's busiest write, and building SQLAlchemy
expressions costs more than running them."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import any_, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite

from storage import models as m

KNOWN_CHANNEL = select(m.Channel.id, m.Channel.name, m.Channel.audience).where(
    m.Channel.programme_id == bindparam("pid"),
    m.Channel.platform == bindparam("platform"),
    m.Channel.workspace_id == bindparam("workspace_id"),
    m.Channel.channel_id == bindparam("channel_id"),
)


def dialect_of(name: str) -> Any:
    return postgresql if name == "postgresql" else sqlite


def one_of(column: Any, name: str, dialect: str) -> Any:
    """`column IN (:name)` for a list bound at run time. On PostgreSQL `= ANY(:name)`, an array:
    one statement text whatever the list's length, so asyncpg prepares it once (every new
    length of an IN list is a new statement for the server to parse and plan)."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=postgresql.ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


@cache
def posts(dialect: str) -> Any:
    """Where the copies of anchored cards were posted: read on every vote to refresh them. The
    lists of kinds and refs name a few anchors at once (a superset, sorted out by the caller)."""
    return (
        select(
            m.Post.kind,
            m.Post.ref,
            m.Post.platform,
            m.Post.workspace_id,
            m.Post.channel_id,
            m.Post.message_id,
        )
        .where(
            m.Post.programme_id == bindparam("pid"),
            one_of(m.Post.kind, "kinds", dialect),
            one_of(m.Post.ref, "refs", dialect),
        )
        .order_by(m.Post.id)
    )


@cache
def participant_ids(dialect: str) -> Any:
    """Ids of participants by user id (a superset when two platforms share a user id)."""
    return select(m.Participant.platform, m.Participant.user_id, m.Participant.id).where(
        one_of(m.Participant.user_id, "user_ids", dialect)
    )


def budget_row(dialect: str, used: Any) -> Any:
    """An insert of a voter's budget row for a theme (`pid`, `voter`, `theme`), `used` set."""
    return (
        dialect_of(dialect)
        .insert(m.VoteBudget)
        .values(
            programme_id=bindparam("pid"),
            participant_id=bindparam("voter"),
            theme_key=bindparam("theme"),
            used=used,
        )
    )


@cache
def spend_vote(dialect: str) -> Any:
    """Take one vote from a budget row, creating it, unless `used` has reached `budget`.
    One guarded upsert: concurrent spenders queue on the row and re-check the guard."""
    return (
        budget_row(dialect, 1)
        .on_conflict_do_update(
            index_elements=["programme_id", "participant_id", "theme_key"],
            set_={"used": m.VoteBudget.used + 1},
            where=m.VoteBudget.used < bindparam("budget"),
        )
        .returning(m.VoteBudget.used)
    )


@cache
def register_participant(dialect: str) -> Any:
    """Insert the participant, or give a new display name to one already known; returns the id."""
    return register_participants(dialect).returning(m.Participant.id)


@cache
def register_participants(dialect: str) -> Any:
    """`register_participant` for many at once (executemany): no ids returned."""
    stmt = (
        dialect_of(dialect)
        .insert(m.Participant)
        .values(
            platform=bindparam("platform"),
            user_id=bindparam("user_id"),
            display_name=bindparam("display_name"),
        )
    )
    return stmt.on_conflict_do_update(
        index_elements=["platform", "user_id"],
        set_={
            "display_name": func.coalesce(
                func.nullif(stmt.excluded.display_name, ""), m.Participant.display_name
            )
        },
    )


@cache
def record_event(dialect: str) -> Any:
    """Record an inbound event id (or its claim) unless already recorded; returns it the first
    time only."""
    return (
        dialect_of(dialect)
        .insert(m.ProcessedEvent)
        .values(
            platform=bindparam("platform"),
            event_id=bindparam("event_id"),
            seen_at=bindparam("seen_at"),
        )
        .on_conflict_do_nothing()
        .returning(m.ProcessedEvent.event_id)
    )
