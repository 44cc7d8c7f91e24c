"""Where text is stored: every column of every table (the schema as the database reports it,
not as the models declare it), and on SQLite the raw bytes of the database file and its log."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Connection, column, inspect, select, table
from sqlalchemy.engine import make_url

from storage.database import create_engine, is_sqlite


async def stored(database_url: str, needles: Iterable[str]) -> list[str]:
    """`table.column: needle` for each cell that holds a needle (in any case)."""
    wanted = [n.lower() for n in needles]
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_scan, wanted)
    finally:
        await engine.dispose()


def _scan(connection: Connection, needles: list[str]) -> list[str]:
    schema = inspect(connection)
    found = []
    for name in schema.get_table_names():
        names = [c["name"] for c in schema.get_columns(name)]
        # Untyped columns: each cell as the database hands it out (JSON as its text).
        rows = connection.execute(select(*(column(c) for c in names)).select_from(table(name)))
        for row in rows:
            for column_name, value in zip(names, row, strict=True):
                text = str(value).lower()
                found += [f"{name}.{column_name}: {n}" for n in needles if n in text]
    return found


def sqlite_files(database_url: str) -> list[Path]:
    """The SQLite database file and, when there is one, its write-ahead log."""
    assert is_sqlite(database_url)
    path = Path(str(make_url(database_url).database))
    return [p for p in (path, path.with_name(path.name + "-wal")) if p.exists()]


def in_sqlite_files(database_url: str, needles: Iterable[str]) -> list[str]:
    """`file: needle` for each needle (in any case) whose UTF-8 bytes are in a file."""
    found = []
    for path in sqlite_files(database_url):
        data = path.read_bytes().lower()
        found += [f"{path.name}: {n}" for n in needles if n.lower().encode() in data]
    return found
