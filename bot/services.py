"""What every process opens before it does anything: the playbook, the database (migrated when
embedded) and the core over them. Kept apart from the web app (bot.app) so that one-shot commands
(`export`, `import`, `forget`, `chat`…) start without loading Slack, Teams and the web view."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.core import nudges
from bot.core import playbook as playbooks
from bot.core.engine import Engine
from bot.core.grouping import Group, Seed
from bot.core.organisers import NamedOrganisers
from bot.core.playbook import Playbook
from bot.core.ports import Clock, Repository, SystemClock
from bot.core.workshop import Workshop
from handlers.slack import tenancy
from storage.database import check_current, is_sqlite, normalise_url, upgrade
from storage.reachability import reach
from storage.repository import SqlRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Services:
    """Everything a process needs, opened once and shared by every handler."""

    settings: Settings
    db: AsyncEngine
    repo: SqlRepository
    engine: Engine


def build_engine(
    settings: Settings,
    book: Playbook,
    repo: Repository,
    clock: Clock,
    extra_organisers: frozenset[str] = frozenset(),
) -> Engine:
    """The core over `repo`, with the organisers and links the settings name: one place, so a
    test that stands in for storage (tests/fakes) gets the same core as a process does."""
    organisers = NamedOrganisers.from_entries(
        settings.organisers | extra_organisers,
        settings.programme_key,
        lambda team: tenancy.programme_for(team, settings.slack.programmes),
    )
    quiet = nudges.quiet_hours(settings.quiet_hours, book.timezone)
    workshop = Workshop.over(book, repo, clock, organisers, links=settings.web.links(), quiet=quiet)
    if settings.suggester == "meaning":
        # Imported only when chosen: numpy and wordllama take half a second to import.
        from bot import meaning, sentences

        workshop.learner = meaning.learner
        if sentences.available():
            from bot.rewordings import MeaningWindow

            workshop.rewordings = MeaningWindow
        else:
            log.warning(
                "meaning model not installed: duplicates are found by their words only",
                extra={"package": sentences.DISTRIBUTION},
            )
    workshop.grouper = LazyGrouper()
    return Engine(workshop)


class LazyGrouper:
    """`bot.clustering.MeaningGrouper`, imported on first use: numpy and wordllama take half a
    second to import, which one-shot commands and the tests that never group should not pay."""

    def group(self, texts: Sequence[str], seeds: Sequence[Seed]) -> Sequence[Group]:
        from bot.clustering import MeaningGrouper

        return MeaningGrouper().group(texts, seeds)

    def nearest(self, text: str, seeds: Sequence[Seed]) -> str | None:
        from bot.clustering import MeaningGrouper

        return MeaningGrouper().nearest(text, seeds)


@asynccontextmanager
async def open_services(
    settings: Settings, clock: Clock | None = None, extra_organisers: frozenset[str] = frozenset()
) -> AsyncIterator[Services]:
    """Load the playbook, open (and if embedded, migrate) the database, build the core. A
    database that cannot be reached, after `settings.db_wait_seconds` of trying, raises
    `DatabaseUnavailable`."""
    book = await asyncio.to_thread(playbooks.load, settings.playbook_path)
    clock = clock or SystemClock()
    db = await reach(settings.database_url, settings.db_wait_seconds or 0.0)
    try:
        migrate = embedded(settings) if settings.auto_migrate is None else settings.auto_migrate
        await (upgrade(db) if migrate else check_current(db))
        repo = SqlRepository(db, clock)
        try:
            engine = build_engine(settings, book, repo, clock, extra_organisers)
            log.info(
                "ready",
                extra={
                    "playbook": book.key,
                    "database": db.url.render_as_string(hide_password=True),
                },
            )
            yield Services(settings, db, repo, engine)
        finally:
            await repo.close()
    finally:
        await db.dispose()


def embedded(settings: Settings) -> bool:
    """On the embedded SQLite database one process does everything: it migrates at start-up
    and runs the clock itself."""
    return is_sqlite(normalise_url(settings.database_url))


def clock_in_web(settings: Settings) -> bool:
    """A server database has a separate `clock` process (Procfile), so several web processes
    never run jobs twice."""
    if settings.in_process_clock is not None:
        return settings.in_process_clock
    return embedded(settings)
