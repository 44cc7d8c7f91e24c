"""The statements of a vote and of the work around it (the inbound event's dedupe, the card
copies to refresh), built once: a vote is the bot's busiest write, and building SQLAlchemy
expressions costs more than running them."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite

from storage import models as m

# The idea a vote for `number` names, share-locked (PostgreSQL) so that a merge finishes first.
VOTABLE = (
    select(m.Idea.id, m.Idea.number, m.Idea.theme_key, m.Idea.merged_into, m.Idea.hidden)
    .where(m.Idea.programme_id == bindparam("pid"), m.Idea.number == bindparam("number"))
    .with_for_update(read=True)
)
IDEA_BY_ID = select(m.Idea.id, m.Idea.number, m.Idea.theme_key, m.Idea.hidden).where(
    m.Idea.id == bindparam("id")
)
PHASE = select(m.ThemePhase.phase).where(
    m.ThemePhase.programme_id == bindparam("pid"), m.ThemePhase.theme_key == bindparam("theme")
)
KNOWN_CHANNEL = select(m.Channel.id, m.Channel.name, m.Channel.audience).where(
    m.Channel.programme_id == bindparam("pid"),
    m.Channel.platform == bindparam("platform"),
    m.Channel.workspace_id == bindparam("workspace_id"),
    m.Channel.channel_id == bindparam("channel_id"),
)
# Where the copies of an anchored card were posted: read on every vote to refresh them.
POSTS = (
    select(m.Post.platform, m.Post.workspace_id, m.Post.channel_id, m.Post.message_id)
    .where(
        m.Post.programme_id == bindparam("pid"),
        m.Post.kind == bindparam("kind"),
        m.Post.ref == bindparam("ref"),
    )
    .order_by(m.Post.id)
)
USED = select(m.VoteBudget.used).where(
    m.VoteBudget.programme_id == bindparam("pid"),
    m.VoteBudget.participant_id == bindparam("voter_id"),
    m.VoteBudget.theme_key == bindparam("theme"),
)


def _dialect(name: str) -> Any:
    return postgresql if name == "postgresql" else sqlite


@cache
def cast_vote(dialect: str) -> Any:
    """Insert the vote unless this voter already voted for this idea; returns its id."""
    return (
        _dialect(dialect)
        .insert(m.Vote)
        .values(
            idea_id=bindparam("idea_id"),
            participant_id=bindparam("voter_id"),
            audience=bindparam("audience"),
            platform=bindparam("platform"),
            cast_at=bindparam("cast_at"),
        )
        .on_conflict_do_nothing(index_elements=["idea_id", "participant_id"])
        .returning(m.Vote.id)
    )


@cache
def spend_vote(dialect: str) -> Any:
    """Take one vote from a budget row, creating it, unless `used` has reached `budget`.
    One guarded upsert: concurrent spenders queue on the row and re-check the guard."""
    stmt = (
        _dialect(dialect)
        .insert(m.VoteBudget)
        .values(
            programme_id=bindparam("pid"),
            participant_id=bindparam("voter_id"),
            theme_key=bindparam("theme"),
            used=1,
        )
    )
    return stmt.on_conflict_do_update(
        index_elements=["programme_id", "participant_id", "theme_key"],
        set_={"used": m.VoteBudget.used + 1},
        where=m.VoteBudget.used < bindparam("budget"),
    ).returning(m.VoteBudget.used)


@cache
def register_participant(dialect: str) -> Any:
    """Insert the participant, or give a new display name to one already known; returns the id."""
    stmt = (
        _dialect(dialect)
        .insert(m.Participant)
        .values(
            platform=bindparam("platform"),
            user_id=bindparam("user_id"),
            display_name=bindparam("display_name"),
        )
    )
    return stmt.on_conflict_do_update(
        index_elements=["platform", "user_id"],
        set_={
            "display_name": func.coalesce(
                func.nullif(stmt.excluded.display_name, ""), m.Participant.display_name
            )
        },
    ).returning(m.Participant.id)


@cache
def first_sighting(dialect: str) -> Any:
    """Record an inbound event id unless already recorded; returns it the first time only."""
    return (
        _dialect(dialect)
        .insert(m.ProcessedEvent)
        .values(
            platform=bindparam("platform"),
            event_id=bindparam("event_id"),
            seen_at=bindparam("seen_at"),
        )
        .on_conflict_do_nothing()
        .returning(m.ProcessedEvent.event_id)
    )
