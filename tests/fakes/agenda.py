"""The Lab day's steps in memory (`storage.agenda`): agenda positions, contributions and their
backings, evidence reactions and the synthesis."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.core import domain
from bot.core.agenda import (
    Backed,
    Contribution,
    Kind,
    Reaction,
    Standing,
    Synthesis,
    Tally,
    promotion_order,
)
from bot.core.ports import Clock
from tests.fakes.memory import Memory, place


@dataclass
class DayRow:
    step: str | None = None
    closed_at: datetime | None = None
    synthesis: Synthesis | None = None
    channels: dict[tuple[str, str, str], str] = field(default_factory=dict)
    contributions: list[Contribution] = field(default_factory=list)
    # (kind, number, person) → (audience, when)
    backings: dict[tuple[Kind, int, int], tuple[str, datetime]] = field(default_factory=dict)
    promoted: dict[int, int] = field(default_factory=dict)  # challenge number → its place
    # (evidence, reaction, person) → (audience, comment, when)
    reactions: dict[tuple[str, str, int], tuple[str, str | None, datetime]] = field(
        default_factory=dict
    )


class MemoryAgenda(Memory):
    """Implements `bot.core.agenda_store.AgendaStore`."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(clock)
        self._days: dict[str, DayRow] = {}

    def _day(self, programme: str) -> DayRow:
        self._programme(programme)
        return self._days.setdefault(programme, DayRow())

    async def standing(self, programme: str) -> Standing:
        day = self._day(programme)
        channels = {
            key: (step, self._channels[(programme, key)].name or key[2])
            for key, step in day.channels.items()
        }
        return Standing(day.step, channels, day.closed_at)

    async def move_to(
        self,
        programme: str,
        where: domain.ConversationRef | None,
        step: str,
        by: domain.Participant,
    ) -> None:
        day = self._day(programme)
        if where is None:
            day.step = step
            day.channels.clear()
            self._log(programme, None, by.key, "agenda.moved", step=step, scope="programme")
            return
        self._channel_row(programme, where)
        day.channels[place(where)] = step
        self._log(programme, None, by.key, "agenda.moved", step=step, channel=where.channel_id)

    async def programme_channels(self, programme: str) -> Sequence[domain.ConversationRef]:
        self._programme(programme)
        return [
            domain.ConversationRef(*key, row.name)
            for (owner, key), row in sorted(self._channels.items(), key=lambda kv: kv[1].id)
            if owner == programme
        ]

    async def set_closed(self, programme: str, closed: bool, by: domain.Participant) -> bool:
        day = self._day(programme)
        if (day.closed_at is not None) == closed:
            return False
        day.closed_at = self._clock.now() if closed else None
        self._log(programme, None, by.key, "programme.closed" if closed else "programme.reopened")
        return True

    async def contribute(
        self,
        programme: str,
        kind: Kind,
        text: str,
        theme_key: str | None,
        who: domain.Participant,
        where: domain.ConversationRef,
    ) -> Contribution:
        day = self._day(programme)
        self._person(who)
        audience = self._channel(programme, where).audience
        number = 1 + max((c.number for c in day.contributions if c.kind is kind), default=0)
        added = Contribution(kind, number, text, theme_key, who, audience, self._clock.now())
        day.contributions.append(added)
        return added

    def _with_backers(self, programme: str, found: Contribution) -> Contribution:
        day = self._day(programme)
        backers: dict[str, int] = {}
        for (kind, number, _), (audience, _when) in day.backings.items():
            if kind is found.kind and number == found.number:
                backers[audience] = backers.get(audience, 0) + 1
        return replace(found, backers=backers, challenge_index=day.promoted.get(found.number))

    async def contribution(self, programme: str, kind: Kind, number: int) -> Contribution | None:
        found = next(
            (c for c in self._day(programme).contributions if (c.kind, c.number) == (kind, number)),
            None,
        )
        return self._with_backers(programme, found) if found else None

    async def contributions(self, programme: str, kind: Kind) -> Sequence[Contribution]:
        return [
            self._with_backers(programme, c)
            for c in self._day(programme).contributions
            if c.kind is kind
        ]

    async def back(
        self,
        programme: str,
        kind: Kind,
        number: int,
        who: domain.Participant,
        where: domain.ConversationRef,
    ) -> Backed:
        day = self._day(programme)
        if await self.contribution(programme, kind, number) is None:
            return Backed.MISSING
        key = (kind, number, self._person(who))
        if key in day.backings:
            return Backed.ALREADY
        day.backings[key] = (self._channel(programme, where).audience, self._clock.now())
        return Backed.COUNTED

    async def promote(
        self, programme: str, number: int, by: domain.Participant, first_index: int
    ) -> int | None:
        day = self._day(programme)
        found = await self.contribution(programme, Kind.CHALLENGE, number)
        if found is None or found.promoted:
            return None
        places = [
            c.challenge_index or 0
            for c in await self.promoted(programme)
            if c.theme_key == found.theme_key
        ]
        index = max([first_index, *(i + 1 for i in places)])
        day.promoted[number] = index
        self._proposed_challenges[(programme, found.theme_key or "", index)] = found.text
        self._log(programme, None, by.key, "challenge.promoted", challenge=f"c{number}")
        return index

    async def promoted(self, programme: str) -> Sequence[Contribution]:
        found = await self.contributions(programme, Kind.CHALLENGE)
        return sorted((c for c in found if c.promoted), key=promotion_order)

    async def react(
        self,
        programme: str,
        evidence: str,
        reaction: Reaction,
        who: domain.Participant,
        where: domain.ConversationRef,
        comment: str | None,
    ) -> bool:
        day = self._day(programme)
        key = (evidence, reaction.value, self._person(who))
        known = day.reactions.get(key)
        if known is not None:
            if comment:
                day.reactions[key] = (known[0], comment, known[2])
            return False
        audience = self._channel(programme, where).audience
        day.reactions[key] = (audience, comment, self._clock.now())
        return True

    async def tallies(self, programme: str) -> Mapping[str, Tally]:
        day = self._day(programme)
        counts: dict[str, dict[str, dict[str, int]]] = {}
        comments: dict[str, list[tuple[datetime, str, str]]] = {}
        for (evidence, reaction, _), (audience, comment, when) in day.reactions.items():
            by_audience = counts.setdefault(evidence, {}).setdefault(reaction, {})
            by_audience[audience] = by_audience.get(audience, 0) + 1
            if comment is not None:
                comments.setdefault(evidence, []).append((when, audience, comment))
        return {
            key: Tally(counts.get(key, {}), tuple((a, c) for _, a, c in sorted(comments[key])))
            if key in comments
            else Tally(counts.get(key, {}))
            for key in counts.keys() | comments.keys()
        }

    async def save_synthesis(
        self, programme: str, text: str, by: domain.Participant, publish: bool
    ) -> Synthesis:
        day = self._day(programme)
        now = self._clock.now()
        before = day.synthesis
        if publish:
            saved = Synthesis(text, by.key, now, now, text)
            self._log(programme, None, by.key, "synthesis.published")
        else:
            saved = Synthesis(
                text,
                by.key,
                now,
                before.published_at if before else None,
                before.published if before else None,
            )
        day.synthesis = saved
        return saved

    async def synthesis(self, programme: str) -> Synthesis | None:
        return self._day(programme).synthesis

    # ---- a participant's part in the day, for `my data` and `forget` (tests.fakes.personal) --

    def _writer_id(self, contribution: Contribution) -> int:
        return self._people[(contribution.author.platform, contribution.author.user_id)][0]

    def _own_entries(self, programme: str, person: int) -> tuple[dict[str, object], ...]:
        day = self._day(programme)
        written = [
            {
                "kind": c.kind.value,
                "id": c.ref,
                "text": c.text,
                "theme": c.theme_key,
                "at": c.created_at.isoformat(),
            }
            for c in day.contributions
            if self._writer_id(c) == person
        ]
        backed = [
            {"kind": "backing", "of": f"{kind.prefix}{number}", "at": when.isoformat()}
            for (kind, number, who), (_, when) in sorted(
                day.backings.items(), key=lambda kv: kv[1][1]
            )
            if who == person
        ]
        reacted = [
            {
                "kind": "reaction",
                "evidence": evidence,
                "reaction": reaction,
                "comment": comment,
                "at": when.isoformat(),
            }
            for (evidence, reaction, who), (_, comment, when) in sorted(
                day.reactions.items(), key=lambda kv: (kv[1][2], kv[0][0])
            )
            if who == person
        ]
        return (*written, *backed, *reacted)

    def _erase_own(self, programme: str, person: int) -> tuple[int, int]:
        """As storage.agenda.erase_own: (deleted, rows touched)."""
        day = self._day(programme)
        promoted = {(Kind.CHALLENGE, n) for n in day.promoted}
        gone = [
            c
            for c in day.contributions
            if self._writer_id(c) == person and (c.kind, c.number) not in promoted
        ]
        for c in gone:
            day.contributions.remove(c)
            for key in [k for k in day.backings if k[:2] == (c.kind, c.number)]:
                del day.backings[key]
        comments = 0
        for key, (audience, comment, when) in day.reactions.items():
            if key[2] == person and comment is not None:
                day.reactions[key] = (audience, None, when)
                comments += 1
        return len(gone), len(gone) + comments
