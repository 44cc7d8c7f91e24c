"""The Repository on SQLAlchemy: every storage role joined over one Store, for the composition
root (the core's use cases each see only the roles they need, `bot.core.workshop`).

Races are settled by the database: unique keys stop double votes, a guarded UPDATE stops a
budget from being overspent, and an UPDATE … RETURNING hands out idea numbers.
"""

from __future__ import annotations

from storage.agenda import SqlAgenda
from storage.clock_ticks import SqlClockTicks
from storage.contributions import SqlContributions
from storage.digest_records import SqlDigests
from storage.housekeeping import SqlHousekeeping
from storage.ideas import SqlIdeas
from storage.moderation import SqlModeration
from storage.nudge_people import SqlNudgePeople
from storage.nudge_schedules import SqlNudgeSchedules
from storage.nudges import SqlNudges
from storage.people import SqlPeople
from storage.personal import SqlPersonalData
from storage.plan_exports import SqlPlanExports
from storage.plan_views import SqlPlanViews
from storage.planning import SqlPlanning
from storage.prompts import SqlPrompts
from storage.proposals import SqlProposals
from storage.theme_groups import SqlThemeGroups
from storage.turns import SqlTurns
from storage.votes import SqlVotes


class SqlRepository(
    SqlAgenda,
    SqlContributions,
    SqlPeople,
    SqlPrompts,
    SqlIdeas,
    SqlVotes,
    SqlPlanning,
    SqlPlanViews,
    SqlPlanExports,
    SqlModeration,
    SqlPersonalData,
    SqlDigests,
    SqlTurns,
    SqlHousekeeping,
    SqlNudges,
    SqlNudgeSchedules,
    SqlNudgePeople,
    SqlClockTicks,
    SqlProposals,
    SqlThemeGroups,
):
    """Implements `bot.core.ports.Repository` on SQLite or PostgreSQL: one runner, one set of
    caches and one batcher per kind of batch, shared by every role."""
