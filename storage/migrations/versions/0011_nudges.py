"""nudges: phase changes set for later, queued reminders and notes, scheduled offers and
follow-ups (and who answered), muted channels

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "phase_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("theme_key", sa.String(length=100), nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("due_at", UTC_TIME, nullable=False),
        sa.Column("remind_at", UTC_TIME, nullable=False),
        sa.Column("by_key", sa.String(length=250), nullable=False),
        sa.Column("reminded_at", UTC_TIME, nullable=True),
        sa.Column("applied_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_phase_schedules_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phase_schedules")),
    )
    op.create_index(
        op.f("ix_phase_schedules_applied_at"),
        "phase_schedules",
        ["applied_at", "remind_at"],
        unique=False,
    )
    op.create_table(
        "nudges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("not_before", UTC_TIME, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("finished_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name=op.f("fk_nudges_channel_id_channels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_nudges_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nudges")),
        sa.UniqueConstraint("programme_id", "key", name=op.f("uq_nudges_programme_id_key")),
    )
    op.create_index(op.f("ix_nudges_state"), "nudges", ["state", "not_before"], unique=False)
    op.create_table(
        "nudge_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("cadence", sa.String(length=10), nullable=False),
        sa.Column("day", sa.String(length=3), nullable=True),
        sa.Column("at", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("next_run_at", UTC_TIME, nullable=False),
        sa.Column("created_by", sa.String(length=250), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name=op.f("fk_nudge_schedules_channel_id_channels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_nudge_schedules_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nudge_schedules")),
        sa.UniqueConstraint("channel_id", "kind", name=op.f("uq_nudge_schedules_channel_id_kind")),
    )
    op.create_index(
        op.f("ix_nudge_schedules_next_run_at"), "nudge_schedules", ["next_run_at"], unique=False
    )
    op.create_table(
        "follow_up_asks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("round_at", UTC_TIME, nullable=False),
        sa.Column("idea_number", sa.Integer(), nullable=False),
        sa.Column("owner_key", sa.String(length=250), nullable=False),
        sa.Column("answered_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_follow_up_asks_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_asks")),
        sa.UniqueConstraint(
            "programme_id",
            "round_at",
            "idea_number",
            name=op.f("uq_follow_up_asks_programme_id_round_at_idea_number"),
        ),
    )
    op.create_table(
        "nudge_mutes",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("muted_by", sa.String(length=250), nullable=False),
        sa.Column("muted_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name=op.f("fk_nudge_mutes_channel_id_channels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_nudge_mutes_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_nudge_mutes")),
    )


def downgrade() -> None:
    op.drop_table("nudge_mutes")
    op.drop_table("follow_up_asks")
    op.drop_index(op.f("ix_nudge_schedules_next_run_at"), table_name="nudge_schedules")
    op.drop_table("nudge_schedules")
    op.drop_index(op.f("ix_nudges_state"), table_name="nudges")
    op.drop_table("nudges")
    op.drop_index(op.f("ix_phase_schedules_applied_at"), table_name="phase_schedules")
    op.drop_table("phase_schedules")
