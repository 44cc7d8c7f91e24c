"""Nudges: what the bot says unprompted to bring people back, and the hours it keeps quiet.

A nudge is queued once under a key (a reminder per channel per scheduled phase change, a "you
said, we did" note per channel per action status), then claimed and sent by the clock: the key
and the claim are what make it go out once across clock processes, restarts and retried ticks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.core.domain import ConversationRef, Participant, Phase
from bot.core.schedule import Cadence, Schedule, ScheduleError, parse_day, parse_time


class NudgeKind(StrEnum):
    REMINDER = "reminder"  # votes left before a theme moves to voting or closes
    QUIET_AUDIENCE = "audience"  # ideas other audiences back, offered to one that hasn't voted
    YOU_SAID = "you-said"  # "you said, we did": an idea's action moved on
    FOLLOW_UP = "follow-up"  # an action owner asked for an update


class NudgeOutcome(StrEnum):
    """How a claimed nudge ended (also the label it is counted under in /metrics)."""

    SENT = "sent"
    FAILED = "failed"  # for now: tried again at a later tick, a few times
    GONE = "gone"  # the channel is out of reach for good
    MUTED = "muted"  # skipped: the channel muted nudges
    EXPIRED = "expired"  # skipped: quiet hours lasted past the moment it was for
    DEFERRED = "deferred"  # quiet hours: back in the queue until they end


@dataclass(frozen=True, slots=True)
class NewNudge:
    """A nudge to queue; `key` is unique within the programme, so queuing it again adds nothing."""

    programme: str
    key: str
    kind: NudgeKind
    where: ConversationRef
    title: str
    text: str
    not_before: datetime
    expires_at: datetime | None = None  # pointless after this (the phase has changed)
    to: str | None = None  # a person (`slack:U123`): a direct message, reached through `where`


@dataclass(frozen=True, slots=True)
class Nudge:
    """A queued nudge, claimed by one clock process to send."""

    id: int
    programme: str
    kind: NudgeKind
    where: ConversationRef
    title: str
    text: str
    expires_at: datetime | None
    attempts: int
    to: str | None = None  # a direct message to this person (`platform:user_id`)


@dataclass(frozen=True, slots=True)
class Finished:
    """How a claimed nudge ended; with `retry_at` it goes back in the queue until then
    (deferred by quiet hours, or failed for now)."""

    nudge: Nudge
    outcome: NudgeOutcome
    retry_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Recipient:
    """A person a direct nudge may go to: `personal` is the 1:1 chat they have with the bot,
    when their platform needs one to be reached (Teams); Slack and the console need none."""

    key: str  # platform:user_id
    personal: ConversationRef | None = None

    @property
    def platform(self) -> str:
        return self.key.partition(":")[0]

    @property
    def user_id(self) -> str:
        return self.key.partition(":")[2]


@dataclass(frozen=True, slots=True)
class PersonNudges:
    """A person's own nudge settings in a programme (`mute me`, `notify me`) and whether a
    1:1 chat with the bot is kept to reach them."""

    muted: bool = False
    notified: bool = False  # told when an idea they backed becomes an agreed, active or done action
    personal: bool = False


@dataclass(frozen=True, slots=True)
class PhaseSchedule:
    """A theme's phase change an organiser set for later, and the reminder that comes first."""

    id: int
    programme: str
    theme_key: str
    phase: Phase
    due_at: datetime
    remind_at: datetime
    by: Participant
    reminded: bool
    applied: bool


class AskKind(StrEnum):
    """What a channel is sent on a schedule organisers set."""

    AUDIENCE = "audience"  # the ideas other audiences back and it has not voted on
    FOLLOW_UP = "follow-up"  # action owners asked for an update (one channel per programme)


@dataclass(frozen=True, slots=True)
class AskSchedule:
    """When a channel is sent one kind of scheduled nudge."""

    id: int
    programme: str
    kind: AskKind
    where: ConversationRef
    schedule: Schedule
    next_run_at: datetime


@dataclass(frozen=True, slots=True)
class FollowUp:
    """An owner asked about one of their actions in a round of follow-ups."""

    owner: str  # platform:user_id
    number: int


