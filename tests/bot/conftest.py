"""The use cases run on in-memory storage (tests/fakes), which the contract tests in
tests/contracts hold to the SQL implementation: seconds instead of minutes. A module about
storage's own work (erasure, two processes on one database) asks for `database_services`."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.config import Settings
from bot.core import playbook
from bot.core.engine import Engine
from bot.services import build_engine
from tests.conftest import ORGANISERS, FakeClock
from tests.fakes.repository import MemoryRepository


@dataclass(frozen=True)
class MemoryServices:
    """What the use-case tests use of `bot.services.Services`: storage and the core."""

    settings: Settings
    repo: MemoryRepository
    engine: Engine


@pytest.fixture(scope="session")
def book() -> playbook.Playbook:
    return playbook.load(None)


@pytest.fixture
def services(book: playbook.Playbook, clock: FakeClock) -> MemoryServices:
    settings = Settings(organisers=ORGANISERS)
    repo = MemoryRepository(clock)
    return MemoryServices(settings, repo, build_engine(settings, book, repo, clock))
