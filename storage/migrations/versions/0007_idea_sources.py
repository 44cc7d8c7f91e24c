"""idea sources: the platform message that created an idea, so its edits and deletion follow

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_message", sa.String(length=400), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_ideas_programme_id_platform_source_message"),
            ["programme_id", "platform", "source_message"],
        )


def downgrade() -> None:
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_ideas_programme_id_platform_source_message"), type_="unique"
        )
        batch_op.drop_column("source_message")
