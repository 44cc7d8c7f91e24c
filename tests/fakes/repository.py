"""Every in-memory role joined over one Memory, as `storage.repository` joins the SQL ones."""

from __future__ import annotations

from tests.fakes.housekeeping import MemoryHousekeeping
from tests.fakes.people import MemoryPeople
from tests.fakes.prompts import MemoryPrompts
from tests.fakes.turns import MemoryTurns


class MemoryRepository(MemoryPeople, MemoryPrompts, MemoryTurns, MemoryHousekeeping):
    """The roles that have an in-memory stand-in, sharing one set of tables."""
