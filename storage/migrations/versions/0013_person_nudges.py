"""person nudges: direct messages in the nudge queue, per-person mutes and opt-ins, and the
1:1 chat kept to reach a person

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("nudges") as batch:
        batch.add_column(sa.Column("person_key", sa.String(length=250), nullable=True))
    op.create_table(
        "nudge_people",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("person_key", sa.String(length=250), nullable=False),
        sa.Column("muted_at", UTC_TIME, nullable=True),
        sa.Column("notified_at", UTC_TIME, nullable=True),
        sa.Column("personal_channel_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["personal_channel_id"],
            ["channels.id"],
            name=op.f("fk_nudge_people_personal_channel_id_channels"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_nudge_people_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("programme_id", "person_key", name=op.f("pk_nudge_people")),
    )


def downgrade() -> None:
    op.drop_table("nudge_people")
    with op.batch_alter_table("nudges") as batch:
        batch.drop_column("person_key")
