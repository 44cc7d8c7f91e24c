"""Participation over time: new ideas and votes per day and audience, and their running totals."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class DayCount:
    """What one audience contributed on one day (UTC): ideas added and votes cast."""

    day: date
    audience: str
    ideas: int
    votes: int


@dataclass(frozen=True, slots=True)
class Series:
    """Running totals of ideas plus votes per audience, one value for every day of the span."""

    days: tuple[date, ...]
    totals: dict[str, tuple[int, ...]]  # audience key → running total on each of `days`


def running_totals(counts: Iterable[DayCount], audiences: Sequence[str]) -> Series:
    """Every day from the first contribution to the last (quiet days too, so the time axis is
    even), with each audience's contributions so far; audiences nobody voted in stay at zero,
    and audiences the playbook no longer lists come after its own."""
    counts = list(counts)
    if not counts:
        return Series((), {a: () for a in audiences})
    first, last = min(c.day for c in counts), max(c.day for c in counts)
    days = tuple(first + timedelta(days=n) for n in range((last - first).days + 1))
    keys = [*audiences, *sorted({c.audience for c in counts} - set(audiences))]
    daily = {(c.day, c.audience): c.ideas + c.votes for c in counts}
    totals: dict[str, tuple[int, ...]] = {}
    for key in keys:
        running, values = 0, []
        for day in days:
            running += daily.get((day, key), 0)
            values.append(running)
        totals[key] = tuple(values)
    return Series(days, totals)
