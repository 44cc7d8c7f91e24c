"""Participation over time: new ideas and votes per hour and audience, and their running totals
in buckets that suit the span (hours for a day's workshop, days for a month, weeks beyond), so the
chart reads well for one day and for three months alike."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

HOURS_UP_TO = timedelta(days=2)  # a span shorter than this is drawn hour by hour
DAYS_UP_TO = timedelta(days=31)  # then day by day; longer spans week by week (from Mondays)


@dataclass(frozen=True, slots=True)
class HourCount:
    """What one audience contributed in one hour (UTC, its start): ideas added and votes cast."""

    hour: datetime
    audience: str
    ideas: int
    votes: int


class Step(StrEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"


@dataclass(frozen=True, slots=True)
class Series:
    """Running totals of ideas plus votes per audience, one value at the end of every bucket."""

    buckets: tuple[datetime, ...]  # each bucket's start (UTC), evenly spaced
    totals: dict[str, tuple[int, ...]]  # audience key → running total at the end of each bucket
    step: Step = Step.DAY


def step_for(span: timedelta) -> Step:
    if span < HOURS_UP_TO:
        return Step.HOUR
    return Step.DAY if span <= DAYS_UP_TO else Step.WEEK


def bucket_of(moment: datetime, step: Step) -> datetime:
    hour = moment.replace(minute=0, second=0, microsecond=0)
    if step is Step.HOUR:
        return hour
    day = hour.replace(hour=0)
    return day if step is Step.DAY else day - timedelta(days=day.weekday())


SIZES = {Step.HOUR: timedelta(hours=1), Step.DAY: timedelta(days=1), Step.WEEK: timedelta(weeks=1)}


def running_totals(counts: Iterable[HourCount], audiences: Sequence[str]) -> Series:
    """Every bucket from the first contribution to the last (quiet ones too, so the time axis is
    even), with each audience's contributions so far; audiences nobody voted in stay at zero,
    and audiences the playbook no longer lists come after its own."""
    counts = list(counts)
    if not counts:
        return Series((), {a: () for a in audiences})
    first, last = min(c.hour for c in counts), max(c.hour for c in counts)
    step = step_for(last - first)
    start, end, size = bucket_of(first, step), bucket_of(last, step), SIZES[step]
    buckets = tuple(start + size * n for n in range(int((end - start) / size) + 1))
    keys = [*audiences, *sorted({c.audience for c in counts} - set(audiences))]
    added: dict[tuple[datetime, str], int] = {}
    for c in counts:
        at = (bucket_of(c.hour, step), c.audience)
        added[at] = added.get(at, 0) + c.ideas + c.votes
    totals: dict[str, tuple[int, ...]] = {}
    for key in keys:
        running, values = 0, []
        for bucket in buckets:
            running += added.get((bucket, key), 0)
            values.append(running)
        totals[key] = tuple(values)
    return Series(buckets, totals, step)
