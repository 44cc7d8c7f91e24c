"""The Lab day's tables (bot.core.agenda): where the programme and each channel stand, hopes,
risks and proposed challenges with their backings, evidence reactions. Declared on the models'
metadata (`storage.models` imports this module, so migrations and `alembic check` see them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import UTC_TIME, Base


class ProgrammeDay(Base):
    """The programme's agenda step, whether it is closed, and its synthesis ("what we heard")."""

    __tablename__ = "programme_days"
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    step_key: Mapped[str | None] = mapped_column(String(100))
    closed_at: Mapped[datetime | None] = mapped_column(UTC_TIME)
    synthesis: Mapped[str | None] = mapped_column(Text)
    synthesis_by: Mapped[str | None] = mapped_column(String(300))
    synthesis_at: Mapped[datetime | None] = mapped_column(UTC_TIME)
    published: Mapped[str | None] = mapped_column(Text)  # the text as last published
    published_at: Mapped[datetime | None] = mapped_column(UTC_TIME)


class ChannelStep(Base):
    """A channel moved to its own step, apart from the programme's."""

    __tablename__ = "channel_steps"
    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True
    )
    step_key: Mapped[str] = mapped_column(String(100))
    moved_at: Mapped[datetime] = mapped_column(UTC_TIME)


class Contribution(Base):
    """A hope, risk or proposed challenge, numbered per programme and kind (h1, r1, c1)."""

    __tablename__ = "contributions"
    __table_args__ = (
        UniqueConstraint("programme_id", "kind", "number"),
        # a promoted challenge's place among its theme's challenges, taken once
        UniqueConstraint("programme_id", "theme_key", "challenge_index"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[int] = mapped_column(Integer)
    theme_key: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    audience: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(UTC_TIME)
    promoted_at: Mapped[datetime | None] = mapped_column(UTC_TIME)
    challenge_index: Mapped[int | None] = mapped_column(Integer)


class Backing(Base):
    """One person backing one contribution: the primary key counts it once."""

    __tablename__ = "backings"
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contributions.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id"), primary_key=True, index=True
    )
    audience: Mapped[str] = mapped_column(String(50))
    backed_at: Mapped[datetime] = mapped_column(UTC_TIME)


class EvidenceReaction(Base):
    """One person's reaction of one kind to one piece of evidence, with an optional comment."""

    __tablename__ = "evidence_reactions"
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    evidence_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    reaction: Mapped[str] = mapped_column(String(20), primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id"), primary_key=True, index=True
    )
    audience: Mapped[str] = mapped_column(String(50))
    comment: Mapped[str | None] = mapped_column(Text)
    reacted_at: Mapped[datetime] = mapped_column(UTC_TIME)
