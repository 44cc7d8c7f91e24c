"""A digest's figures for a period, from aggregate queries: what the period added (its ideas
and votes: its whole days from the kept activity counts, `storage.activity`, its partial days
found by when they were made, through indexes on those times), what organisers decided in it
(the history of the period) and the ideas backed across audiences (shortlisted by the kept
tallies, `storage.tallies`, then held to the one rule in the core). Only the few ideas the
digest names come back to Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    false,
    func,
    select,
)

from bot.core import digest as d
from bot.core.plan import least_backers
from storage import activity
from storage import models as m
from storage import tally_tables as tt
from storage.database import as_utc as utc


def figures(conn: Connection, pid: int, since: datetime, until: datetime) -> d.DigestFigures:
    """Everything a digest reports about [since, until)."""
    participation, participants = _participation(conn, pid, since, until)
    by_theme: dict[str, dict[str, Any]] = {}
    for theme_key, ideas, actions in conn.execute(
        select(m.Idea.theme_key, func.count(), func.count(m.Idea.actor_key))
        .where(*live(pid))
        .group_by(m.Idea.theme_key)
    ):
        by_theme[theme_key] = {"ideas": ideas, "actions": actions}
    for theme_key, count in conn.execute(
        select(m.Idea.theme_key, func.count())
        .where(*live(pid), between(m.Idea.created_at, since, until))
        .group_by(m.Idea.theme_key)
    ):
        by_theme.setdefault(theme_key, {})["new_ideas"] = count
    for theme_key, index in conn.execute(
        select(m.Prompt.theme_key, m.Prompt.challenge_index)
        .where(m.Prompt.programme_id == pid, between(m.Prompt.posted_at, since, until))
        .distinct()
        .order_by(m.Prompt.theme_key, m.Prompt.challenge_index)
    ):
        by_theme.setdefault(theme_key, {}).setdefault("challenges_posted", []).append(index)
    newest = _newest(conn, pid, since, until)
    voters = theme_voters(conn, pid)
    themes = {
        key: d.ThemeFigures(
            theme_key=key,
            challenges_posted=tuple(counts.get("challenges_posted", ())),
            new_ideas=int(counts.get("new_ideas", 0)),
            ideas=int(counts.get("ideas", 0)),
            actions=int(counts.get("actions", 0)),
            newest=d.newest([i for i in newest if i.theme_key == key]),
        )
        for key, counts in by_theme.items()
    }
    return d.DigestFigures(
        since=since,
        until=until,
        participation=participation,
        participants=participants,
        themes=themes,
        decisions=decisions(conn, pid, since, until),
        backed=d.most_backed(backed_candidates(conn, pid, voters), voters),
    )


def between(column: Any, since: datetime, until: datetime) -> Any:
    return and_(column >= since, column < until)


def live(pid: int) -> tuple[Any, ...]:
    """Ideas on the plan: not merged into another, not hidden."""
    return (m.Idea.programme_id == pid, m.Idea.merged_into.is_(None), m.Idea.hidden == false())


def _participation(
    conn: Connection, pid: int, since: datetime, until: datetime
) -> tuple[tuple[d.Participation, ...], int]:
    """The period's ideas and votes by audience and platform, with the people behind them: per
    person from the kept activity counts of its whole days and the ideas and votes of its
    partial edge days (`storage.activity`), added up here."""
    acts = activity.period(conn, pid, since, until)
    shares: dict[tuple[str, str], list[int]] = {}
    for (_, audience, platform), (ideas, votes) in acts.items():
        share = shares.setdefault((audience, platform), [0, 0, 0])
        share[0] += ideas
        share[1] += votes
        share[2] += 1
    people = {person for person, _, _ in acts}
    found = tuple(d.Participation(a, p, *counts) for (a, p), counts in sorted(shares.items()))
    return found, len(people)


def _newest(conn: Connection, pid: int, since: datetime, until: datetime) -> list[d.DigestIdea]:
    """The period's new ideas worth naming: the first NEW_IDEAS by votes of each theme, ranked in
    SQL over the period's ideas only (found by their creation time)."""
    votes = tt.idea_votes()
    ranked = (
        select(
            m.Idea.id,
            func.row_number()
            .over(partition_by=m.Idea.theme_key, order_by=(votes.desc(), m.Idea.number))
            .label("rank"),
        )
        .where(*live(pid), between(m.Idea.created_at, since, until))
        .subquery()
    )
    ids = conn.scalars(select(ranked.c.id).where(ranked.c.rank <= d.NEW_IDEAS)).all()
    return _named(conn, pid, ids)


