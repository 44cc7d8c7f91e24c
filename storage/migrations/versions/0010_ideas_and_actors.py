"""ideas and actors: the challenge an idea answers (kept when an organiser re-files it),
participants' actor proposals (one per person per idea), emerging themes organisers add, and
ideas tagged to emerging themes

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.add_column(sa.Column("challenge_index", sa.Integer(), nullable=True))
    # Ideas already stored answer the challenge of the prompt they replied to.
    op.execute(
        "UPDATE ideas SET challenge_index = "
        "(SELECT prompts.challenge_index FROM prompts WHERE prompts.id = ideas.prompt_id) "
        "WHERE prompt_id IS NOT NULL"
    )
    op.create_table(
        "actor_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("actor_key", sa.String(length=100), nullable=False),
        sa.Column("style_key", sa.String(length=100), nullable=True),
        sa.Column("stage_key", sa.String(length=100), nullable=True),
        sa.Column("audience", sa.String(length=50), nullable=False),
        sa.Column("proposed_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["ideas.id"],
            name=op.f("fk_actor_proposals_idea_id_ideas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_actor_proposals_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actor_proposals")),
        sa.UniqueConstraint(
            "idea_id", "participant_id", name=op.f("uq_actor_proposals_idea_id_participant_id")
        ),
    )
    with op.batch_alter_table("actor_proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actor_proposals_idea_id"), ["idea_id"])
        batch_op.create_index(batch_op.f("ix_actor_proposals_participant_id"), ["participant_id"])
    op.create_table(
        "emerging_themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=False),
        sa.Column("added_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_emerging_themes_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["added_by"],
            ["participants.id"],
            name=op.f("fk_emerging_themes_added_by_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emerging_themes")),
        sa.UniqueConstraint(
            "programme_id", "key", name=op.f("uq_emerging_themes_programme_id_key")
        ),
    )
    with op.batch_alter_table("emerging_themes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_emerging_themes_added_by"), ["added_by"])
    op.create_table(
        "idea_tags",
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("emerging_key", sa.String(length=100), nullable=False),
        sa.Column("tagged_by", sa.Integer(), nullable=False),
        sa.Column("tagged_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_idea_tags_idea_id_ideas"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tagged_by"],
            ["participants.id"],
            name=op.f("fk_idea_tags_tagged_by_participants"),
        ),
        sa.PrimaryKeyConstraint("idea_id", "emerging_key", name=op.f("pk_idea_tags")),
    )
    with op.batch_alter_table("idea_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idea_tags_tagged_by"), ["tagged_by"])


def downgrade() -> None:
    op.drop_table("idea_tags")
    op.drop_table("emerging_themes")
    op.drop_table("actor_proposals")
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.drop_column("challenge_index")
