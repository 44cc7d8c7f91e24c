"""activity counts: per programme, UTC day, participant, audience and platform the new ideas and
the votes on ideas not hidden, kept by the writes (`storage.activity`), counted here from the
ideas and votes already stored

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activity_counts",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=50), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("ideas", sa.Integer(), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_activity_counts_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_activity_counts_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "programme_id",
            "day",
            "participant_id",
            "audience",
            "platform",
            name=op.f("pk_activity_counts"),
        ),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("activity_counts") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_activity_counts_participant_id"), ["participant_id"], unique=False
        )
    # The UTC day of a stored time: SQLite keeps UTC times as text, PostgreSQL as timestamptz.
    if op.get_bind().dialect.name == "sqlite":
        idea_day, vote_day = "substr(ideas.created_at, 1, 10)", "substr(votes.cast_at, 1, 10)"
    else:
        idea_day = "CAST(timezone('UTC', ideas.created_at) AS DATE)"
        vote_day = "CAST(timezone('UTC', votes.cast_at) AS DATE)"
    op.execute(
        "INSERT INTO activity_counts (programme_id, day, participant_id, audience, platform, "
        "ideas, votes) SELECT programme_id, day, participant_id, audience, platform, sum(ideas), "
        "sum(votes) FROM ("
        f"SELECT programme_id, {idea_day} AS day, author_id AS participant_id, audience, "
        "platform, count(*) AS ideas, 0 AS votes FROM ideas WHERE NOT ideas.hidden "
        f"GROUP BY programme_id, {idea_day}, author_id, audience, platform "
        "UNION ALL "
        f"SELECT ideas.programme_id, {vote_day}, votes.participant_id, votes.audience, "
        "votes.platform, 0, count(*) FROM votes JOIN ideas ON ideas.id = votes.idea_id "
        f"WHERE NOT ideas.hidden GROUP BY ideas.programme_id, {vote_day}, votes.participant_id, "
        "votes.audience, votes.platform"
        ") AS made GROUP BY programme_id, day, participant_id, audience, platform"
    )


def downgrade() -> None:
    with op.batch_alter_table("activity_counts") as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_counts_participant_id"))
    op.drop_table("activity_counts")
