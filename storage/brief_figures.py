"""A one-page brief's figures from aggregate queries: the grid and statuses counted by GROUP BY,
votes and voters per theme and audience from the kept tallies (`storage.tallies`), the live
actions' first few ranked in SQL, and what changed since the last brief read by time, as the
digest reads its period (`storage.digest_figures`). No query brings every idea back to Python."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, desc, func, insert, or_, select

from bot.core import brief as b
from bot.core import digest as d
from bot.core.domain import Status
from storage import brief_tables as t
from storage import digest_figures
from storage import models as m
from storage import tally_tables as tt
from storage.database import as_utc as utc
from storage.digest_figures import live

LIVE = [s.value for s in b.LIVE]


def record(conn: Connection, pid: int, at: datetime, route: str, via: str) -> datetime | None:
    """The brief before this one, then this one recorded."""
    last = conn.scalar(select(func.max(t.BriefMade.made_at)).where(t.BriefMade.programme_id == pid))
    conn.execute(insert(t.BriefMade).values(programme_id=pid, made_at=at, route=route, via=via))
    return utc(last) if last is not None else None


def figures(conn: Connection, pid: int, since: datetime, until: datetime) -> b.BriefFigures:
    grid: dict[str, dict[str, int]] = {}
    statuses: dict[str, int] = {}
    for theme_key, actor_key, status, count in conn.execute(
        select(m.Idea.theme_key, m.Idea.actor_key, m.Idea.status, func.count())
        .where(*live(pid))
        .group_by(m.Idea.theme_key, m.Idea.actor_key, m.Idea.status)
    ):
        cell = grid.setdefault(theme_key, {})
        cell[actor_key or ""] = cell.get(actor_key or "", 0) + count
        if actor_key:
            key = status or Status.PROPOSED.value
            statuses[key] = statuses.get(key, 0) + count
    voters = digest_figures.theme_voters(conn, pid)
    new_ideas = conn.scalar(
        select(func.count()).where(
            *live(pid), digest_figures.between(m.Idea.created_at, since, until)
        )
    )
    return b.BriefFigures(
        since=since,
        new_ideas=int(new_ideas or 0),
        decisions=digest_figures.decisions(conn, pid, since, until),
        grid=grid,
        statuses=statuses,
        live=_live_actions(conn, pid),
        live_total=sum(n for s, n in statuses.items() if s in LIVE),
        backed=d.most_backed(
            digest_figures.backed_candidates(conn, pid, voters), voters, b.BACKED_SHOWN
        ),
        votes_per_theme=digest_figures.votes_per_theme(conn, pid),
    )


def _live_actions(conn: Connection, pid: int) -> tuple[b.LiveAction, ...]:
    """The live actions most voted for, ranked in SQL (most votes, then the earlier idea)."""
    votes = tt.idea_votes()
    rows = conn.execute(
        select(
            m.Idea.id,
            m.Idea.number,
            m.Idea.text,
            m.Idea.actor_key,
            m.Idea.status,
            m.Idea.owner,
            votes.label("votes"),
        )
        .where(
            *live(pid),
            m.Idea.actor_key.is_not(None),
            or_(m.Idea.status.is_(None), m.Idea.status.in_(LIVE)),
        )
        .order_by(desc("votes"), m.Idea.number)
        .limit(b.ACTIONS_SHOWN)
    ).all()
    notes: dict[int, str] = {}
    for idea_id, text in conn.execute(
        select(m.ActionNote.idea_id, m.ActionNote.text)
        .where(m.ActionNote.idea_id.in_([r.id for r in rows]))
        .order_by(m.ActionNote.created_at, m.ActionNote.id)
    ):
        notes[idea_id] = text  # the latest
    return tuple(
        b.LiveAction(
            r.number,
            r.text,
            r.actor_key,
            Status(r.status) if r.status else None,
            r.owner,
            notes.get(r.id),
            r.votes,
        )
        for r in rows
    )
