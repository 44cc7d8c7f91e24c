"""The near-duplicate index, kept in the database: each idea's word stems are posted in the
transaction that stores or edits the idea, so every process sees the same index and none has
to build one at start-up; a check reads the postings of its own stems and counts them at once."""

from __future__ import annotations

from array import array
from collections.abc import Collection, Iterable, Iterator
from functools import cache
from itertools import compress
from typing import Any

import numpy as np
from sqlalchemy import (
    BindParameter,
    Connection,
    Integer,
    bindparam,
    delete,
    func,
    insert,
    null,
    select,
    union_all,
    update,
)

from bot.core import domain, sketches
from bot.core.similarity import Fingerprint
from storage import models as m
from storage.posting_table import STEM_CHARS, StemPosting
from storage.vote_queries import one_of

CHUNK = 2048  # ids a chunk takes before the next idea starts a new one (8 KiB)
IDS = np.dtype("<u4")
WANTED = 5000  # candidate ids read per statement (far below any driver's limit on parameters)


def keys(text: str) -> frozenset[str]:
    """The stems an idea is posted under (`Fingerprint.stems`, kept to the column's width)."""
    return frozenset(stem[:STEM_CHARS] for stem in Fingerprint.of(text).stems)


def lock(conn: Connection, pid: int) -> None:
    """Take the programme's row: postings are read, changed and written back under it, as new
    ideas are numbered under it (storage.ideas), so no two writers lose each other's ids."""
    conn.execute(select(m.Programme.id).where(m.Programme.id == pid).with_for_update())


Ids = np.ndarray[tuple[int], np.dtype[np.uint32]]


def post(conn: Connection, pid: int, idea_id: int, stems: Collection[str]) -> None:
    """Add the idea to each stem's postings (the caller holds `lock`): a new chunk where the
    stem has none yet, or its last is full and the idea comes after it."""
    found = _chunks(conn, pid, idea_id, stems)
    fresh, grown = [], {}
    for stem in sorted(stems):
        chunk = found.get(stem)
        if chunk is None or (len(chunk[1]) >= CHUNK and idea_id > chunk[1][-1]):
            fresh.append({"programme_id": pid, "stem": stem, "first_id": idea_id})
        else:
            first, ids = chunk
            grown[stem] = (first, np.insert(ids, np.searchsorted(ids, idea_id), idea_id))
    if fresh:
        conn.execute(insert(StemPosting).values(ideas=_packed([idea_id])), fresh)
    _rewrite(conn, pid, grown)


def unpost(conn: Connection, pid: int, idea_id: int, stems: Collection[str]) -> None:
    """Take the idea out of each stem's postings (an edit's old stems, a forgotten idea)."""
    found = _chunks(conn, pid, idea_id, stems)
    _rewrite(
        conn, pid, {stem: (first, ids[ids != idea_id]) for stem, (first, ids) in found.items()}
    )


def _chunks(
    conn: Connection, pid: int, idea_id: int, stems: Collection[str]
) -> dict[str, tuple[int, Ids]]:
    """For each stem, the chunk of its postings that holds (or would hold) the idea: the last
    one starting at or before it. One statement for all the stems."""
    if not stems:
        return {}
    starts = (
        select(StemPosting.stem, func.max(StemPosting.first_id).label("first_id"))
        .where(
            StemPosting.programme_id == pid,
            StemPosting.stem.in_(sorted(stems)),
            StemPosting.first_id <= idea_id,
        )
        .group_by(StemPosting.stem)
        .subquery()
    )
    rows = conn.execute(
        select(StemPosting.stem, StemPosting.first_id, StemPosting.ideas).join(
            starts,
            (StemPosting.programme_id == pid)
            & (StemPosting.stem == starts.c.stem)
            & (StemPosting.first_id == starts.c.first_id),
        )
    )
    return {row.stem: (row.first_id, np.frombuffer(row.ideas, dtype=IDS)) for row in rows}


