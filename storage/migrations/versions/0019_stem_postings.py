"""stem postings: the near-duplicate index kept in the database, backfilled from every idea

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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
        posted = postings.chunks(pid, _texts(conn, ideas, pid))
        while batch := list(islice(posted, BATCH)):
            conn.execute(
                table.insert(),
                [{"programme_id": p, "stem": s, "first_id": f, "ideas": b} for p, s, f, b in batch],
            )


def _texts(conn: sa.Connection, ideas: sa.TableClause, pid: int) -> Iterator[tuple[int, str]]:
    """The programme's (id, text) in id order, a batch per statement; not a server-side cursor,
    which asyncpg leaves open to the transaction's end, where PostgreSQL alters no table it
    reads (0020 adds a column to ideas in the same transaction)."""
    after = 0
    while rows := conn.execute(
        sa.select(ideas.c.id, ideas.c.text)
        .where(ideas.c.programme_id == pid, ideas.c.id > after)
        .order_by(ideas.c.id)
        .limit(BATCH)
    ).all():
        yield from ((row.id, row.text) for row in rows)
        after = rows[-1].id


def downgrade() -> None:
    op.drop_table("stem_postings")
