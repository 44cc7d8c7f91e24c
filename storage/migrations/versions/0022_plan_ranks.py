"""plan ranks: each idea on the plan with its cell's keys and its votes (and each of its tags
with its votes), in indexes ordered as the plan ranks, and the ideas per cell, kept by the writes
(`storage.plan_ranks`), counted here from the ideas, tags and vote tallies already stored; and the ideas' authors
indexed by programme (the programme's figures count them from the index)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 50_000  # ideas' ids counted at a time
RANKED: list[str | sa.TextClause] = [
    sa.text("votes DESC"),
    "number",
]  # the plan's order: most votes, then the earlier idea
INDEXES: dict[str, list[str | sa.TextClause]] = {
    "ix_plan_ranks_cell": ["programme_id", "theme_key", "actor_key"],
    "ix_plan_ranks_style": ["programme_id", "actor_key", "style_key", "stage_key"],
    "ix_plan_ranks_theme": ["programme_id", "theme_key"],
    "ix_plan_ranks_plan": ["programme_id"],
}
RANKS = (
    "INSERT INTO plan_ranks (idea_id, programme_id, number, theme_key, actor_key, style_key, "
    "stage_key, votes) SELECT ideas.id, ideas.programme_id, ideas.number, ideas.theme_key, "
    "coalesce(ideas.actor_key, ''), coalesce(ideas.style_key, ''), coalesce(ideas.stage_key, ''), (SELECT coalesce(sum(idea_tallies.votes), "
    "0) FROM idea_tallies WHERE idea_tallies.idea_id = ideas.id) FROM ideas "
    "WHERE ideas.id > :after AND ideas.id <= :until AND ideas.merged_into IS NULL "
    "AND NOT ideas.hidden"
)
COUNTS = (
    "INSERT INTO plan_cell_counts (programme_id, theme_key, actor_key, style_key, stage_key, "
    "ideas) SELECT programme_id, theme_key, actor_key, style_key, stage_key, count(*) "
    "FROM plan_ranks GROUP BY programme_id, theme_key, actor_key, style_key, stage_key"
)
TAGS = (
    "INSERT INTO plan_tag_ranks (idea_id, emerging_key, programme_id, number, votes) "
    "SELECT idea_tags.idea_id, idea_tags.emerging_key, plan_ranks.programme_id, "
    "plan_ranks.number, plan_ranks.votes FROM idea_tags JOIN plan_ranks "
    "ON plan_ranks.idea_id = idea_tags.idea_id "
    "WHERE idea_tags.idea_id > :after AND idea_tags.idea_id <= :until"
)


def upgrade() -> None:
    op.create_table(
        "plan_ranks",
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("theme_key", sa.String(length=100), nullable=False),
        sa.Column("actor_key", sa.String(length=100), nullable=False),
        sa.Column("style_key", sa.String(length=100), nullable=False),
        sa.Column("stage_key", sa.String(length=100), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["ideas.id"],
            name=op.f("fk_plan_ranks_idea_id_ideas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("idea_id", name=op.f("pk_plan_ranks")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "plan_tag_ranks",
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("emerging_key", sa.String(length=100), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["ideas.id"],
            name=op.f("fk_plan_tag_ranks_idea_id_ideas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("idea_id", "emerging_key", name=op.f("pk_plan_tag_ranks")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "plan_cell_counts",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("theme_key", sa.String(length=100), nullable=False),
        sa.Column("actor_key", sa.String(length=100), nullable=False),
        sa.Column("style_key", sa.String(length=100), nullable=False),
        sa.Column("stage_key", sa.String(length=100), nullable=False),
        sa.Column("ideas", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_plan_cell_counts_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "programme_id",
            "theme_key",
            "actor_key",
            "style_key",
            "stage_key",
            name=op.f("pk_plan_cell_counts"),
        ),
        sqlite_with_rowid=False,
    )
    _backfill(op.get_bind())
    op.execute(COUNTS)
    # Indexed once filled: one sort each, rather than an index entry per row inserted.
    for name, keys in INDEXES.items():
        op.create_index(name, "plan_ranks", [*keys, *RANKED])
    op.create_index(
        "ix_plan_tag_ranks_cell", "plan_tag_ranks", ["programme_id", "emerging_key", *RANKED]
    )
    if op.get_bind().dialect.name == "postgresql":  # the planner's figures, before autovacuum's
        op.execute("ANALYZE plan_ranks, plan_tag_ranks")
    with op.batch_alter_table("ideas") as batch_op:  # the programme's authors, from the index
        batch_op.create_index("ix_ideas_author", ["programme_id", "author_id"], unique=False)


def _backfill(conn: sa.Connection) -> None:
    """Every idea on the plan and its tags, counted a range of idea ids at a time."""
    last = conn.scalar(sa.text("SELECT max(id) FROM ideas")) or 0
    for after in range(0, last, BATCH):
        window = {"after": after, "until": after + BATCH}
        conn.execute(sa.text(RANKS), window)
        conn.execute(sa.text(TAGS), window)


def downgrade() -> None:
    with op.batch_alter_table("ideas") as batch_op:
        batch_op.drop_index("ix_ideas_author")
    op.drop_index("ix_plan_tag_ranks_cell", table_name="plan_tag_ranks")
    for name in INDEXES:
        op.drop_index(name, table_name="plan_ranks")
    op.drop_table("plan_tag_ranks")
    op.drop_table("plan_cell_counts")
    op.drop_table("plan_ranks")
