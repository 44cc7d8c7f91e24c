"""The storage role of the Lab day's steps: where the programme stands, what participants add
and back, evidence reactions and the synthesis (`storage.agenda` implements it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from bot.core.agenda import Backed, Contribution, Kind, Reaction, Standing, Synthesis, Tally
from bot.core.domain import ConversationRef, Participant


class AgendaStore(Protocol):
    """Each method is one transaction; backings and reactions count once per person (a unique
    key), however many processes take the clicks."""

    async def standing(self, programme: str) -> Standing:
        """The programme's step, each channel's own step, and whether it is closed."""

    async def move_to(
        self, programme: str, where: ConversationRef | None, step: str, by: Participant
    ) -> None:
        """Move one channel (`where`) or, with None, the whole programme and every channel."""

    async def programme_channels(self, programme: str) -> Sequence[ConversationRef]:
        """Every channel the programme knows, for a card that goes to all of them."""

    async def set_closed(self, programme: str, closed: bool, by: Participant) -> bool:
        """Close (or reopen) the programme as a whole; False when that changed nothing."""

    async def contribute(
        self,
        programme: str,
        kind: Kind,
        text: str,
        theme_key: str | None,
        who: Participant,
        where: ConversationRef,
    ) -> Contribution:
        """Store a hope, risk or challenge under the kind's next number, with the channel's
        audience."""

    async def contribution(
        self, programme: str, kind: Kind, number: int
    ) -> Contribution | None: ...

    async def contributions(self, programme: str, kind: Kind) -> Sequence[Contribution]:
        """Every contribution of a kind, in the order written, with its backers by audience."""

    async def back(
        self, programme: str, kind: Kind, number: int, who: Participant, where: ConversationRef
    ) -> Backed:
        """Back a contribution once; ALREADY when this person backs it already."""

    async def promote(
        self, programme: str, number: int, by: Participant, first_index: int
    ) -> int | None:
        """Promote challenge `number` to the next place among its theme's challenges, counting
        from `first_index` (the playbook's own come first); that place, or None if it was
        promoted before."""

    async def promoted(self, programme: str) -> Sequence[Contribution]:
        """Promoted challenges, by theme, in the order of their places among its challenges."""

    async def react(
        self,
        programme: str,
        evidence: str,
        reaction: Reaction,
        who: Participant,
        where: ConversationRef,
        comment: str | None,
    ) -> bool:
        """Count one reaction per person, item and kind (True when new); a comment given
        replaces the person's earlier comment on it."""

    async def tallies(self, programme: str) -> Mapping[str, Tally]:
        """Reactions by evidence key."""

    async def save_synthesis(
        self, programme: str, text: str, by: Participant, publish: bool
    ) -> Synthesis: ...

    async def synthesis(self, programme: str) -> Synthesis | None: ...
