"""Emerging themes organisers add and ideas tagged to them, in memory (`storage.emerging`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.core import domain
from tests.fakes.memory import EmergingRow, Memory, TagRow


class MemoryEmerging(Memory):
    """Implements `bot.core.ports.EmergingStore`."""

    async def added_emerging(self, programme: str) -> Sequence[domain.Emerging]:
        self._programme(programme)
        return [row.emerging for row in self._emerging.get(programme, [])]

    async def add_emerging(
        self, programme: str, emerging: domain.Emerging, by: domain.Participant
    ) -> bool:
        self._programme(programme)
        added = self._emerging.setdefault(programme, [])
        if any(row.emerging.key == emerging.key for row in added):
            return False
        stored = domain.Emerging(emerging.key, emerging.name, emerging.text, added=True)
        added.append(EmergingRow(stored, self._person(by)))
        self._log(programme, None, by.key, "emerging.added", key=emerging.key)
        return True

    async def tag(
        self, programme: str, number: int, key: str, tagged: bool, by: domain.Participant
    ) -> domain.ModerationResult:
        row = self._idea_row(programme, number)
        if row is None:
            return domain.ModerationResult(domain.Outcome.NO_SUCH_IDEA)
        if row.merged_into is not None:
            return domain.ModerationResult(domain.Outcome.MERGED, self._idea(row))
        if tagged == ((row.id, key) in self._tags):
            return domain.ModerationResult(domain.Outcome.ALREADY, self._idea(row))
        if tagged:
            self._tags[(row.id, key)] = TagRow(self._person(by), self._clock.now(), self._next_id())
        else:
            del self._tags[(row.id, key)]
        action = "idea.tagged" if tagged else "idea.untagged"
        self._log(programme, number, by.key, action, emerging=key)
        return domain.ModerationResult(domain.Outcome.DONE, self._idea(row))

    async def tag_counts(self, programme: str) -> dict[str, int]:
        live = {r.id for r in self._idea_rows(programme) if r.merged_into is None and not r.hidden}
        counts: dict[str, int] = {}
        for idea_id, key in self._tags:
            if idea_id in live:
                counts[key] = counts.get(key, 0) + 1
        return counts

    async def tagged_texts(
        self, programme: str, keys: Collection[str], newest: int
    ) -> dict[str, list[str]]:
        live = sorted(
            (r for r in self._idea_rows(programme) if r.merged_into is None and not r.hidden),
            key=lambda r: -r.number,
        )
        found: dict[str, list[str]] = {}
        for row in live:
            for key in keys:
                if (row.id, key) in self._tags and len(found.setdefault(key, [])) < newest:
                    found[key].append(row.text)
        return {key: texts for key, texts in found.items() if texts}
