"""People's own nudge settings, their 1:1 chats and who a direct nudge goes to, in memory
(`storage.nudge_people`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.core import domain
from bot.core.nudges import PersonNudges, Recipient
from tests.fakes.memory import Memory, PersonNudgeRow


class MemoryNudgePeople(Memory):
    """Implements the per-person half of `bot.core.ports.NudgeStore`."""

    async def set_person_nudges(
        self,
        programme: str,
        person: domain.Participant,
        *,
        muted: bool | None = None,
        notified: bool | None = None,
    ) -> bool:
        self._programme(programme)
        row = self._person_nudges.setdefault((programme, person.key), PersonNudgeRow())
        changed = False
        if muted is not None and muted != row.muted:
            row.muted, changed = muted, True
            self._log(programme, None, person.key, "nudges.person.muted", on=muted)
        if notified is not None and notified != row.notified:
            row.notified, changed = notified, True
            self._log(programme, None, person.key, "nudges.person.notified", on=notified)
        return changed

    async def person_nudges(self, programme: str, person_key: str) -> PersonNudges:
        row = self._person_nudges.get((programme, person_key))
        if row is None:
            return PersonNudges()
        return PersonNudges(row.muted, row.notified, row.personal is not None)

    async def keep_personal(
        self, programme: str, person: domain.Participant, where: domain.ConversationRef
    ) -> None:
        self._channel_row(programme, where)
        row = self._person_nudges.setdefault((programme, person.key), PersonNudgeRow())
        row.personal = domain.ConversationRef(where.platform, where.workspace_id, where.channel_id)

    async def muted_people(self, programme: str) -> frozenset[str]:
        return frozenset(
            key
            for (prog, key), row in self._person_nudges.items()
            if prog == programme and row.muted
        )

    async def with_votes_left(
        self, programme: str, theme_key: str, budget: int
    ) -> Sequence[Recipient]:
        self._programme(programme)
        taking_part = {voter for (prog, voter, _) in self._used if prog == programme}
        taking_part |= {i.author_id for i in self._ideas.values() if i.programme == programme}
        return self._recipients(
            programme,
            lambda pid, row: (
                pid in taking_part and self._used.get((programme, pid, theme_key), 0) < budget
            ),
        )

    async def opted_in_backers(self, programme: str, number: int) -> Sequence[Recipient]:
        idea = self._idea_row(programme, number)
        if idea is None:
            return []
        backers = {voter for (idea_id, voter) in self._votes if idea_id == idea.id}
        return self._recipients(programme, lambda pid, row: pid in backers and row.notified)

    async def recipient(self, programme: str, person_key: str) -> Recipient | None:
        row = self._person_nudges.get((programme, person_key), PersonNudgeRow())
        return None if row.muted else Recipient(person_key, row.personal)

    def _recipients(
        self, programme: str, chosen: Callable[[int, PersonNudgeRow], bool]
    ) -> list[Recipient]:
        """Participants `chosen` (by id and settings) who have not muted nudges, by id."""
        found = []
        for (platform, user_id), (pid, name) in sorted(self._people.items(), key=lambda p: p[1][0]):
            key = f"{platform}:{user_id}"
            row = self._person_nudges.get((programme, key), PersonNudgeRow())
            if not row.muted and name != domain.FORGOTTEN and chosen(pid, row):
                found.append(Recipient(key, row.personal))
        return found
