"""How long a refused call waits: Retry-After read in every form, and patience that thins out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from handlers.pacing import MOST_TRIES, PATIENCE, UNSAID, Patience, retry_after


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("3", 3.0), ("1.5", 1.5), ("0", 0.0), ("-4", 0.0), (None, UNSAID), ("soon", UNSAID)],
)
def test_retry_after_in_seconds(header: str | None, seconds: float) -> None:
    assert retry_after(header) == seconds


@pytest.mark.parametrize("header", ["nan", "inf", "Wed, 21 Oct 2015 07:28:00"])
def test_retry_after_that_cannot_be_waited_counts_as_unsaid(header: str) -> None:
    assert retry_after(header) == UNSAID


def test_retry_after_as_an_http_date() -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    assert 100 < retry_after(later) <= 120
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # already past


def test_sustained_throttling_is_tried_ever_more_sparsely_until_patience_runs_out() -> None:
    patience = Patience()
    waits = []
    while (wait := patience.next_wait(1.0)) is not None:
        waits.append(wait)
    assert waits[:5] == [1.0] * 5  # Retry-After honoured while the throttling is young
    assert waits == sorted(waits) and waits[-1] > 100  # then each wait is a share of the total
    assert 25 <= len(waits) <= 40 < MOST_TRIES
    assert PATIENCE - waits[-1] * 2 < sum(waits) <= PATIENCE


def test_a_retry_after_longer_than_the_patience_left_gives_up_at_once() -> None:
    assert Patience(limit=60).next_wait(61) is None
    assert Patience(limit=60, tries=2).next_wait(0) == 0  # Retry-After 0: try again now
    spent = Patience(tries=2)
    assert [spent.next_wait(0), spent.next_wait(0), spent.next_wait(0)] == [0, 0, None]
