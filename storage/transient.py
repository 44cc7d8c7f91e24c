"""Which database failures are worth another try, and how long to keep trying.

A deadlock or a serialization failure rolled the whole transaction back: running it again is
safe, and with several web processes on one server it is expected now and then. A connection
lost or refused means the server is restarting or out of reach: a few tries spread over about
two seconds ride out a fail-over, then the caller is told the store is unavailable.
"""

from __future__ import annotations

import random
from enum import Enum

from sqlalchemy.exc import DBAPIError

CONFLICT_STATES = frozenset({"40P01", "40001"})  # deadlock detected, serialization failure
# Shut down, crashed, starting up, out of connections (class 08, connection exceptions, too).
UNAVAILABLE_STATES = frozenset({"57P01", "57P02", "57P03", "53300"})


class Failure(Enum):
    CONFLICT = "conflict"
    UNAVAILABLE = "unavailable"


ATTEMPTS = {Failure.CONFLICT: 8, Failure.UNAVAILABLE: 5}
FIRST_DELAY = {Failure.CONFLICT: 0.005, Failure.UNAVAILABLE: 0.1}  # seconds, doubled each time
MAX_DELAY = 1.0


def classify(error: BaseException) -> Failure | None:
    """CONFLICT or UNAVAILABLE when another try may succeed; None when it would fail again."""
    if isinstance(error, DBAPIError):
        state = _sqlstate(error)
        if state in CONFLICT_STATES:
            return Failure.CONFLICT
        if error.connection_invalidated or state in UNAVAILABLE_STATES or state[:2] == "08":
            return Failure.UNAVAILABLE
        return None
    if isinstance(error, OSError | TimeoutError):  # refused or timed out while connecting
        return Failure.UNAVAILABLE
    return None


def delay(failure: Failure, attempt: int) -> float:
    """Seconds to wait before try `attempt + 1`: doubling, jittered so that processes that
    collided do not collide again in step."""
    ceiling = min(FIRST_DELAY[failure] * 2 ** (attempt - 1), MAX_DELAY)
    return random.uniform(ceiling / 2, ceiling)


def _sqlstate(error: DBAPIError) -> str:
    original = error.orig
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    return str(state or "")
