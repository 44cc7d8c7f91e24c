"""stem postings: the near-duplicate index kept in the database, backfilled from every idea

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice

import sqlalchemy as sa
from alembic import op

from storage import postings

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000  # posting rows per insert


def upgrade() -> None:
    table = op.create_table(
        "stem_postings",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("stem", sa.String(length=100), nullable=False),
        sa.Column("first_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("ideas", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_stem_postings_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("programme_id", "stem", "first_id", name=op.f("pk_stem_postings")),
    )
    _backfill(op.get_bind(), table)


def _backfill(conn: sa.Connection, table: sa.Table) -> None:
    """Every programme's ideas posted under their stems (what storing each would have done),
    read a programme at a time in id order; 300,000 ideas take about a minute."""
    ideas = sa.table(
        "ideas", sa.column("id", sa.Integer), sa.column("programme_id"), sa.column("text")
    )
    programmes = conn.scalars(sa.select(ideas.c.programme_id).distinct()).all()
    for pid in programmes:
        rows = conn.execute(
            sa.select(ideas.c.id, ideas.c.text)
            .where(ideas.c.programme_id == pid)
            .order_by(ideas.c.id)
            .execution_options(yield_per=BATCH)
        )
        posted = postings.chunks(pid, ((row.id, row.text) for row in rows))
        while batch := list(islice(posted, BATCH)):
            conn.execute(
                table.insert(),
                [{"programme_id": p, "stem": s, "first_id": f, "ideas": b} for p, s, f, b in batch],
            )


def downgrade() -> None:
    op.drop_table("stem_postings")
