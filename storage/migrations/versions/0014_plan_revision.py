"""plan revision: a per-programme counter every write moves on, so cached plan pages are
shared safely by several web processes; an index for an actor's cells

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("programmes") as batch:
        batch.add_column(
            sa.Column("plan_revision", sa.Integer(), server_default="0", nullable=False)
        )
    op.create_index("ix_ideas_programme_id_actor_key", "ideas", ["programme_id", "actor_key"])


def downgrade() -> None:
    op.drop_index("ix_ideas_programme_id_actor_key", table_name="ideas")
    with op.batch_alter_table("programmes") as batch:
        batch.drop_column("plan_revision")
