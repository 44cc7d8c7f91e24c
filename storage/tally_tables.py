"""The vote tallies' tables and the activity counts, kept by the writes that change votes or
add ideas (`storage.tallies`, `storage.activity`). Declared on the models' metadata
(`storage.models` imports this module)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from storage import models as m
from storage.models import Base


class IdeaTally(Base):
    """An idea's votes from one audience, kept by every write that changes votes
    (`storage.tallies`): rankings and the consensus's numerators read these, not every vote."""

    __tablename__ = "idea_tallies"
    # SQLite: the rows live in the key's own b-tree, so an idea's votes come from one search.
    __table_args__ = ({"sqlite_with_rowid": False},)
    idea_id: Mapped[int] = mapped_column(
        ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True
    )
    audience: Mapped[str] = mapped_column(String(50), primary_key=True)
    votes: Mapped[int] = mapped_column(Integer)


class ThemeVoter(Base):
    """A participant's votes in a theme from one audience, on ideas not hidden, kept by every
    write that changes votes or where they count (`storage.tallies`); deleted at zero, so the
    rows per theme and audience are its distinct voters (the consensus's denominators)."""

    __tablename__ = "theme_voters"
    __table_args__ = ({"sqlite_with_rowid": False},)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    theme_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    audience: Mapped[str] = mapped_column(String(50), primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id"), primary_key=True, index=True
    )
    votes: Mapped[int] = mapped_column(Integer)


class ActivityCount(Base):
    """A participant's new ideas and votes on one UTC day from one audience and platform, on
    ideas not hidden, kept by every write that adds ideas, changes votes or where they count
    (`storage.activity`); deleted at zero. A digest's period reads its whole days here and only
    its partial edge days from the ideas and votes themselves."""

    __tablename__ = "activity_counts"
    __table_args__ = ({"sqlite_with_rowid": False},)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id"), primary_key=True, index=True
    )
    audience: Mapped[str] = mapped_column(String(50), primary_key=True)
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    ideas: Mapped[int] = mapped_column(Integer)
    votes: Mapped[int] = mapped_column(Integer)


def idea_votes() -> Any:
    """An idea's votes (`Idea.votes`) from its tallies, for ranking in SQL."""
    return (
        select(func.coalesce(func.sum(IdeaTally.votes), 0))
        .where(IdeaTally.idea_id == m.Idea.id)
        .correlate(m.Idea)
        .scalar_subquery()
    )
