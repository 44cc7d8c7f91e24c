"""The statements that read ideas for cards, lists and the plan, built once.

They run on every vote (the refreshed card), so they are constructed a single time per shape
with bound parameters: building SQLAlchemy expressions costs far more than running them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import BindParameter, Executable, bindparam, func, select
from sqlalchemy.orm import aliased

from storage import day_tables as d
from storage import models as m
from storage import tally_tables as tt
from storage.vote_queries import one_of

IDEA_COLUMNS = (
    m.Idea.id,
    m.Idea.number,
    m.Idea.text,
    m.Idea.theme_key,
    m.Idea.platform,
    m.Idea.audience,
    m.Idea.created_at,
    m.Idea.prompt_id,
    m.Idea.challenge_index,
    m.Idea.actor_key,
    m.Idea.style_key,
    m.Idea.stage_key,
    m.Idea.merged_into,
    m.Idea.status,
    m.Idea.owner,
    m.Idea.suggested_actor,
    m.Idea.suggested_style,
    m.Idea.suggested_because,
    m.Idea.hidden,
)
_MERGED_INTO = aliased(m.Idea, name="merged_into_idea")
_PROPOSED = aliased(d.Contribution, name="proposed_challenge")
_MERGED = aliased(m.Idea, name="merged_idea")  # an idea merged into the one read


@dataclass(frozen=True, slots=True)
class IdeaStatements:
    """Ideas with author and channel; votes by audience; credits of merged ideas; latest
    progress notes. Parameters: `pid`, and `numbers` (a list) / `theme` for the narrower shapes."""

    ideas: Executable
    votes: Executable
    credits: Executable
    notes: Executable
    proposals: Executable
    tags: Executable


@cache
def idea_statements(by_numbers: bool, by_theme: bool, dialect: str) -> IdeaStatements:
    pid: BindParameter[int] = bindparam("pid")
    ideas = (
        select(
            *IDEA_COLUMNS,
            m.Participant.platform.label("author_platform"),
            m.Participant.user_id.label("author_id"),
            m.Participant.display_name.label("author_name"),
            m.Channel.name.label("channel_name"),
            m.Channel.channel_id.label("channel_key"),
            _MERGED_INTO.number.label("merged_into_number"),
            _PROPOSED.text.label("proposed_challenge"),
        )
        .join(m.Participant, m.Participant.id == m.Idea.author_id)
        .join(m.Channel, m.Channel.id == m.Idea.channel_id)
        .outerjoin(_MERGED_INTO, _MERGED_INTO.id == m.Idea.merged_into)
        .outerjoin(  # a challenge participants proposed, promoted to a prompt
            _PROPOSED,
            (_PROPOSED.programme_id == m.Idea.programme_id)
            & (_PROPOSED.theme_key == m.Idea.theme_key)
            & (_PROPOSED.challenge_index == m.Idea.challenge_index),
        )
        .where(m.Idea.programme_id == pid)
    )
    votes = (  # kept by the writes (`storage.tallies`)
        select(tt.IdeaTally.idea_id, tt.IdeaTally.audience, tt.IdeaTally.votes)
        .join(m.Idea, m.Idea.id == tt.IdeaTally.idea_id)
        .where(m.Idea.programme_id == pid)
    )
    # From the ideas merged into (those asked for), by the index on `merged_into`: a batch of
    # an export or one card never scans the programme's ideas.
    credits = (
        select(
            _MERGED.merged_into,
            _MERGED.number,
            m.Participant.platform,
            m.Participant.user_id,
            m.Participant.display_name,
        )
        .select_from(m.Idea)
        .join(_MERGED, _MERGED.merged_into == m.Idea.id)
        .join(m.Participant, m.Participant.id == _MERGED.author_id)
        .where(m.Idea.programme_id == pid)
        .order_by(_MERGED.number)
    )
    latest = (
        select(func.max(m.ActionNote.id))
        .join(m.Idea, m.Idea.id == m.ActionNote.idea_id)
        .where(m.Idea.programme_id == pid)
        .group_by(m.ActionNote.idea_id)
    )
    proposals = (
        select(
            m.ActorProposal.idea_id,
            m.ActorProposal.actor_key,
            m.ActorProposal.style_key,
            m.ActorProposal.stage_key,
            func.count().label("tally"),
        )
        .join(m.Idea, m.Idea.id == m.ActorProposal.idea_id)
        .where(m.Idea.programme_id == pid)
        .group_by(
            m.ActorProposal.idea_id,
            m.ActorProposal.actor_key,
            m.ActorProposal.style_key,
            m.ActorProposal.stage_key,
        )
        .order_by(m.ActorProposal.idea_id, func.count().desc(), func.min(m.ActorProposal.id))
    )
    tags = (
        select(m.IdeaTag.idea_id, m.IdeaTag.emerging_key)
        .join(m.Idea, m.Idea.id == m.IdeaTag.idea_id)
        .where(m.Idea.programme_id == pid)
        .order_by(m.IdeaTag.idea_id, m.IdeaTag.tagged_at, m.IdeaTag.emerging_key)
    )
    if by_numbers:
        proposals = proposals.where(one_of(m.Idea.number, "numbers", dialect))
        tags = tags.where(one_of(m.Idea.number, "numbers", dialect))
        ideas = ideas.where(one_of(m.Idea.number, "numbers", dialect))
        votes = votes.where(one_of(m.Idea.number, "numbers", dialect))
        credits = credits.where(one_of(m.Idea.number, "numbers", dialect))
        latest = latest.where(one_of(m.Idea.number, "numbers", dialect))
    else:
        credits = credits.where(m.Idea.programme_id == pid)
    if by_theme:
        theme: BindParameter[str] = bindparam("theme")
        ideas = ideas.where(m.Idea.theme_key == theme)
        votes = votes.where(m.Idea.theme_key == theme)
        proposals = proposals.where(m.Idea.theme_key == theme)
        tags = tags.where(m.Idea.theme_key == theme)
    notes = select(
        m.ActionNote.idea_id, m.ActionNote.text, m.ActionNote.author, m.ActionNote.created_at
    ).where(m.ActionNote.id.in_(latest.scalar_subquery()))
    return IdeaStatements(ideas, votes, credits, notes, proposals, tags)
