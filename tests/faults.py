"""A database that fails once: the next write of a table raises."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event


class Hiccup(RuntimeError):
    """What the database raised instead of writing."""


@contextmanager
def next_write_fails(table: str) -> Iterator[list[str]]:
    """The next INSERT/UPDATE/DELETE of `table` on any engine (the repository's SQLite runner
    has one of its own) raises `Hiccup`, once; yields the statements that failed."""
    failed: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        verb = statement.lstrip().split(" ", 1)[0].upper()
        if failed or verb not in {"INSERT", "UPDATE", "DELETE"}:
            return
        if f" {table} " not in f" {statement.split('(', 1)[0]} ".replace("\n", " "):
            return
        failed.append(statement)
        raise Hiccup("the database failed this once")

    event.listen(Engine, "before_cursor_execute", before)
    try:
        yield failed
    finally:
        event.remove(Engine, "before_cursor_execute", before)
