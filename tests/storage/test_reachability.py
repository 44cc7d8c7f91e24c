"""Waiting for the database at start-up: a fake connection that fails as a server does, a fake
clock and a sleep that only moves it, so the backoff is checked without waiting for it."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.engine import make_url

from bot.config import ConfigError, Settings
from storage.reachability import DatabaseUnavailable, explain, wait_for

URL = make_url("postgresql://app:pw-s3cret@db.example:5432/plan")


class ServerError(Exception):
    """What a PostgreSQL driver raises when the server answers with an error."""

    def __init__(self, sqlstate: str, message: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


class Database:
    """Fails with `errors` in turn, then answers; time passes only in `sleep`."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.now = 0.0
        self.pauses: list[float] = []
        self.attempts = 0

    async def connect(self) -> None:
        self.attempts += 1
        if self.errors:
            raise self.errors.pop(0)

    async def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now

    async def wait(self, patience: float) -> None:
        await wait_for(self.connect, URL, patience, self.sleep, self.clock)


async def test_a_database_that_comes_up_during_the_wait_is_used(caplog) -> None:
    db = Database(ConnectionRefusedError(111, "refused"), ServerError("57P03", "starting up"))
    with caplog.at_level(logging.WARNING, "storage.reachability"):
        await db.wait(patience=30)
    assert db.attempts == 3 and db.pauses == [0.5, 1.0]
    assert [r.attempt for r in caplog.records] == [1, 2]  # type: ignore[attr-defined]
    assert all(r.database == "the database at app@db.example:5432/plan" for r in caplog.records)  # type: ignore[attr-defined]
    assert "pw-s3cret" not in caplog.text


async def test_the_wait_backs_off_and_gives_up_in_one_line_when_patience_runs_out() -> None:
    db = Database(*(ConnectionRefusedError(111, "refused") for _ in range(20)))
    with pytest.raises(DatabaseUnavailable) as raised:
        await db.wait(patience=20)
    assert db.pauses == [0.5, 1.0, 2.0, 4.0, 8.0, 4.5]  # doubling, at most 8 s, 20 s in all
    message = str(raised.value)
    assert message == (
        "cannot reach the database at app@db.example:5432/plan: connection refused; is the "
        "server running, on that port? (gave up after 7 attempts in 20.0 s)"
    )


async def test_a_setting_to_fix_is_reported_at_once_without_waiting() -> None:
    db = Database(ServerError("3D000", 'database "plan" does not exist\nDETAIL: none'))
    with pytest.raises(
        DatabaseUnavailable, match=r'^cannot use .*: database "plan" does not exist$'
    ):
        await db.wait(patience=30)
    assert db.pauses == []


async def test_one_shot_commands_try_once() -> None:
    db = Database(ConnectionRefusedError(111, "refused"))
    with pytest.raises(DatabaseUnavailable, match="connection refused; is the server running"):
        await db.wait(patience=0)
    assert db.attempts == 1 and db.pauses == []


def test_what_is_worth_another_attempt() -> None:
    assert explain(ServerError("08006", "connection failure"), URL)[1]
    assert explain(ServerError("53300", "too many clients already"), URL)[1]
    refused = ServerError("28P01", 'password authentication failed for user "app" pw-s3cret')
    assert explain(refused, URL) == ('password authentication failed for user "app" ***', False)
    assert explain(TimeoutError(), URL) == ("no answer within 10 s", True)
    wrapped = RuntimeError("wrapper")
    wrapped.__cause__ = OSError(101, "Network is unreachable")
    assert explain(wrapped, URL) == ("Network is unreachable", True)


def test_the_wait_is_configured_in_seconds() -> None:
    assert Settings.from_env({}).db_wait_seconds is None  # the command decides (README)
    assert Settings.from_env({"HOWCANWE_DB_WAIT_SECONDS": "2.5"}).db_wait_seconds == 2.5
    for bad in ("soon", "-1", "86400"):
        with pytest.raises(ConfigError, match="HOWCANWE_DB_WAIT_SECONDS"):
            Settings.from_env({"HOWCANWE_DB_WAIT_SECONDS": bad})
