"""The tables of emerging themes `themes emerging` proposes, and their ideas. Declared on the
models' metadata (`storage.models` imports this module, so migrations and `alembic check` see
them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import UTC_TIME, Base


class ProposedThemeRow(Base):
    """An emerging theme `themes emerging` proposed, found again by its number (`t3`)."""

    __tablename__ = "proposed_themes"
    __table_args__ = (UniqueConstraint("programme_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    emerging_key: Mapped[str | None] = mapped_column(String(100))  # into an existing theme
    state: Mapped[str] = mapped_column(String(20))
    proposed_by: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    proposed_at: Mapped[datetime] = mapped_column(UTC_TIME)


class ProposedThemeIdea(Base):
    """An idea in a proposed emerging theme."""

    __tablename__ = "proposed_theme_ideas"
    proposed_theme_id: Mapped[int] = mapped_column(
        ForeignKey("proposed_themes.id", ondelete="CASCADE"), primary_key=True
    )
    idea_id: Mapped[int] = mapped_column(
        ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True, index=True
    )
