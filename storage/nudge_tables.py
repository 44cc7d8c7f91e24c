"""The participation loop's tables: phase changes set for later, the queue of nudges, scheduled
offers and follow-ups, muted channels. Declared on the models' metadata (`storage.models` imports
this module, so migrations and `alembic check` see them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import UTC_TIME, Base


class PhaseSchedule(Base):
    """A theme's phase change set for later (`close <theme> at <time>`); `reminded_at` and
    `applied_at` are claimed by one guarded UPDATE each, so a clock does each step once."""

    __tablename__ = "phase_schedules"
    __table_args__ = (Index(None, "applied_at", "remind_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    theme_key: Mapped[str] = mapped_column(String(100))
    phase: Mapped[str] = mapped_column(String(20))
    due_at: Mapped[datetime] = mapped_column(UTC_TIME)
    remind_at: Mapped[datetime] = mapped_column(UTC_TIME)
    by_key: Mapped[str] = mapped_column(String(250))  # platform:user_id of who set it
    reminded_at: Mapped[datetime | None] = mapped_column(UTC_TIME)
    applied_at: Mapped[datetime | None] = mapped_column(UTC_TIME)
    created_at: Mapped[datetime] = mapped_column(UTC_TIME)


class Nudge(Base):
    """A reminder or note queued for a channel (or, with `person_key`, for one person reached
    through that channel's platform and workspace): the unique (programme, key) makes queuing it
    twice add nothing, and the guarded claim of `state` hands it to one clock process."""

    __tablename__ = "nudges"
    __table_args__ = (UniqueConstraint("programme_id", "key"), Index(None, "state", "not_before"))
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(400))
    kind: Mapped[str] = mapped_column(String(20))
    person_key: Mapped[str | None] = mapped_column(String(250))  # a direct message to them
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    not_before: Mapped[datetime] = mapped_column(UTC_TIME)
    expires_at: Mapped[datetime | None] = mapped_column(UTC_TIME)
    state: Mapped[str] = mapped_column(String(10))  # queued, claimed or done
    outcome: Mapped[str | None] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTC_TIME)
    claimed_at: Mapped[datetime | None] = mapped_column(UTC_TIME)  # its lease starts here
    finished_at: Mapped[datetime | None] = mapped_column(UTC_TIME)


class NudgeSchedule(Base):
    """When a channel is sent one kind of scheduled nudge (`nudge daily 10:00`, `follow-up
    weekly mon 10:00`); the compare-and-set on `next_run_at` hands each to one clock process."""

    __tablename__ = "nudge_schedules"
    __table_args__ = (UniqueConstraint("channel_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    cadence: Mapped[str] = mapped_column(String(10))
    day: Mapped[str | None] = mapped_column(String(3))
    at: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64))
    next_run_at: Mapped[datetime] = mapped_column(UTC_TIME, index=True)
    created_by: Mapped[str] = mapped_column(String(250))
    created_at: Mapped[datetime] = mapped_column(UTC_TIME)


class FollowUpAsk(Base):
    """An action's owner asked for an update in one round; `answered_at` once they gave one."""

    __tablename__ = "follow_up_asks"
    __table_args__ = (UniqueConstraint("programme_id", "round_at", "idea_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    round_at: Mapped[datetime] = mapped_column(UTC_TIME)
    idea_number: Mapped[int] = mapped_column(Integer)
    owner_key: Mapped[str] = mapped_column(String(250))
    answered_at: Mapped[datetime | None] = mapped_column(UTC_TIME)


class NudgeMute(Base):
    """A channel that asked for no nudges (`mute`)."""

    __tablename__ = "nudge_mutes"
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True
    )
    muted_by: Mapped[str] = mapped_column(String(250))
    muted_at: Mapped[datetime] = mapped_column(UTC_TIME)


class NudgePerson(Base):
    """One person's own nudge settings in a programme (`mute me`, `notify me`) and the 1:1 chat
    with the bot that reaches them (a Teams personal chat), each set on its own."""

    __tablename__ = "nudge_people"
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    person_key: Mapped[str] = mapped_column(String(250), primary_key=True)
    muted_at: Mapped[datetime | None] = mapped_column(UTC_TIME)
    notified_at: Mapped[datetime | None] = mapped_column(UTC_TIME)
    personal_channel_id: Mapped[int | None] = mapped_column(
        ForeignKey("channels.id", ondelete="SET NULL")
    )
