"""proposed themes: emerging themes `themes emerging` proposes, and their ideas

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "proposed_themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("emerging_key", sa.String(length=100), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=False),
        sa.Column("proposed_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_proposed_themes_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"],
            ["participants.id"],
            name=op.f("fk_proposed_themes_proposed_by_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposed_themes")),
        sa.UniqueConstraint(
            "programme_id", "number", name=op.f("uq_proposed_themes_programme_id_number")
        ),
    )
    op.create_index(
        op.f("ix_proposed_themes_proposed_by"), "proposed_themes", ["proposed_by"], unique=False
    )
    op.create_table(
        "proposed_theme_ideas",
        sa.Column("proposed_theme_id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["ideas.id"],
            name=op.f("fk_proposed_theme_ideas_idea_id_ideas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_theme_id"],
            ["proposed_themes.id"],
            name=op.f("fk_proposed_theme_ideas_proposed_theme_id_proposed_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "proposed_theme_id", "idea_id", name=op.f("pk_proposed_theme_ideas")
        ),
    )
    op.create_index(
        op.f("ix_proposed_theme_ideas_idea_id"), "proposed_theme_ideas", ["idea_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_proposed_theme_ideas_idea_id"), table_name="proposed_theme_ideas")
    op.drop_table("proposed_theme_ideas")
    op.drop_index(op.f("ix_proposed_themes_proposed_by"), table_name="proposed_themes")
    op.drop_table("proposed_themes")