# Platforms where the bot can open a direct message with a user id alone (Slack's
# conversations.open, the console's one person); elsewhere (Teams) only a 1:1 chat the person
# already has with the bot reaches them.
OPENED_BY_ID = frozenset({"slack", "console"})


def reach(person: Recipient, channels: Sequence[ConversationRef]) -> ConversationRef | None:
    """How a direct nudge reaches `person`: their 1:1 chat with the bot, or, where a user id is
    enough, one of `channels` on their platform (for its workspace); None when it can't."""
    if person.personal is not None:
        return person.personal
    if person.platform not in OPENED_BY_ID:
        return None
    return next((c for c in channels if c.platform == person.platform), None)


OWNER_KEY = re.compile(r"(slack|teams|console):\S+")


def owner_key(owner: str | None) -> str | None:
    """The owner as a participant (`slack:U123`), when the action's owner was named that way;
    None for an organisation or a name."""
    text = (owner or "").strip().lstrip("@")
    return text if OWNER_KEY.fullmatch(text) else None


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A daily span of local time (it may cross midnight) in which no nudge is sent."""

    start: time
    end: time
    timezone: str

    def opens(self, moment: datetime) -> datetime:
        """`moment` itself when it is outside quiet hours; otherwise when they end (UTC)."""
        span = self._holding(moment)
        return span[1] if span else moment

    def closes_before(self, moment: datetime) -> datetime:
        """`moment` when it is outside quiet hours; otherwise the last minute before they began."""
        span = self._holding(moment)
        return span[0] - timedelta(minutes=1) if span else moment

    def _holding(self, moment: datetime) -> tuple[datetime, datetime] | None:
        """The quiet span `moment` falls in (it began today or yesterday, locally), if any."""
        zone = ZoneInfo(self.timezone)
        local_day = moment.astimezone(zone).date()
        for offset in (-1, 0):
            begins, ends = self._span(local_day + timedelta(days=offset), zone)
            if begins <= moment < ends:
                return begins, ends
        return None

    def _span(self, day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
        begins = datetime.combine(day, self.start, tzinfo=zone)
        end_day = day + timedelta(days=1) if self.end <= self.start else day
        ends = datetime.combine(end_day, self.end, tzinfo=zone)
        return begins.astimezone(UTC), ends.astimezone(UTC)

    def describe(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M} ({self.timezone})"


def shorten(text: str, limit: int) -> str:
    """An idea's text cut to `limit` characters for a one-line nudge."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def quiet_hours(text: str, timezone: str) -> QuietHours | None:
    """`21:00-08:00` → QuietHours in `timezone`; empty → None (nudges at any hour)."""
    if not text.strip():
        return None
    match = re.fullmatch(r"\s*(\S+)\s*-\s*(\S+)\s*", text)
    if not match:
        raise ValueError(f"quiet hours look like 21:00-08:00, not {text!r}")
    try:
        start, end = parse_time(match.group(1)), parse_time(match.group(2))
    except ScheduleError as error:
        raise ValueError(str(error)) from error
    if start == end:
        raise ValueError("quiet hours must start and end at different times")
    return QuietHours(start, end, timezone)


def moment(words: list[str], timezone: str, now: datetime) -> datetime:
    """When `at …` means, in UTC: `17:00` (the next 17:00), `fri 17:00` or `2026-03-12 17:00`,
    local to `timezone`; it must be in the future."""
    if len(words) == 1:
        return Schedule(Cadence.DAILY, parse_time(words[0]), timezone).next_after(now)
    if len(words) != 2:
        raise ScheduleError("Say when, e.g. `at 17:00`, `at fri 17:00` or `at 2026-03-12 17:00`.")
    at = parse_time(words[1])
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", words[0]):
        try:
            day = date.fromisoformat(words[0])
        except ValueError as error:
            raise ScheduleError(f"'{words[0]}' is not a date; write it like 2026-03-12.") from error
        due = datetime.combine(day, at, tzinfo=ZoneInfo(timezone)).astimezone(UTC)
        if due <= now:
            raise ScheduleError("That time has passed; pick one in the future.")
        return due
    return Schedule(Cadence.WEEKLY, at, timezone, parse_day(words[0])).next_after(now)
