"""Database URLs as hosting platforms hand them out are accepted and given async drivers."""

from __future__ import annotations

import pytest

from storage.database import is_sqlite, normalise_url


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db.example:5432/app", "postgresql+asyncpg://u:p@db.example:5432/app"),
        ("postgresql://u:p@db.example/app", "postgresql+asyncpg://u:p@db.example/app"),
        ("postgresql+asyncpg://u@h/app", "postgresql+asyncpg://u@h/app"),
        ("sqlite:///howcanwe.db", "sqlite+aiosqlite:///howcanwe.db"),
        ("sqlite+aiosqlite:///howcanwe.db", "sqlite+aiosqlite:///howcanwe.db"),
    ],
)
def test_urls_are_normalised(given: str, used: str) -> None:
    assert normalise_url(given) == used


def test_sqlite_is_recognised_whatever_the_driver() -> None:
    assert is_sqlite("sqlite:///x.db") and is_sqlite("sqlite+aiosqlite:///x.db")
    assert not is_sqlite("postgres://u@h/db".replace("postgres://", "postgresql://"))
