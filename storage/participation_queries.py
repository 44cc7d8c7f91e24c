"""Participation over time by aggregate SQL: new ideas and votes per UTC hour and audience (the
core buckets them by hour, day or week to suit the span). The days between the first and the
last are added up from the activity counts the writes keep per person and day
(`storage.activity`), one entry per day at its midnight; the first and the last day are counted
hour by hour from the ideas and votes made in them (index ranges), so the span, which decides
how the chart is drawn, is exact to the hour. Never a read of every vote."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, false, func, select

from bot.core.participation import HourCount
from storage import models as m
from storage import tally_tables as tt
from storage.activity import DAY, midnight, on_record

# First and last days this far apart span more than two days, which the chart draws day by day
# or week by week (`bot.core.participation.HOURS_UP_TO`): the days between need no hours.
WHOLE_DAYS_FROM = timedelta(days=3)


def hourly_counts(conn: Connection, programme_id: int, dialect: str) -> list[HourCount]:
    """Every hour's (or, between the first and last day, every day's) ideas and votes per
    audience, oldest first; hidden ideas and their votes are left out."""
    t = tt.ActivityCount
    first, last = conn.execute(
        select(func.min(t.day), func.max(t.day)).where(t.programme_id == programme_id)
    ).one()
    if first is None:
        return []
    first, last = _day(first), _day(last)
    counts: dict[tuple[datetime, str], list[int]] = {}
    hourly = [(midnight(first), midnight(last) + DAY)]
    if last - first >= WHOLE_DAYS_FROM:  # drawn day by day at least: whole days will do
        for day, audience, ideas, votes in conn.execute(
            select(t.day, t.audience, func.sum(t.ideas), func.sum(t.votes))
            .where(t.programme_id == programme_id, t.day > first, t.day < last)
            .group_by(t.day, t.audience)
        ):
            counts[(midnight(_day(day)), audience)] = [int(ideas), int(votes)]
        hourly = [(midnight(day), midnight(day) + DAY) for day in (first, last)]
    for since, until in hourly:
        for column, rows in enumerate(_hours(conn, programme_id, dialect, since, until)):
            for hour, audience, count in rows:
                counts.setdefault((_hour(hour), audience), [0, 0])[column] = count
    return [HourCount(hour, audience, i, v) for (hour, audience), (i, v) in sorted(counts.items())]


def _hours(
    conn: Connection, pid: int, dialect: str, since: datetime, until: datetime
) -> tuple[Any, Any]:
    """The ideas and the votes made in [since, until) per UTC hour and audience."""
    idea_hour = _utc_hour(m.Idea.created_at, dialect)
    vote_hour = _utc_hour(m.Vote.cast_at, dialect)
    ideas = conn.execute(
        select(idea_hour, m.Idea.audience, func.count())
        .where(m.Idea.programme_id == pid, m.Idea.hidden == false())
        .where(m.Idea.created_at >= since, m.Idea.created_at < until)
        .group_by(idea_hour, m.Idea.audience)
    )
    votes = conn.execute(
        select(vote_hour, m.Vote.audience, func.count())
        .where(m.Vote.cast_at >= since, m.Vote.cast_at < until, on_record(pid, dialect))
        .group_by(vote_hour, m.Vote.audience)
    )
    return ideas, votes


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


def _day(value: date | str) -> date:
    """A kept row's day: a date (PostgreSQL) or its ISO text (SQLite)."""
    return value if isinstance(value, date) else date.fromisoformat(value)
