"""What every in-memory role shares: the programmes and their channels, as `storage.store`
shares them between the SQL roles, so that one role sees what another wrote."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core import domain
from bot.core.ports import Clock


@dataclass
class ProgrammeRow:
    name: str
    default_audience: str
    organisers: set[str] = field(default_factory=set)
    organisers_channel: domain.ConversationRef | None = None


@dataclass
class ChannelRow:
    id: int
    name: str
    audience: str | None = None
    reference: dict[str, Any] | None = None


@dataclass(frozen=True)
class PromptRow:
    programme: str
    place: tuple[str, str, str]
    prompt: domain.PostedPrompt


@dataclass(frozen=True)
class PostRow:
    programme: str
    anchor: domain.Anchor
    message: domain.PostedMessage


def place(where: domain.ConversationRef | domain.PostedMessage) -> tuple[str, str, str]:
    """A channel's identity on its platform, whatever its name or thread."""
    return where.platform, where.workspace_id, where.channel_id


class Memory:
    """The base of every in-memory role (`tests.fakes.people`, …); `tests.fakes.repository`
    joins the roles over one Memory, as `storage.repository` joins the SQL ones."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._ids = itertools.count(1)  # one sequence for every row: ids only need to differ
        self._programmes: dict[str, ProgrammeRow] = {}
        self._channels: dict[tuple[str, tuple[str, str, str]], ChannelRow] = {}
        self._prompts: dict[int, PromptRow] = {}
        self._posts: dict[tuple[str, str, str, str], PostRow] = {}  # by the message posted
        self._drafts: dict[int, tuple[domain.NewIdea, datetime]] = {}  # id → (draft, saved at)
        self._done: dict[tuple[str, str], datetime] = {}  # (platform, event id) → handled at
        self._held: dict[tuple[str, str], datetime] = {}  # … → claimed at

    async def close(self) -> None:
        """Nothing to release: here so a test can close either store the same way."""

    def _next_id(self) -> int:
        return next(self._ids)

    def _programme(self, key: str) -> ProgrammeRow:
        found = self._programmes.get(key)
        if found is None:
            raise LookupError(f"programme {key!r} does not exist; call ensure_programme first")
        return found

    def _known_channel(self, programme: str, where: domain.ConversationRef) -> ChannelRow | None:
        return self._channels.get((programme, place(where)))

    def _channel_row(self, programme: str, where: domain.ConversationRef) -> ChannelRow:
        """The channel, registering it (or its new name, when one is given) when needed."""
        self._programme(programme)
        row = self._known_channel(programme, where)
        if row is None:
            row = ChannelRow(self._next_id(), where.channel_name)
            self._channels[(programme, place(where))] = row
        elif where.channel_name:
            row.name = where.channel_name
        return row

    def _channel(self, programme: str, where: domain.ConversationRef) -> domain.Channel:
        row = self._channel_row(programme, where)
        audience = row.audience or self._programme(programme).default_audience
        return domain.Channel(*place(where), row.name or where.channel_id, audience)
