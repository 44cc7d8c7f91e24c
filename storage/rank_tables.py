"""The plan's kept ranks: each idea on the plan with its cell's keys and its votes, in indexes
ordered as the plan ranks (most votes, then the earlier idea), kept by the writes
(`storage.plan_ranks`). Declared on the models' metadata (`storage.models` imports this
module)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class PlanRank(Base):
    """An idea on the plan (neither hidden nor merged) where the plan files it, with its votes:
    a cell's top ideas are the first entries of one index range, its count that range's size."""

    __tablename__ = "plan_ranks"
    __table_args__ = ({"sqlite_with_rowid": False},)
    idea_id: Mapped[int] = mapped_column(
        ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True
    )
    programme_id: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    theme_key: Mapped[str] = mapped_column(String(100))
    # "" for none: an index range is found by equality (PostgreSQL orders an `IS NULL` range
    # by sorting it, not by the index)
    actor_key: Mapped[str] = mapped_column(String(100))
    style_key: Mapped[str] = mapped_column(String(100))
    stage_key: Mapped[str] = mapped_column(String(100))
    votes: Mapped[int] = mapped_column(Integer)


class PlanCellCount(Base):
    """How many ideas on the plan share a theme, actor, style and stage, kept with the rank rows
    (`storage.plan_ranks.follow`; deleted at zero): every cell's count from a few hundred rows,
    not from every idea. Votes never change it, so a vote never locks it."""

    __tablename__ = "plan_cell_counts"
    __table_args__ = ({"sqlite_with_rowid": False},)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    theme_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    actor_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    style_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    stage_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    ideas: Mapped[int] = mapped_column(Integer)


class PlanTagRank(Base):
    """An idea on the plan tagged to an emerging theme, with its votes: the emerging theme's
    cell is one index range, as a theme's actor's is."""

    __tablename__ = "plan_tag_ranks"
    __table_args__ = ({"sqlite_with_rowid": False},)
    idea_id: Mapped[int] = mapped_column(
        ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True
    )
    emerging_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    programme_id: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    votes: Mapped[int] = mapped_column(Integer)


def _ranked(*keys: Any) -> tuple[Any, ...]:
    """An index's columns: the keys, then the plan's order (most votes, then the earlier idea)."""
    return (*keys, PlanRank.votes.desc(), PlanRank.number)


# A theme's actor's cell (and, one actor outside the playbook at a time, its unassigned cell).
Index("ix_plan_ranks_cell", *_ranked(PlanRank.programme_id, PlanRank.theme_key, PlanRank.actor_key))
# The government actor's styles × stages (and its unplaced ideas, a pair at a time).
Index(
    "ix_plan_ranks_style",
    *_ranked(PlanRank.programme_id, PlanRank.actor_key, PlanRank.style_key, PlanRank.stage_key),
)
Index("ix_plan_ranks_theme", *_ranked(PlanRank.programme_id, PlanRank.theme_key))  # its page
Index("ix_plan_ranks_plan", *_ranked(PlanRank.programme_id))  # every idea; a quiet audience's
Index(
    "ix_plan_tag_ranks_cell",
    PlanTagRank.programme_id,
    PlanTagRank.emerging_key,
    PlanTagRank.votes.desc(),
    PlanTagRank.number,
)
