"""How long an edge waits before trying a refused call again, and how it reports giving up,
for every platform.

A post the core asked for (an idea card, a prompt, a digest) is not dropped because Slack or
the Bot Connector says 429: it is tried again after each `Retry-After` for up to `PATIENCE`.
Under throttling that goes on, each wait is also at least a fifth of the time already waited,
so the tries thin out (about thirty in fifteen minutes when the platform keeps saying "1 s").
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from bot.core.domain import Anchor

PATIENCE = 15 * 60.0  # seconds a throttled post keeps being tried
QUICK = 60.0  # seconds a throttled lookup (a name, a form) may wait in all
THINNING = 0.2  # each wait is at least this share of the time already waited
MOST_TRIES = 60  # slack_sdk stops any one call after 100 attempts; stay well under
UNSAID = 1.0  # seconds to wait when a 429 gives no usable Retry-After


def retry_after(value: str | None) -> float:
    """`Retry-After` in seconds: a number of seconds or an HTTP date (RFC 9110); a missing or
    unreadable one counts as `UNSAID`."""
    text = (value or "").strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(text) - datetime.now(UTC)).total_seconds()
        except (TypeError, ValueError, IndexError):  # not a date, or one without a zone
            return UNSAID
    return max(seconds, 0.0) if math.isfinite(seconds) else UNSAID


@dataclass(slots=True)
class Patience:
    """One call's waiting so far, against a limit in seconds and tries."""

    limit: float = PATIENCE
    tries: int = MOST_TRIES
    waited: float = 0.0
    retried: int = 0

    def next_wait(self, asked: float) -> float | None:
        """Seconds to wait before the next try, or None to give up: the limit would be passed,
        or the tries are spent."""
        wait = max(asked, self.waited * THINNING)
        if self.retried >= self.tries or self.waited + wait > self.limit:
            return None
        self.waited += wait
        self.retried += 1
        return wait


def level(status: int | None) -> int:
    """How loudly a failed call is logged: a 429 that reaches its caller was tried for as long
    as its Patience allows, so what it carried is lost (an error); other failures are warnings."""
    return logging.ERROR if status == 429 else logging.WARNING


def about(anchor: Anchor | None) -> str:
    """`idea 12`, `prompt 3`: what a card was, for the log (never what it says)."""
    return f"{anchor.kind} {anchor.ref}" if anchor else ""
