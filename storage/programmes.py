"""Operator views across programmes: what each holds, which Slack installs exist, and deleting a
programme with everything in it. For the command line, never for chat: no programme's people
can reach another programme through these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, func, select, union
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import models as m
from storage.database import as_utc
from storage.erasure import PARTICIPANT_REFERENCES
from storage.planning import programme_stats


@dataclass(frozen=True, slots=True)
class Summary:
    """What one programme holds."""

    key: str
    name: str
    created_at: datetime
    ideas: int
    votes: int
    people: int  # authors and voters
    channels: dict[str, int]  # platform → channels known
    last_idea_at: datetime | None


@dataclass(frozen=True, slots=True)
class Install:
    """One Slack workspace (or Enterprise Grid organisation) that installed the app."""

    team_id: str | None
    team_name: str | None
    enterprise_id: str | None
    enterprise_name: str | None
    org_wide: bool
    installed_at: datetime


@dataclass(frozen=True, slots=True)
class Deleted:
    key: str
    ideas: int
    votes: int
    people_removed: int  # participants who took part nowhere else, removed with it


async def summaries(engine: AsyncEngine) -> list[Summary]:
    async with engine.connect() as conn:
        return await conn.run_sync(_summaries)


def _summaries(conn: Connection) -> list[Summary]:
    """Counted from indexes and the kept tallies (`storage.planning.programme_stats`), never by
    reading every vote."""
    latest = dict(
        conn.execute(
            select(m.Idea.programme_id, func.max(m.Idea.created_at)).group_by(m.Idea.programme_id)
        ).all()
    )
    channels: dict[int, dict[str, int]] = {}
    for pid, platform, count in conn.execute(
        select(m.Channel.programme_id, m.Channel.platform, func.count()).group_by(
            m.Channel.programme_id, m.Channel.platform
        )
    ):
        channels.setdefault(pid, {})[platform] = count
    rows = conn.execute(
        select(m.Programme.id, m.Programme.key, m.Programme.name, m.Programme.created_at).order_by(
            m.Programme.key
        )
    ).all()
    found = []
    for row in rows:
        stats = programme_stats(conn, row.id)
        found.append(
            Summary(
                key=row.key,
                name=row.name,
                created_at=as_utc(row.created_at),
                ideas=stats.ideas,
                votes=stats.votes,
                people=stats.participants,
                channels=channels.get(row.id, {}),
                last_idea_at=as_utc(latest[row.id]) if latest.get(row.id) else None,
            )
        )
    return found


async def exists(engine: AsyncEngine, key: str) -> bool:
    async with engine.connect() as conn:
        found = await conn.scalar(select(m.Programme.id).where(m.Programme.key == key))
    return found is not None


async def installs(engine: AsyncEngine) -> list[Install]:
    """The newest installation of each workspace or organisation, as slack_sdk stored it."""
    table = m.SLACK_INSTALLATIONS
    async with engine.connect() as conn:
        rows = (await conn.execute(select(table).order_by(table.c.installed_at))).all()
    newest: dict[tuple[str | None, str | None, bool], Install] = {}
    for row in rows:
        org_wide = bool(row.is_enterprise_install)
        key = (row.enterprise_id, None if org_wide else row.team_id, org_wide)
        newest[key] = Install(
            team_id=None if org_wide else row.team_id,
            team_name=None if org_wide else row.team_name,
            enterprise_id=row.enterprise_id,
            enterprise_name=row.enterprise_name,
            org_wide=org_wide,
            installed_at=as_utc(row.installed_at),
        )
    return list(newest.values())


async def delete_programme(engine: AsyncEngine, key: str) -> Deleted | None:
    """Delete the programme and everything in it, in one transaction, and the participants who
    took part in nothing else; None when there is no such programme."""
    async with engine.begin() as conn:
        return await conn.run_sync(_delete, key)


def _delete(conn: Connection, key: str) -> Deleted | None:
    pid = conn.scalar(select(m.Programme.id).where(m.Programme.key == key))
    if pid is None:
        return None
    ideas = select(m.Idea.id).where(m.Idea.programme_id == pid)
    people = set(
        conn.scalars(
            union(
                select(m.Idea.author_id).where(m.Idea.programme_id == pid),
                select(m.Vote.participant_id).where(m.Vote.idea_id.in_(ideas)),
                select(m.VoteBudget.participant_id).where(m.VoteBudget.programme_id == pid),
            )
        )
    )
    idea_count = int(conn.scalar(select(func.count()).select_from(ideas.subquery())) or 0)
    vote_count = int(conn.scalar(select(func.count()).where(m.Vote.idea_id.in_(ideas))) or 0)
    # Ideas first: they point at the programme's channels, which the programme's row cascades to.
    conn.execute(delete(m.Idea).where(m.Idea.programme_id == pid))
    conn.execute(delete(m.Programme).where(m.Programme.id == pid))
    removed = [person for person in sorted(people) if not _referenced(conn, person)]
    if removed:
        conn.execute(delete(m.Participant).where(m.Participant.id.in_(removed)))
    return Deleted(key, idea_count, vote_count, len(removed))


def _referenced(conn: Connection, person: int) -> bool:
    """Whether anything left still points at the participant (another programme's rows)."""
    return any(
        conn.scalar(select(column).where(column == person).limit(1)) is not None
        for column in PARTICIPANT_REFERENCES
    )
