"""vote tallies: votes per idea and audience, and per theme, audience and voter on ideas not
hidden, kept by the writes that change votes, counted here from the votes already cast; and a
digest period's votes and the programme's ideas not hidden read from covering indexes

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idea_tallies",
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=50), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["ideas.id"],
            name=op.f("fk_idea_tallies_idea_id_ideas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("idea_id", "audience", name=op.f("pk_idea_tallies")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "theme_voters",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("theme_key", sa.String(length=100), nullable=False),
        sa.Column("audience", sa.String(length=50), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_theme_voters_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_theme_voters_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "programme_id", "theme_key", "audience", "participant_id", name=op.f("pk_theme_voters")
        ),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("theme_voters") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_theme_voters_participant_id"), ["participant_id"], unique=False
        )
    with op.batch_alter_table("votes") as batch_op:
        batch_op.drop_index("ix_votes_cast_at")
        batch_op.create_index(
            "ix_votes_cast_at",
            ["cast_at", "participant_id", "audience", "platform", "idea_id"],
            unique=False,
        )
    with op.batch_alter_table("ideas") as batch_op:
        batch_op.create_index("ix_ideas_live", ["programme_id", "hidden", "id"], unique=False)
    op.execute(
        "INSERT INTO idea_tallies (idea_id, audience, votes) "
        "SELECT idea_id, audience, count(*) FROM votes GROUP BY idea_id, audience"
    )
    op.execute(
        "INSERT INTO theme_voters (programme_id, theme_key, audience, participant_id, votes) "
        "SELECT ideas.programme_id, ideas.theme_key, votes.audience, votes.participant_id, "
        "count(*) FROM votes JOIN ideas ON ideas.id = votes.idea_id WHERE NOT ideas.hidden "
        "GROUP BY ideas.programme_id, ideas.theme_key, votes.audience, votes.participant_id"
    )


def downgrade() -> None:
    with op.batch_alter_table("ideas") as batch_op:
        batch_op.drop_index("ix_ideas_live")
    with op.batch_alter_table("votes") as batch_op:
        batch_op.drop_index("ix_votes_cast_at")
        batch_op.create_index("ix_votes_cast_at", ["cast_at"], unique=False)
    with op.batch_alter_table("theme_voters") as batch_op:
        batch_op.drop_index(batch_op.f("ix_theme_voters_participant_id"))
    op.drop_table("theme_voters")
    op.drop_table("idea_tallies")
