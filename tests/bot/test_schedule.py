"""Digest schedules: typed forms, and next send times across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.core.schedule import Cadence, Schedule, ScheduleError, parse

LONDON = "Europe/London"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_weekly_and_daily_schedules_are_read_with_the_programme_zone_by_default() -> None:
    assert parse(["weekly", "mon", "09:00"], LONDON) == Schedule(
        Cadence.WEEKLY, time(9, 0), LONDON, "mon"
    )
    assert parse(["Daily", "17:30", "america/new_york"], LONDON) == Schedule(
        Cadence.DAILY, time(17, 30), "America/New_York"
    )
    assert parse(["weekly", "Friday", "7.05", "UTC"], LONDON).day == "fri"


@pytest.mark.parametrize(
    ("words", "says"),
    [
        ([], "Say `daily` or `weekly`"),
        (["hourly", "09:00"], "Say `daily` or `weekly`"),
        (["weekly", "funday", "09:00"], "'funday' is not a day"),
        (["weekly", "mon"], "At what time?"),
        (["daily", "9am"], "'9am' is not a 24-hour time"),
        (["daily", "24:00"], "'24:00' is not a 24-hour time"),
        (["daily", "09:00", "Mars/Olympus"], "'Mars/Olympus' is not a time zone"),
        (["daily", "09:00", "UTC", "please"], "I did not understand 'please'"),
    ],
)
def test_a_schedule_that_cannot_be_kept_says_what_would_work(words, says) -> None:
    with pytest.raises(ScheduleError, match=says):
        parse(words, LONDON)


def test_weekly_sends_keep_their_local_time_across_the_spring_change() -> None:
    """Clocks go forward on Sunday 29 March 2026: 09:00 is 09:00 UTC before, 08:00 UTC after."""
    weekly = Schedule(Cadence.WEEKLY, time(9, 0), LONDON, "mon")
    first = weekly.next_after(at("2026-03-18T12:00:00"))
    second = weekly.next_after(first)
    third = weekly.next_after(second)
    assert [first, second, third] == [
        at("2026-03-23T09:00:00"),
        at("2026-03-30T08:00:00"),
        at("2026-04-06T08:00:00"),
    ]


def test_a_daily_time_the_clocks_skip_is_sent_once_at_the_old_offset() -> None:
    """01:30 does not exist in London on 29 March 2026; that day's send goes at 01:30 GMT."""
    daily = Schedule(Cadence.DAILY, time(1, 30), LONDON)
    sends = [daily.next_after(at("2026-03-27T12:00:00"))]
    for _ in range(3):
        sends.append(daily.next_after(sends[-1]))
    assert sends == [
        at("2026-03-28T01:30:00"),
        at("2026-03-29T01:30:00"),
        at("2026-03-30T00:30:00"),
        at("2026-03-31T00:30:00"),
    ]


def test_a_daily_time_that_happens_twice_is_sent_at_its_first_occurrence_only() -> None:
    """01:30 happens twice in London on 25 October 2026 (BST, then GMT): one send, the first."""
    daily = Schedule(Cadence.DAILY, time(1, 30), LONDON)
    sends = [daily.next_after(at("2026-10-23T12:00:00"))]
    for _ in range(3):
        sends.append(daily.next_after(sends[-1]))
    assert sends == [
        at("2026-10-24T00:30:00"),
        at("2026-10-25T00:30:00"),
        at("2026-10-26T01:30:00"),
        at("2026-10-27T01:30:00"),
    ]


def test_the_next_send_is_strictly_after_now() -> None:
    daily = Schedule(Cadence.DAILY, time(17, 30), "UTC")
    assert daily.next_after(at("2026-03-02T17:30:00")) == at("2026-03-03T17:30:00")
    assert daily.next_after(at("2026-03-02T17:29:59")) == at("2026-03-02T17:30:00")


def test_a_schedule_reads_back_as_people_say_it_and_as_the_command_that_sets_it() -> None:
    weekly = Schedule(Cadence.WEEKLY, time(9, 0), LONDON, "mon")
    assert weekly.describe() == "every Monday at 09:00 (Europe/London)"
    assert weekly.typed() == "digest weekly mon 09:00 Europe/London"
    assert parse(weekly.typed().split()[1:], "UTC") == weekly


def test_a_late_or_catch_up_digest_covers_up_to_the_last_scheduled_time() -> None:
    daily = Schedule(Cadence.DAILY, time(17, 30), "UTC")
    due = at("2026-03-02T17:30:00")
    assert daily.last_due(due, at("2026-03-02T17:31:00")) == due  # a tick a minute late
    assert daily.last_due(due, at("2026-03-07T09:00:00")) == at("2026-03-06T17:30:00")
