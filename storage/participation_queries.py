"""Participation over time by aggregate SQL: new ideas and votes per UTC hour and audience (the
core buckets them by hour, day or week to suit the span)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from bot.core.participation import HourCount
from storage import models as m


def hourly_counts(conn: Connection, programme_id: int, dialect: str) -> list[HourCount]:
    """One GROUP BY for ideas, one for votes; hidden ideas and their votes are left out."""
    shown = (m.Idea.programme_id == programme_id, m.Idea.hidden.is_(False))
    idea_hour = _utc_hour(m.Idea.created_at, dialect)
    vote_hour = _utc_hour(m.Vote.cast_at, dialect)
    ideas = conn.execute(
        select(idea_hour, m.Idea.audience, func.count())
        .where(*shown)
        .group_by(idea_hour, m.Idea.audience)
    )
    votes = conn.execute(
        select(vote_hour, m.Vote.audience, func.count())
        .join(m.Idea, m.Idea.id == m.Vote.idea_id)
        .where(*shown)
        .group_by(vote_hour, m.Vote.audience)
    )
    counts: dict[tuple[datetime, str], list[int]] = {}
    for column, rows in enumerate((ideas, votes)):
        for hour, audience, count in rows:
            counts.setdefault((_hour(hour), audience), [0, 0])[column] = count
    return [HourCount(hour, audience, i, v) for (hour, audience), (i, v) in sorted(counts.items())]


def _utc_hour(column: Any, dialect: str) -> Any:
    """The UTC hour of a stored time: SQLite keeps UTC times as text, PostgreSQL as timestamptz
    (whose hour would otherwise follow the session's time zone)."""
    if dialect == "sqlite":
        return func.strftime("%Y-%m-%d %H:00:00", column)
    return func.date_trunc("hour", func.timezone("UTC", column))


def _hour(value: datetime | str) -> datetime:
    """SQLite's strftime() answers text, PostgreSQL's date_trunc a naive UTC timestamp."""
    found = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return found.replace(tzinfo=UTC)