def backed_candidates(
    conn: Connection, pid: int, voters: Mapping[str, Mapping[str, int]]
) -> list[d.DigestIdea]:
    """Ideas that may be backed across audiences: each needs, from every audience that voted in
    its theme, at least `least_backers` of that audience's voters, so ideas short of the
    smallest such count anywhere are never read (the core then applies the rule itself)."""
    needs = [least_backers(n) for per in voters.values() if len(per) > 1 for n in per.values()]
    if not needs:
        return []
    # The kept tallies alone, without a join: ideas of other programmes, merged or hidden ones
    # are dropped when the few found are read.
    counted = select(tt.IdeaTally.idea_id).where(tt.IdeaTally.votes >= min(needs))
    return _named(conn, pid, set(conn.scalars(counted)))


def _named(conn: Connection, pid: int, ids: Iterable[int]) -> list[d.DigestIdea]:
    """The live ideas of the programme among `ids`, with their votes by audience."""
    wanted = list(ids)
    if not wanted:
        return []
    votes: dict[int, dict[str, int]] = {}
    for idea_id, audience, count in conn.execute(
        select(tt.IdeaTally.idea_id, tt.IdeaTally.audience, tt.IdeaTally.votes).where(
            tt.IdeaTally.idea_id.in_(wanted)
        )
    ):
        votes.setdefault(idea_id, {})[audience] = count
    return [
        d.DigestIdea(
            number=row.number,
            text=row.text,
            theme_key=row.theme_key,
            votes=sum(votes.get(row.id, {}).values()),
            votes_by_audience=votes.get(row.id, {}),
        )
        for row in conn.execute(
            select(m.Idea.id, m.Idea.number, m.Idea.text, m.Idea.theme_key).where(
                *live(pid), m.Idea.id.in_(wanted)
            )
        )
    ]


def decisions(
    conn: Connection, pid: int, since: datetime, until: datetime
) -> tuple[d.Decision, ...]:
    """What organisers decided in the period, from its history (read by time), with each idea's
    text and each progress note's."""
    entries = conn.execute(
        select(m.History.idea_number, m.History.action, m.History.detail, m.History.at)
        .where(
            m.History.programme_id == pid,
            between(m.History.at, since, until),
            m.History.action.in_(d.HISTORY),
            m.History.idea_number.is_not(None),
        )
        .order_by(m.History.id)
    ).all()
    numbers = {number for number, *_ in entries}
    if not numbers:
        return ()
    texts: dict[int, str] = {}
    notes: dict[int, str] = {}
    for number, text in conn.execute(
        select(m.Idea.number, m.Idea.text).where(
            m.Idea.programme_id == pid, m.Idea.number.in_(numbers)
        )
    ):
        texts[number] = text
    for number, text in conn.execute(
        select(m.Idea.number, m.ActionNote.text)
        .join(m.Idea, m.Idea.id == m.ActionNote.idea_id)
        .where(
            m.Idea.programme_id == pid,
            m.Idea.number.in_(numbers),
            between(m.ActionNote.created_at, since, until),
        )
        .order_by(m.ActionNote.created_at, m.ActionNote.id)
    ):
        notes[number] = text  # the period's latest
    found = [
        d.decision(action, number, detail, utc(at), texts[number], notes.get(number))
        for number, action, detail, at in entries
        if number in texts
    ]
    return d.latest_each([x for x in found if x is not None])


def theme_voters(conn: Connection, pid: int) -> dict[str, dict[str, int]]:
    """Distinct voters per theme and audience, the consensus's denominators: the kept rows per
    theme, audience and voter (`storage.tallies`), counted from their primary key."""
    t = tt.ThemeVoter
    voters: dict[str, dict[str, int]] = {}
    for theme_key, audience, people in conn.execute(
        select(t.theme_key, t.audience, func.count())
        .where(t.programme_id == pid)
        .group_by(t.theme_key, t.audience)
    ):
        voters.setdefault(theme_key, {})[audience] = people
    return voters


def votes_by_audience(conn: Connection, pid: int) -> dict[tuple[str, str], int]:
    """Votes per (theme, audience), hidden ideas' not counted: the web view's charts, from the
    kept rows per theme, audience and voter (`storage.tallies`)."""
    t = tt.ThemeVoter
    counted = (
        select(t.theme_key, t.audience, func.sum(t.votes))
        .where(t.programme_id == pid)
        .group_by(t.theme_key, t.audience)
    )
    return {(theme, audience): int(n) for theme, audience, n in conn.execute(counted)}


def votes_per_theme(conn: Connection, pid: int) -> dict[str, int]:
    """Votes per theme (hidden ideas' not counted): a brief's chart."""
    totals: dict[str, int] = {}
    for (theme, _), count in votes_by_audience(conn, pid).items():
        totals[theme] = totals.get(theme, 0) + count
    return totals
