"""Every in-memory role joined over one Memory, as `storage.repository` joins the SQL ones."""

from __future__ import annotations

from tests.fakes.agenda import MemoryAgenda
from tests.fakes.digests import MemoryDigests
from tests.fakes.housekeeping import MemoryHousekeeping
from tests.fakes.ideas import MemoryIdeas
from tests.fakes.moderation import MemoryModeration
from tests.fakes.nudge_people import MemoryNudgePeople
from tests.fakes.nudges import MemoryNudges
from tests.fakes.people import MemoryPeople
from tests.fakes.personal import MemoryPersonalData
from tests.fakes.plan_exports import MemoryPlanExports
from tests.fakes.plan_views import MemoryPlanViews
from tests.fakes.planning import MemoryPlanning
from tests.fakes.prompts import MemoryPrompts
from tests.fakes.proposals import MemoryProposals
from tests.fakes.theme_groups import MemoryThemeGroups
from tests.fakes.turns import MemoryTurns
from tests.fakes.votes import MemoryVotes


class MemoryRepository(
    MemoryAgenda,
    MemoryPeople,
    MemoryPrompts,
    MemoryIdeas,
    MemoryVotes,
    MemoryPlanning,
    MemoryPlanViews,
    MemoryPlanExports,
    MemoryModeration,
    MemoryPersonalData,
    MemoryDigests,
    MemoryTurns,
    MemoryHousekeeping,
    MemoryProposals,
    MemoryThemeGroups,
    MemoryNudges,
    MemoryNudgePeople,
):
    """Implements `bot.core.ports.Repository` in memory: every role over one set of tables."""
