"""Programmes, their channels and organisers, and how to reach a conversation later, in
memory (`storage.people`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.core import domain
from tests.fakes.memory import Memory, ProgrammeRow


class MemoryPeople(Memory):
    """Implements `bot.core.ports.PeopleStore`."""

    async def ensure_programme(self, key: str, name: str, default_audience: str) -> None:
        known = self._programmes.get(key)
        if known is None:
            self._programmes[key] = ProgrammeRow(name, default_audience)
        else:
            known.name, known.default_audience = name, default_audience

    async def channel(self, programme: str, where: domain.ConversationRef) -> domain.Channel:
        return self._channel(programme, where)

    async def set_channel_audience(
        self, programme: str, where: domain.ConversationRef, audience: str, by: domain.Participant
    ) -> domain.Channel:
        self._channel_row(programme, where).audience = audience
        self._log(
            programme, None, by.key, "channel.audience", channel=where.channel_id, audience=audience
        )
        return self._channel(programme, where)

    async def organisers(self, programme: str) -> set[str]:
        return set(self._programme(programme).organisers)

    async def set_organiser(
        self, programme: str, user_key: str, add: bool, by: domain.Participant
    ) -> bool:
        organisers = self._programme(programme).organisers
        changes = (user_key not in organisers) if add else (user_key in organisers)
        if add:
            organisers.setdefault(user_key, by.key)
        else:
            organisers.pop(user_key, None)
        if changes:
            action = "organiser.added" if add else "organiser.removed"
            self._log(programme, None, by.key, action, user=user_key)
        return changes

    async def save_reference(
        self, programme: str, where: domain.ConversationRef, reference: Mapping[str, Any]
    ) -> None:
        self._channel_row(programme, where).reference = dict(reference)

    async def reference(
        self, programme: str, where: domain.ConversationRef
    ) -> dict[str, Any] | None:
        self._programme(programme)
        row = self._known_channel(programme, where)
        return dict(row.reference) if row is not None and row.reference else None

    async def set_organisers_channel(
        self, programme: str, where: domain.ConversationRef, by: domain.Participant
    ) -> None:
        self._programme(programme).organisers_channel = domain.ConversationRef(
            where.platform, where.workspace_id, where.channel_id, where.channel_name
        )
        self._log(programme, None, by.key, "organisers.channel", channel=where.channel_id)

    async def organisers_channel(self, programme: str) -> domain.ConversationRef | None:
        known = self._programmes.get(programme)
        return known.organisers_channel if known is not None else None
