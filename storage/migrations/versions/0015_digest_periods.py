"""digest periods: indexes that find a period's new ideas and decisions by time and count voters
per audience from an index; the briefs made, for "what changed since the last brief"

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "briefs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("made_at", UTC_TIME, nullable=False),
        sa.Column("route", sa.String(length=20), nullable=False),
        sa.Column("via", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_briefs_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefs")),
    )
    with op.batch_alter_table("briefs") as batch_op:
        batch_op.create_index("ix_briefs_programme_made", ["programme_id", "made_at"], unique=False)
    with op.batch_alter_table("ideas") as batch_op:
        batch_op.create_index("ix_ideas_created_at", ["programme_id", "created_at"], unique=False)
    with op.batch_alter_table("history") as batch_op:
        batch_op.create_index("ix_history_at", ["programme_id", "at"], unique=False)
    with op.batch_alter_table("votes") as batch_op:
        batch_op.drop_index(batch_op.f("ix_votes_idea_id"))
        batch_op.create_index(
            batch_op.f("ix_votes_idea_id"), ["idea_id", "audience", "participant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("votes") as batch_op:
        batch_op.drop_index(batch_op.f("ix_votes_idea_id"))
        batch_op.create_index(batch_op.f("ix_votes_idea_id"), ["idea_id", "audience"], unique=False)
    with op.batch_alter_table("history") as batch_op:
        batch_op.drop_index("ix_history_at")
    with op.batch_alter_table("ideas") as batch_op:
        batch_op.drop_index("ix_ideas_created_at")
    with op.batch_alter_table("briefs") as batch_op:
        batch_op.drop_index("ix_briefs_programme_made")
    op.drop_table("briefs")
