"""the Lab day's steps: agenda positions, hopes/risks/challenges and backings, evidence
reactions, the synthesis and the programme's close

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("theme_key", sa.String(length=100), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("challenge_index", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_contributions_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_contributions_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contributions")),
        sa.UniqueConstraint(
            "programme_id", "kind", "number", name=op.f("uq_contributions_programme_id_kind_number")
        ),
        sa.UniqueConstraint(
            "programme_id",
            "theme_key",
            "challenge_index",
            name=op.f("uq_contributions_programme_id_theme_key_challenge_index"),
        ),
    )
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contributions_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "evidence_reactions",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("evidence_key", sa.String(length=100), nullable=False),
        sa.Column("reaction", sa.String(length=20), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=50), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reacted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_evidence_reactions_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_evidence_reactions_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "programme_id",
            "evidence_key",
            "reaction",
            "participant_id",
            name=op.f("pk_evidence_reactions"),
        ),
    )
    with op.batch_alter_table("evidence_reactions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_reactions_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "programme_days",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("step_key", sa.String(length=100), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synthesis", sa.Text(), nullable=True),
        sa.Column("synthesis_by", sa.String(length=300), nullable=True),
        sa.Column("synthesis_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published", sa.Text(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_days_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("programme_id", name=op.f("pk_programme_days")),
    )
    op.create_table(
        "backings",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=50), nullable=False),
        sa.Column("backed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["contributions.id"],
            name=op.f("fk_backings_contribution_id_contributions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_backings_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_backings_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contribution_id", "participant_id", name=op.f("pk_backings")),
    )
    with op.batch_alter_table("backings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_backings_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "channel_steps",
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("step_key", sa.String(length=100), nullable=False),
        sa.Column("moved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name=op.f("fk_channel_steps_channel_id_channels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_channel_steps")),
    )


def downgrade() -> None:
    op.drop_table("channel_steps")
    with op.batch_alter_table("backings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_backings_participant_id"))

    op.drop_table("backings")
    op.drop_table("programme_days")
    with op.batch_alter_table("evidence_reactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_reactions_participant_id"))

    op.drop_table("evidence_reactions")
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contributions_participant_id"))

    op.drop_table("contributions")
