"""idea sketches: what a near-duplicate check reads to rule an idea out unscored, backfilled

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.core import sketches

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000  # ideas read and updated at a time


def upgrade() -> None:
    op.add_column("ideas", sa.Column("sketch", sa.LargeBinary(), nullable=True))
    _backfill(op.get_bind())


def _backfill(conn: sa.Connection) -> None:
    """Every idea's sketch (what storing it would have written), read in id order in batches:
    the ideas a batch updates are past those still to be read."""
    ideas = sa.table("ideas", sa.column("id", sa.Integer), sa.column("text"), sa.column("sketch"))
    update = (
        sa.update(ideas).where(ideas.c.id == sa.bindparam("i")).values(sketch=sa.bindparam("s"))
    )
    after = 0
    while rows := conn.execute(
        sa.select(ideas.c.id, ideas.c.text)
        .where(ideas.c.id > after)
        .order_by(ideas.c.id)
        .limit(BATCH)
    ).all():
        conn.execute(update, [{"i": row.id, "s": sketches.of(row.text)} for row in rows])
        after = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("ideas") as batch:
        batch.drop_column("sketch")
