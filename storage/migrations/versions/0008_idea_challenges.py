"""idea challenges: the challenge (by its index in the theme) an idea answers, kept when an
organiser re-files it under another theme or challenge

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.add_column(sa.Column("challenge_index", sa.Integer(), nullable=True))
    # Ideas already stored answer the challenge of the prompt they replied to.
    op.execute(
        "UPDATE ideas SET challenge_index = "
        "(SELECT prompts.challenge_index FROM prompts WHERE prompts.id = ideas.prompt_id) "
        "WHERE prompt_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.drop_column("challenge_index")
