"""A digest's figures for a period, from aggregate queries (GROUP BY and window functions): one
sort of narrow rows shortlists the first few ideas of every theme, actor and newness, and only
that shortlist comes back to Python, where the core picks the ideas the digest names from it
(`bot.core.digest.choose`, by the plan's one ranking rule).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    and_,
    case,
    false,
    func,
    literal_column,
    select,
    union_all,
)

from bot.core import digest as d
from bot.core import domain
from storage import models as m
from storage.database import as_utc as utc


def figures(conn: Connection, pid: int, since: datetime, until: datetime) -> d.DigestFigures:
    """Everything a digest reports about [since, until), in eight aggregate queries."""
    in_period = _between(m.Idea.created_at, since, until)
    participation, participants = _participation(conn, pid, since, until)
    shortlist = _shortlist(conn, pid, since, until)
    by_theme: dict[str, dict[str, Any]] = {}
    for row in conn.execute(
        select(
            m.Idea.theme_key,
            func.count(),
            func.sum(case((in_period, 1), else_=0)),
            func.sum(case((m.Idea.actor_key.is_(None), 1), else_=0)),
        )
        .where(*_live(pid))
        .group_by(m.Idea.theme_key)
    ):
        by_theme[row[0]] = {"ideas": row[1], "new_ideas": row[2] or 0, "unassigned": row[3] or 0}
    for theme_key, actor_key, count in conn.execute(
        select(m.Idea.theme_key, m.Idea.actor_key, func.count())
        .where(*_live(pid), m.Idea.actor_key.is_not(None))
        .group_by(m.Idea.theme_key, m.Idea.actor_key)
    ):
        by_theme.setdefault(theme_key, {}).setdefault("cell_sizes", {})[actor_key] = count
    for theme_key, index in conn.execute(
        select(m.Prompt.theme_key, m.Prompt.challenge_index)
        .where(m.Prompt.programme_id == pid, _between(m.Prompt.posted_at, since, until))
        .distinct()
        .order_by(m.Prompt.theme_key, m.Prompt.challenge_index)
    ):
        by_theme.setdefault(theme_key, {}).setdefault("challenges_posted", []).append(index)
    chosen = d.choose(shortlist, by_theme)
    ideas = _digest_ideas(conn, chosen.named())
    themes = {
        key: _theme(key, by_theme.get(key, {}), picks, ideas)
        for key, picks in chosen.themes.items()
    }
    unassigned = tuple(ideas[row.id] for row in chosen.unassigned)
    return d.DigestFigures(
        since=since,
        until=until,
        participation=participation,
        participants=participants,
        themes=themes,
        merged=_merges(conn, pid, since, until),
        unassigned=unassigned,
    )


def _between(column: Any, since: datetime, until: datetime) -> Any:
    return and_(column >= since, column < until)


def _live(pid: int) -> tuple[Any, ...]:
    """Ideas on the plan: not merged into another, not hidden."""
    return (m.Idea.programme_id == pid, m.Idea.merged_into.is_(None), m.Idea.hidden == false())


def _participation(
    conn: Connection, pid: int, since: datetime, until: datetime
) -> tuple[tuple[d.Participation, ...], int]:
    """The period's ideas and votes by audience and platform, with the people behind them: one
    pass over the period's votes (found by when they were cast), summed per person in SQL, so
    at most a row per participant, audience and platform comes back to be added up here."""
    new_ideas: Select[*tuple[Any, ...]] = (
        select(
            m.Idea.author_id.label("person"),
            m.Idea.audience.label("audience"),
            m.Idea.platform.label("platform"),
            literal_column("1").label("idea"),
            literal_column("0").label("vote"),
        )
        .where(m.Idea.programme_id == pid, m.Idea.hidden == false())
        .where(_between(m.Idea.created_at, since, until))
    )
    new_votes: Select[*tuple[Any, ...]] = (
        select(
            m.Vote.participant_id,
            m.Vote.audience,
            m.Vote.platform,
            literal_column("0"),
            literal_column("1"),
        )
        # EXISTS, not a join: SQLite then reads the period's votes by `cast_at` instead of
        # every vote of every idea in the programme.
        .where(
            _between(m.Vote.cast_at, since, until),
            select(m.Idea.id)
            .where(m.Idea.id == m.Vote.idea_id, m.Idea.programme_id == pid)
            .where(m.Idea.hidden == false())  # hidden ideas are off the record, votes too
            .exists(),
        )
    )
    acts = union_all(new_ideas, new_votes).subquery()
    shares: dict[tuple[str, str], list[int]] = {}
    people: set[int] = set()
    for person, audience, platform, ideas, votes in conn.execute(
        select(
            acts.c.person,
            acts.c.audience,
            acts.c.platform,
            func.sum(acts.c.idea),
            func.sum(acts.c.vote),
        ).group_by(acts.c.person, acts.c.audience, acts.c.platform)
    ):
        share = shares.setdefault((audience, platform), [0, 0, 0])
        share[0] += int(ideas)
        share[1] += int(votes)
        share[2] += 1
        people.add(person)
    found = tuple(d.Participation(a, p, *counts) for (a, p), counts in sorted(shares.items()))
    return found, len(people)


SHORTLIST = max(d.TOP_IDEAS, d.CELL_IDEAS, d.NEW_IDEAS, d.UNASSIGNED_IDEAS)


def _shortlist(conn: Connection, pid: int, since: datetime, until: datetime) -> list[Any]:
    """The ideas a digest may name: the first SHORTLIST by votes of each theme × actor × newness.

    Every list a digest shows (a theme's top ideas, its newest, a cell's best, the programme's
    unassigned) is the head of a union of these groups, and an idea in the first k of a union is
    in the first k of its own group; so one sort of narrow rows ranks them all, and only the
    shortlist's texts are read.
    """
    votes = select(func.count()).where(m.Vote.idea_id == m.Idea.id).scalar_subquery()
    is_new = _between(m.Idea.created_at, since, until)
    group = (m.Idea.theme_key, m.Idea.actor_key, is_new)
    ranked = (
        select(
            m.Idea.id,
            func.row_number()
            .over(partition_by=group, order_by=(votes.desc(), m.Idea.number))
            .label("rank"),
        )
        .where(*_live(pid))
        .subquery()
    )
    ids = conn.scalars(select(ranked.c.id).where(ranked.c.rank <= SHORTLIST)).all()
    return list(
        conn.execute(
            select(
                m.Idea.id,
                m.Idea.number,
                m.Idea.text,
                m.Idea.theme_key,
                m.Idea.created_at,
                m.Idea.actor_key,
                m.Idea.style_key,
                m.Idea.stage_key,
                m.Idea.assigned_at,
                m.Idea.status,
                is_new.label("is_new"),
                votes.label("votes"),
            ).where(m.Idea.id.in_(ids))
        )
    )


def _digest_ideas(conn: Connection, rows: Iterable[Any]) -> dict[int, d.DigestIdea]:
    """The named ideas, with their votes by audience."""
    named = {row.id: row for row in rows}
    votes_of = _votes_by_audience(conn, list(named))
    return {
        idea.id: d.DigestIdea(
            number=idea.number,
            text=idea.text,
            theme_key=idea.theme_key,
            created_at=utc(idea.created_at),
            votes=idea.votes,
            votes_by_audience=votes_of.get(idea.id, {}),
            assignment=domain.Assignment(idea.actor_key, idea.style_key, idea.stage_key)
            if idea.actor_key
            else None,
            assigned_at=utc(idea.assigned_at) if idea.assigned_at else None,
            status=domain.Status(idea.status) if idea.status else None,
        )
        for idea in named.values()
    }


def _votes_by_audience(conn: Connection, idea_ids: list[int]) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = {}
    if not idea_ids:
        return found
    for idea_id, audience, count in conn.execute(
        select(m.Vote.idea_id, m.Vote.audience, func.count())
        .where(m.Vote.idea_id.in_(idea_ids))
        .group_by(m.Vote.idea_id, m.Vote.audience)
    ):
        found.setdefault(idea_id, {})[audience] = count
    return found


def _theme(
    key: str, counts: Mapping[str, Any], picks: d.Picks[Any], ideas: Mapping[int, d.DigestIdea]
) -> d.ThemeFigures:
    return d.ThemeFigures(
        theme_key=key,
        challenges_posted=tuple(counts.get("challenges_posted", ())),
        new_ideas=int(counts.get("new_ideas", 0)),
        ideas=int(counts.get("ideas", 0)),
        unassigned=int(counts.get("unassigned", 0)),
        cell_sizes=dict(counts.get("cell_sizes", {})),
        top=tuple(ideas[row.id] for row in picks.top),
        newest=tuple(ideas[row.id] for row in picks.newest),
        cells={
            actor: tuple(ideas[row.id] for row in found) for actor, found in picks.cells.items()
        },
    )


def _merges(
    conn: Connection, pid: int, since: datetime, until: datetime
) -> tuple[tuple[int, int], ...]:
    rows = conn.execute(
        select(m.History.idea_number, m.History.detail)
        .where(
            m.History.programme_id == pid,
            m.History.action == "idea.merged",
            _between(m.History.at, since, until),
        )
        .order_by(m.History.id)
    )
    return tuple(
        (number, int(detail["into"]))
        for number, detail in rows
        if number is not None and "into" in detail
    )
