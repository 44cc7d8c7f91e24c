"""Participation over time by aggregate SQL: new ideas and votes per UTC day and audience."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select

from bot.core.participation import DayCount
from storage import models as m


def daily_counts(conn: Connection, programme_id: int, dialect: str) -> list[DayCount]:
    """One GROUP BY for ideas, one for votes; hidden ideas and their votes are left out."""
    shown = (m.Idea.programme_id == programme_id, m.Idea.hidden.is_(False))
    idea_day, vote_day = _utc_day(m.Idea.created_at, dialect), _utc_day(m.Vote.cast_at, dialect)
    ideas = conn.execute(
        select(idea_day, m.Idea.audience, func.count())
        .where(*shown)
        .group_by(idea_day, m.Idea.audience)
    )
    votes = conn.execute(
        select(vote_day, m.Vote.audience, func.count())
        .join(m.Idea, m.Idea.id == m.Vote.idea_id)
        .where(*shown)
        .group_by(vote_day, m.Vote.audience)
    )
    counts: dict[tuple[date, str], list[int]] = {}
    for column, rows in enumerate((ideas, votes)):
        for day, audience, count in rows:
            counts.setdefault((_date(day), audience), [0, 0])[column] = count
    return [DayCount(day, audience, i, v) for (day, audience), (i, v) in sorted(counts.items())]


def _utc_day(column: Any, dialect: str) -> Any:
    """The UTC calendar day of a stored time: SQLite keeps UTC times as text, PostgreSQL as
    timestamptz (whose date would otherwise follow the session's time zone)."""
    if dialect == "sqlite":
        return func.date(column)
    return func.date(func.timezone("UTC", column))


def _date(value: date | str) -> date:
    """SQLite's date() answers text, PostgreSQL's a date."""
    return value if isinstance(value, date) else date.fromisoformat(value)
