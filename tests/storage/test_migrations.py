"""Migrations build exactly the schema the models describe, and come back down cleanly."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect

from storage.database import SchemaOutOfDate, alembic_config, check_current, create_engine, upgrade
from storage.models import Base


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