def _rewrite(conn: Connection, pid: int, chunks: dict[str, tuple[int, Ids]]) -> None:
    """Write the chunks back, in stem order (so that writers never wait on each other in a
    cycle); a chunk left empty is deleted."""
    kept = [
        {"s": stem, "f": first, "b": ids.astype(IDS).tobytes()}
        for stem, (first, ids) in sorted(chunks.items())
        if len(ids)
    ]
    empty = [
        {"s": stem, "f": first} for stem, (first, ids) in sorted(chunks.items()) if not len(ids)
    ]
    where = (
        (StemPosting.programme_id == pid)
        & (StemPosting.stem == bindparam("s"))
        & (StemPosting.first_id == bindparam("f"))
    )
    if kept:
        conn.execute(update(StemPosting).where(where).values(ideas=bindparam("b")), kept)
    if empty:
        conn.execute(delete(StemPosting).where(where), empty)


def _packed(ids: Iterable[int]) -> bytes:
    return np.fromiter(ids, dtype=IDS).tobytes()


@cache
def _statements(dialect: str) -> tuple[Any, Any]:
    """A check's two statements, one text whatever the number of stems or ideas (asyncpg
    prepares each once): the newest idea's number with the stems' postings, read in one
    snapshot; then the candidates by storage id alone, filtered by the caller (SQLite, without
    statistics, would otherwise walk the programme's index of ideas instead of a few keys)."""
    pid: BindParameter[int] = bindparam("pid")
    newest = select(
        null().cast(StemPosting.ideas.type).label("ideas"), m.Programme.last_number
    ).where(m.Programme.id == pid)
    chunks = select(StemPosting.ideas, null().cast(Integer)).where(
        StemPosting.programme_id == pid, one_of(StemPosting.stem, "stems", dialect)
    )
    ideas = select(
        m.Idea.id,
        m.Idea.programme_id,
        m.Idea.number,
        m.Idea.text,
        m.Idea.merged_into,
        m.Idea.hidden,
        m.Idea.sketch,
    ).where(one_of(m.Idea.id, "ids", dialect))
    return union_all(newest, chunks), ideas


def sharing(
    conn: Connection,
    pid: int,
    stems: Collection[str],
    needed: int,
    screen: sketches.Screen | None = None,
) -> domain.Lookalikes:
    """The programme's live ideas posted under at least `needed` of `stems`, oldest first (with
    `screen`, only those its bounds keep), and the number of the newest idea stored when the
    postings were read."""
    postings_of, ideas_of = _statements(conn.dialect.name)
    wanted = sorted({stem[:STEM_CHARS] for stem in stems})
    newest, chunks = 0, []
    for ideas, last_number in conn.execute(postings_of, {"pid": pid, "stems": wanted}):
        if ideas is None:
            newest = last_number or 0
        else:
            chunks.append(np.frombuffer(ideas, dtype=IDS))
    if not chunks:
        return domain.Lookalikes((), newest)
    counts = np.bincount(np.concatenate(chunks))
    ids = np.flatnonzero(counts >= max(needed, 1)).tolist()
    # Stems cut to the column's width may stand for several of the probe's, each counted once:
    # the screen is given the shared stems over-counted by the rest, never under.
    merged = len(set(stems)) - len(wanted)
    found: list[tuple[int, int, str]] = []
    for start in range(0, len(ids), WANTED):
        rows = [
            row
            for row in conn.execute(ideas_of, {"ids": ids[start : start + WANTED]})
            if row.programme_id == pid and row.merged_into is None and not row.hidden
        ]
        if screen is not None and rows:
            shared = counts[[row.id for row in rows]] + merged
            rows = list(compress(rows, screen.keeps(shared, [row.sketch for row in rows])))
        found += ((row.id, row.number, row.text) for row in rows)
    found.sort()
    return domain.Lookalikes(tuple((number, text) for _, number, text in found), newest)


def chunks(pid: int, ideas: Iterable[tuple[int, str]]) -> Iterator[tuple[int, str, int, bytes]]:
    """Every posting row of a programme's ideas, (id, text) in ascending id order, as
    (programme_id, stem, first_id, ideas): for bulk loads (the 0019 migration's backfill, the
    benchmarks' seeding), which write all of a programme's postings at once."""
    postings: dict[str, array[int]] = {}
    for idea_id, text in ideas:
        for stem in keys(text):
            postings.setdefault(stem, array("I")).append(idea_id)
    for stem in sorted(postings):
        ids = postings[stem]
        for start in range(0, len(ids), CHUNK):
            part = ids[start : start + CHUNK]
            yield pid, stem, part[0], _packed(part)
