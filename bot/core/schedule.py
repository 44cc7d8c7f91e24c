"""When a channel's digest is due: daily or weekly at a wall-clock time in a time zone.

The next send is found on local calendar days and only then turned into UTC, so a daylight-saving
change neither skips nor doubles a send: a time that does not exist that day (clocks went forward
over it) is sent at the same offset as before the change, an hour later by the clock; a time that
happens twice (clocks went back) is sent at its first occurrence only. Days are stored as names,
never as cron numbers (APScheduler 3 counts weekdays from Monday, cron from Sunday).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Cadence(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"


class ScheduleError(ValueError):
    """A schedule that cannot be kept; the message says what would work."""


@dataclass(frozen=True, slots=True)
class Schedule:
    cadence: Cadence
    at: time
    timezone: str
    day: str | None = None  # weekly only: one of DAYS

    def next_after(self, moment: datetime) -> datetime:
        """The first send strictly after `moment` (aware), in UTC."""
        zone = ZoneInfo(self.timezone)
        local_day = moment.astimezone(zone).date()
        for offset in range(8):  # a weekly send is at most a week (and a day) away
            candidate = local_day + timedelta(days=offset)
            if not self._runs_on(candidate):
                continue
            due = datetime.combine(candidate, self.at, tzinfo=zone).astimezone(UTC)
            if due > moment:
                return due
        raise AssertionError("a daily or weekly schedule always runs within eight days")

    def last_due(self, due: datetime, now: datetime) -> datetime:
        """The latest send time at or before `now`, counting on from `due` (itself due): a
        digest covers up to it, so a late tick or a catch-up reads as the scheduled time."""
        latest = due
        while (following := self.next_after(latest)) <= now:
            latest = following
        return latest

    @classmethod
    def stored(cls, cadence: str, day: str | None, at: str, timezone: str) -> Schedule:
        """A schedule as storage keeps it (`at` as "HH:MM")."""
        hours, minutes = at.split(":")
        return cls(Cadence(cadence), time(int(hours), int(minutes)), timezone, day)

    def columns(self) -> dict[str, str | None]:
        """How storage keeps it: the inverse of `stored`."""
        return {
            "cadence": self.cadence.value,
            "day": self.day,
            "at": f"{self.at:%H:%M}",
            "timezone": self.timezone,
        }

    def _runs_on(self, day: date) -> bool:
        return self.cadence is Cadence.DAILY or DAYS[day.weekday()] == self.day

    @property
    def period(self) -> timedelta:
        """What one digest covers: a day, or a week."""
        return timedelta(days=1 if self.cadence is Cadence.DAILY else 7)

    def describe(self) -> str:
        """How people say it: "every Monday at 09:00 (Europe/London)"."""
        when = "every day" if self.day is None else f"every {DAY_NAMES[DAYS.index(self.day)]}"
        return f"{when} at {self.at:%H:%M} ({self.timezone})"

    def typed(self) -> str:
        """The command that sets this schedule again, e.g. `digest weekly mon 09:00 UTC`."""
        day = f" {self.day}" if self.day else ""
        return f"digest {self.cadence.value}{day} {self.at:%H:%M} {self.timezone}"


def parse(words: list[str], default_timezone: str) -> Schedule:
    """`weekly mon 09:00 [zone]` or `daily 17:30 [zone]` → a Schedule."""
    if not words or words[0].lower() not in (c.value for c in Cadence):
        raise ScheduleError("Say `daily` or `weekly`, e.g. `digest weekly mon 09:00`.")
    cadence = Cadence(words[0].lower())
    rest = words[1:]
    day = None
    if cadence is Cadence.WEEKLY:
        if not rest:
            raise ScheduleError("Which day? e.g. `digest weekly mon 09:00`.")
        day = parse_day(rest[0])
        rest = rest[1:]
    if not rest:
        example = "digest weekly mon 09:00" if day else "digest daily 17:30"
        raise ScheduleError(f"At what time? Use 24-hour time, e.g. `{example}`.")
    if len(rest) > 2:
        raise ScheduleError(f"I did not understand '{' '.join(rest[2:])}' after the time zone.")
    at = parse_time(rest[0])
    zone = rest[1] if len(rest) > 1 else default_timezone
    return Schedule(cadence, at, known_timezone(zone), day)


def parse_day(word: str) -> str:
    key = word[:3].lower()
    if key not in DAYS or not DAY_NAMES[DAYS.index(key)].lower().startswith(word.lower()):
        raise ScheduleError(f"'{word}' is not a day; use mon, tue, wed, thu, fri, sat or sun.")
    return key


def parse_time(word: str) -> time:
    match = re.fullmatch(r"(\d{1,2})[:.h](\d{2})", word)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ScheduleError(f"'{word}' is not a 24-hour time; write it like 09:00 or 17:30.")
    return time(int(match.group(1)), int(match.group(2)))


def known_timezone(name: str) -> str:
    """The IANA name as the time zone database spells it (`europe/london` → Europe/London)."""
    titled = "/".join(
        "_".join(word.capitalize() for word in part.split("_")) for part in name.split("/")
    )
    candidates = (name, titled, name.upper())
    for candidate in candidates:
        try:
            ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        return candidate
    raise ScheduleError(
        f"'{name}' is not a time zone I know; use an IANA name such as Europe/London or UTC."
    )
