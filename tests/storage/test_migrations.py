"""Migrations build exactly the schema the models describe, and come back down cleanly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, insert, inspect, select, text

from bot.core import sketches
from bot.core.domain import Lookalikes
from bot.core.similarity import Fingerprint
from storage import models as m
from storage import plan_ranks, tallies
from storage import tally_tables as tt
from storage.database import (
    SchemaOutOfDate,
    alembic_config,
    check_current,
    create_engine,
    current_revision,
    head_revision,
    upgrade,
)
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


def test_the_head_read_from_file_names_is_alembics_head() -> None:
    """Start-up reads the head from the migrations' file names, without Alembic: each file
    `NNNN_what.py` is revision NNNN and revises the one before it."""
    scripts = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == scripts.get_current_head()
    for script in scripts.walk_revisions():
        assert script.path.rsplit("/", 1)[-1][:4] == script.revision
        if script.down_revision is not None:
            assert int(script.down_revision) == int(script.revision) - 1


async def test_upgrade_migrates_a_database_one_revision_behind(empty_database_url) -> None:
    """The quick check that skips Alembic when there is nothing to do still migrates."""
    engine = create_engine(empty_database_url)
    behind = f"{int(head_revision()) - 1:04d}"
    try:
        async with engine.begin() as connection:
            await connection.run_sync(lambda c: _to(alembic_config(), c, behind))
        assert await current_revision(engine) == behind
        await upgrade(engine)
        assert await current_revision(engine) == head_revision()
        await check_current(engine)
    finally:
        await engine.dispose()


async def test_the_tallies_migration_counts_the_tallies_of_the_votes_already_cast(
    empty_database_url,
) -> None:
    """Votes cast before the tallies were kept are counted by the migration that adds them,
    hidden ideas' votes for no theme's voters."""
    engine = create_engine(empty_database_url)
    at = datetime(2026, 3, 2, tzinfo=UTC)

    def cast_before(connection: Connection) -> None:
        _programme(connection, at, ideas=3, people=4)
        idea = {"programme_id": 1, "author_id": 1, "platform": "console", "channel_id": 1}
        ideas = [(1, "a", False), (2, "a", False), (3, "b", True)]  # number 3 hidden
        connection.execute(
            insert(m.Idea),
            [
                idea
                | {"id": n, "number": n, "theme_key": theme, "text": f"idea {n}"}
                | {"hidden": hidden, "audience": "public", "created_at": at}
                for n, theme, hidden in ideas
            ],
        )
        votes = [(1, 2, "town"), (1, 3, "biz"), (2, 2, "town"), (2, 4, "town"), (3, 4, "biz")]
        connection.execute(
            insert(m.Vote),
            [
                {"idea_id": i, "participant_id": p, "audience": a, "platform": "console"}
                | {"cast_at": at}
                for i, p, a in votes
            ],
        )

    def counted(connection: Connection) -> list[dict[Any, int]]:
        kept, recounted = tallies.kept(connection, 1), tallies.recounted(connection, 1)
        assert [dict(kept.ideas), dict(kept.voters)] == [
            dict(recounted.ideas),
            dict(recounted.voters),
        ]
        return [dict(kept.ideas), dict(kept.voters)]

    try:
        async with engine.begin() as connection:
            await connection.run_sync(lambda c: _to(alembic_config(), c, "0017"))  # no tallies
            await connection.run_sync(cast_before)
            await connection.run_sync(lambda c: _to(alembic_config(), c, "head"))
            ideas, voters = await connection.run_sync(counted)
    finally:
        await engine.dispose()
    assert ideas == {(1, "town"): 1, (1, "biz"): 1, (2, "town"): 2, (3, "biz"): 1}
    assert voters == {(1, "a", "town", 2): 2, (1, "a", "biz", 3): 1, (1, "a", "town", 4): 1}


async def test_0020_counts_the_activity_of_the_ideas_and_votes_already_stored(
    empty_database_url,
) -> None:
    """The activity counts are backfilled per UTC day (a time a moment before midnight counts on
    its own day), hidden ideas and their votes left out, as the writes keep them."""
    engine = create_engine(empty_database_url)
    config = alembic_config()
    day = datetime(2026, 3, 2, tzinfo=UTC)
    late = day + timedelta(days=1, microseconds=-1)

    def stored_before(connection: Connection) -> None:
        _programme(connection, day, ideas=2, people=3)
        idea = {"programme_id": 1, "author_id": 1, "platform": "console", "channel_id": 1}
        connection.execute(
            insert(m.Idea),
            [
                idea
                | {"id": n, "number": n, "theme_key": "a", "text": f"idea {n}"}
                | {"hidden": n == 2, "audience": "public", "created_at": late}
                for n in (1, 2)
            ],
        )
        votes = [(1, 2, "town", late), (1, 3, "biz", late + timedelta(microseconds=1))]
        votes += [(2, 2, "town", day)]  # on the hidden idea
        connection.execute(
            insert(m.Vote),
            [
                {"idea_id": i, "participant_id": p, "audience": a, "platform": "slack"}
                | {"cast_at": at}
                for i, p, a, at in votes
            ],
        )

    def counted(connection: Connection) -> list[dict[Any, int]]:
        kept = tallies.kept(connection, 1).activity
        recounted = tallies.recounted(connection, 1).activity
        assert [dict(kept.ideas), dict(kept.votes)] == [recounted.ideas, recounted.votes]
        return [dict(kept.ideas), dict(kept.votes)]

    try:
        async with engine.begin() as connection:
            await connection.run_sync(lambda c: _to(config, c, "0019"))
            await connection.run_sync(stored_before)
            await connection.run_sync(lambda c: _to(config, c, "head"))
            ideas, votes = await connection.run_sync(counted)
    finally:
        await engine.dispose()
    first, second = day.date(), (day + timedelta(days=1)).date()
    assert ideas == {(1, first, 1, "public", "console"): 1}
    assert votes == {(1, first, 2, "town", "slack"): 1, (1, second, 3, "biz", "slack"): 1}


async def test_0022_ranks_the_ideas_on_the_plan_already_stored(empty_database_url) -> None:
    """The plan's ranks are backfilled from the ideas, tags and tallies stored at 0021: ideas
    on the plan with their cell's keys and votes, hidden and merged ones left out; and go on
    the way down."""
    engine = create_engine(empty_database_url)
    config = alembic_config()
    at = datetime(2026, 3, 2, tzinfo=UTC)

    def stored_before(connection: Connection) -> None:
        _programme(connection, at, ideas=4, people=2)
        idea = {"programme_id": 1, "author_id": 1, "platform": "console", "channel_id": 1}
        shapes = [  # number, actor, style, stage, hidden, merged into
            (1, None, None, None, False, None),
            (2, "authority", "funder", "now", False, None),
            (3, None, None, None, True, None),
            (4, None, None, None, False, 1),
        ]
        connection.execute(
            insert(m.Idea),
            [
                idea
                | {"id": n, "number": n, "theme_key": "a", "text": f"idea {n}"}
                | {"actor_key": actor, "style_key": style, "stage_key": stage}
                | {"hidden": hidden, "merged_into": into, "audience": "public", "created_at": at}
                for n, actor, style, stage, hidden, into in shapes
            ],
        )
        tallied = [(1, "town", 2), (1, "biz", 1), (2, "town", 1), (3, "biz", 4)]
        connection.execute(
            insert(tt.IdeaTally),
            [{"idea_id": i, "audience": a, "votes": n} for i, a, n in tallied],
        )
        tags = [(1, "hubs"), (3, "hubs"), (4, "hubs"), (2, "bold")]
        connection.execute(
            insert(m.IdeaTag),
            [{"idea_id": i, "emerging_key": k, "tagged_by": 2, "tagged_at": at} for i, k in tags],
        )

    def counted(connection: Connection) -> Any:
        kept = plan_ranks.kept(connection, 1)
        assert kept == plan_ranks.recounted(connection, 1)
        return kept

    def down(connection: Connection) -> list[str]:
        config.attributes["connection"] = connection
        command.downgrade(config, "0021")
        found = inspect(connection)
        authors = [i["name"] for i in found.get_indexes("ideas") if i["name"] == "ix_ideas_author"]
        return [*found.get_table_names(), *authors]

    try:
        async with engine.begin() as connection:
            await connection.run_sync(lambda c: _to(config, c, "0021"))
            await connection.run_sync(stored_before)
            await connection.run_sync(lambda c: _to(config, c, "head"))
            ranks, tags, counts = await connection.run_sync(counted)
            left = await connection.run_sync(down)
    finally:
        await engine.dispose()
    assert ranks == {
        (1, "a", "", "", "", 3, 1),
        (2, "a", "authority", "funder", "now", 1, 2),
    }
    assert tags == {(1, "hubs", 3, 1), (2, "bold", 1, 2)}
    assert counts == {("a", "", "", ""): 1, ("a", "authority", "funder", "now"): 1}
    assert not {"plan_ranks", "plan_tag_ranks", "plan_cell_counts"} & set(left)
    assert "ideas" in left
    assert "ix_ideas_author" not in left


def _programme(connection: Connection, at: datetime, ideas: int, people: int) -> None:
    """Programme 1 ("p"), its `ideas` numbered so far, participants 1 to `people`, channel 1."""
    connection.execute(
        insert(m.Programme).values(
            id=1, key="p", name="P", default_audience="public", last_number=ideas, created_at=at
        )
    )
    connection.execute(
        insert(m.Participant),
        [{"id": n, "platform": "console", "user_id": f"u{n}"} for n in range(1, people + 1)],
    )
    connection.execute(
        insert(m.Channel).values(
            id=1, programme_id=1, platform="console", workspace_id="w", channel_id="c"
        )
    )


def _to(config: Any, connection: Connection, revision: str) -> None:
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def _ideas_before_0019(engine: Any) -> None:
    """IDEAS stored at 0018 (before the index and the sketches), then migrated to the head."""
    config = alembic_config()
    async with engine.begin() as connection:
        await connection.run_sync(lambda c: _to(config, c, "0018"))
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
        await connection.run_sync(lambda c: _to(config, c, "head"))


async def test_0019_posts_the_ideas_already_stored(empty_database_url) -> None:
    """The near-duplicate index is backfilled: ideas stored before 0019 are found by a check."""
    engine = create_engine(empty_database_url)
    try:
        await _ideas_before_0019(engine)
        repo = SqlRepository(engine, FakeClock())
        try:
            probe = Fingerprint.of("community hubs offering business mentoring")
            found = await repo.lookalikes("p", probe.stems, 2)
            assert found == Lookalikes(((1, IDEAS[0]), (2, IDEAS[1])), 3)
        finally:
            await repo.close()
    finally:
        await engine.dispose()


async def test_0021_sketches_the_ideas_already_stored(empty_database_url) -> None:
    """Ideas stored before 0021 get the sketch storing them now writes, and a screened check
    finds them as an unscreened one does."""
    engine = create_engine(empty_database_url)
    try:
        await _ideas_before_0019(engine)
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(m.Idea.text, m.Idea.sketch).order_by(m.Idea.number)
            )
            assert [sketch for _, sketch in rows] == [sketches.of(idea) for idea in IDEAS]
        repo = SqlRepository(engine, FakeClock())
        try:
            probe = Fingerprint.of("community hubs offering business mentoring")
            screened = await repo.lookalikes("p", probe.stems, 2, sketches.Screen(probe))
            assert screened == Lookalikes(((1, IDEAS[0]),), 3)
        finally:
            await repo.close()
    finally:
        await engine.dispose()


IDEAS = (
    "Community hubs that offer business mentoring",
    "Business mentoring for apprentices in community settings",
    "Free bus travel for apprentices",
)
