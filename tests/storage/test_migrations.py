"""Migrations build exactly the schema the models describe, and come back down cleanly."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text

from bot.core.domain import Lookalikes
from bot.core.similarity import Fingerprint
from storage.database import SchemaOutOfDate, alembic_config, check_current, create_engine, upgrade
from storage.models import Base
from storage.repository import SqlRepository
from tests.conftest import FakeClock


async def test_upgrade_matches_the_models_and_downgrade_empties(empty_database_url) -> None:
    engine = create_engine(empty_database_url)
    try:
        with pytest.raises(SchemaOutOfDate, match="howcanwe db upgrade"):
            await check_current(engine)
        await upgrade(engine)
        await check_current(engine)

        def differences(connection: Connection) -> list[object]:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, Base.metadata)

        async with engine.connect() as connection:
            assert await connection.run_sync(differences) == []

        def downgrade(connection: Connection) -> list[str]:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
            return inspect(connection).get_table_names()

        async with engine.begin() as connection:
            assert await connection.run_sync(downgrade) == ["alembic_version"]
    finally:
        await engine.dispose()


async def test_0017_posts_the_ideas_already_stored(empty_database_url) -> None:
    """The near-duplicate index is backfilled: ideas stored before 0017 are found by a check."""
    engine = create_engine(empty_database_url)
    config = alembic_config()

    def to(connection: Connection, revision: str) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    try:
        async with engine.begin() as connection:
            await connection.run_sync(to, "0016")
            await connection.execute(
                text(
                    "INSERT INTO programmes (id, key, name, default_audience, last_number, "
                    "plan_revision, created_at) VALUES (1, 'p', 'P', 'public', 3, 0, :at)"
                ),
                {"at": datetime.now(UTC)},
            )
            await connection.execute(
                text(
                    "INSERT INTO participants (id, platform, user_id, display_name) "
                    "VALUES (1, 'console', 'ada', 'Ada')"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO channels (id, programme_id, platform, workspace_id, channel_id, "
                    "name) VALUES (1, 1, 'console', 'local', 'general', 'general')"
                )
            )
            for number, idea in enumerate(IDEAS, 1):
                await connection.execute(
                    text(
                        "INSERT INTO ideas (programme_id, number, theme_key, text, author_id, "
                        "platform, channel_id, audience, created_at, hidden) VALUES (1, :n, "
                        "'health', :text, 1, 'console', 1, 'public', :at, :hidden)"
                    ),
                    {"n": number, "text": idea, "at": datetime.now(UTC), "hidden": False},
                )
            await connection.run_sync(to, "head")
        repo = SqlRepository(engine, FakeClock())
        try:
            probe = Fingerprint.of("community hubs offering business mentoring")
            found = await repo.lookalikes("p", probe.stems, 2)
            assert found == Lookalikes(((1, IDEAS[0]), (2, IDEAS[1])), 3)
        finally:
            await repo.close()
    finally:
        await engine.dispose()


IDEAS = (
    "Community hubs that offer business mentoring",
    "Business mentoring for apprentices in community settings",
    "Free bus travel for apprentices",
)
