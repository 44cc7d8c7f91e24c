"""Alembic environment: async engines, batch mode on SQLite, our models as the target."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import Connection

from storage.database import create_engine
from storage.models import Base

DEFAULT_URL = "sqlite+aiosqlite:///howcanwe.db"


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_online() -> None:
    engine = create_engine(os.environ.get("DATABASE_URL") or DEFAULT_URL)
    async with engine.connect() as connection:
        await connection.run_sync(run_with)
        await connection.commit()
    await engine.dispose()


given = context.config.attributes.get("connection")
if given is not None:
    run_with(given)  # called from storage.database.upgrade, inside the app's own event loop
else:
    asyncio.run(run_online())  # the plain `alembic` command line
