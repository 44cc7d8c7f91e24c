"""What every in-memory role shares: the programmes and their channels, as `storage.store`
shares them between the SQL roles, so that one role sees what another wrote."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core import domain
from bot.core.nudges import AskKind, AskSchedule, NewNudge, PhaseSchedule
from bot.core.ports import Clock


@dataclass
class ProgrammeRow:
    name: str
    default_audience: str
    organisers: dict[str, str] = field(default_factory=dict)  # user key → who added them
    organisers_channel: domain.ConversationRef | None = None


@dataclass
class ChannelRow:
    id: int
    name: str
    audience: str | None = None
    reference: dict[str, Any] | None = None


@dataclass
class IdeaRow:
    """An idea as stored: its channel by identity (its name is read at the time), its author
    by platform id (their latest display name likewise)."""

    id: int
    programme: str
    number: int
    new: domain.NewIdea
    author_id: int
    audience: str
    created_at: datetime
    text: str
    assignment: domain.Assignment | None = None
    assigned_at: datetime | None = None
    assigned_by: int | None = None
    status: domain.Status | None = None
    owner: str | None = None
    merged_into: int | None = None  # the id of the idea it became part of
    hidden: bool = False
    challenge: int | None = None  # its prompt's challenge, or where it was re-filed


@dataclass
class ProposalRow:
    said: domain.Assignment
    audience: str
    proposed_at: datetime
    seq: int  # the order first proposed, which breaks ties between equal counts


@dataclass
class EmergingRow:
    emerging: domain.Emerging
    added_by: int


@dataclass
class ProposedThemeRow:
    number: int
    label: str
    numbers: list[int]
    emerging_key: str | None
    state: domain.ThemeState


@dataclass
class TagRow:
    tagged_by: int
    tagged_at: datetime
    seq: int


@dataclass(frozen=True)
class VoteRow:
    audience: str
    platform: str
    cast_at: datetime


@dataclass
class NoteRow:
    idea_id: int
    note: domain.ActionNote


@dataclass
class FlagRow:
    idea_id: int
    person_id: int
    reason: str | None
    flagged_at: datetime
    open: bool = True


@dataclass
class RunRow:
    run: domain.DigestRun
    outcome: domain.RunOutcome = domain.RunOutcome.CLAIMED
    claimed_at: datetime | None = None

    def lapsed(self, lapse: domain.Lapse | None) -> bool:
        return lapsed(self.outcome is domain.RunOutcome.CLAIMED, self.claimed_at, lapse)


def lapsed(claimed: bool, claimed_at: datetime | None, lapse: domain.Lapse | None) -> bool:
    """A claim taken within `lapse` and never finished."""
    return (
        claimed
        and lapse is not None
        and claimed_at is not None
        and lapse.since <= claimed_at < lapse.before
    )


@dataclass
class PromptRow:
    programme: str
    place: tuple[str, str, str]
    prompt: domain.PostedPrompt
    posted_by: int


@dataclass
class DraftRow:
    new: domain.NewIdea
    author_id: int
    saved_at: datetime


@dataclass
class PhaseRow:
    phase: domain.Phase
    changed_by: str


@dataclass(frozen=True)
class PostRow:
    programme: str
    anchor: domain.Anchor
    message: domain.PostedMessage


@dataclass
class PhaseScheduleRow:
    schedule: PhaseSchedule
    reminded: bool = False
    applied: bool = False


@dataclass
class NudgeRow:
    new: NewNudge
    id: int
    state: str = "queued"
    not_before: datetime | None = None  # a retry's; else the nudge's own
    attempts: int = 0
    outcome: str | None = None
    claimed_at: datetime | None = None

    def lapsed(self, lapse: domain.Lapse | None) -> bool:
        return lapsed(self.state == "claimed", self.claimed_at, lapse)


@dataclass
class PersonNudgeRow:
    muted: bool = False
    notified: bool = False
    personal: domain.ConversationRef | None = None


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
        self._drafts: dict[int, DraftRow] = {}
        self._people: dict[tuple[str, str], tuple[int, str]] = {}  # (platform, user) → id, name
        self._ideas: dict[int, IdeaRow] = {}  # by id, in the order stored
        self._last_number: dict[str, int] = {}
        self._votes: dict[tuple[int, int], VoteRow] = {}  # (idea id, voter id) → the vote
        self._used: dict[tuple[str, int, str], int] = {}  # (programme, voter id, theme) → in use
        self._phases: dict[str, dict[str, PhaseRow]] = {}  # programme → theme → phase
        self._notes: list[NoteRow] = []
        self._flags: list[FlagRow] = []  # in the order flagged
        self._subscriptions: dict[int, domain.Subscription] = {}  # by id; one per channel
        self._subscribed_by: dict[int, str] = {}  # subscription id → who set it up
        self._runs: dict[int, RunRow] = {}  # by id, in the order claimed
        self._briefs: dict[str, list[tuple[datetime, str, str]]] = {}  # (made at, route, via)
        self._history: dict[str, list[domain.HistoryEntry]] = {}  # programme → entries
        self._done: dict[tuple[str, str], datetime] = {}  # (platform, event id) → handled at
        self._held: dict[tuple[str, str], datetime] = {}  # … → claimed at
        self._proposals: dict[tuple[int, int], ProposalRow] = {}  # (idea id, person id) → …
        self._emerging: dict[str, list[EmergingRow]] = {}  # programme → added, in order
        self._tags: dict[tuple[int, str], TagRow] = {}  # (idea id, emerging key) → …
        self._proposed_themes: dict[str, list[ProposedThemeRow]] = {}  # programme → by number
        # (programme, theme, challenge index) → the question of a promoted proposed challenge
        self._proposed_challenges: dict[tuple[str, str, int], str] = {}
        self._schedules: dict[int, PhaseScheduleRow] = {}  # phase changes set for later
        self._nudges: dict[int, NudgeRow] = {}  # by id, in the order queued
        self._muted: dict[tuple[str, tuple[str, str, str]], str] = {}  # channel → muted by
        self._person_nudges: dict[tuple[str, str], PersonNudgeRow] = {}  # (programme, person)
        self._asks: dict[tuple[str, tuple[str, str, str], AskKind], AskSchedule] = {}
        # (programme, round, idea number) → [who was asked, when they answered]
        self._follow_ups: dict[tuple[str, datetime, int], list[Any]] = {}

    async def close(self) -> None:
        """Nothing to release: here so a test can close either store the same way."""

    def _next_id(self) -> int:
        return next(self._ids)

    def _programme(self, key: str) -> ProgrammeRow:
        found = self._programmes.get(key)
        if found is None:
            raise LookupError(f"programme {key!r} does not exist; call ensure_programme first")
        return found

    def _person(self, who: domain.Participant) -> int:
        """The participant's id, registering them (or their new display name) when needed."""
        key = (who.platform, who.user_id)
        known = self._people.get(key)
        if known is None:
            self._people[key] = (self._next_id(), who.display_name)
        elif who.display_name:
            self._people[key] = (known[0], who.display_name)
        return self._people[key][0]

    def _participant(self, person_id: int) -> domain.Participant:
        return next(
            domain.Participant(platform, user_id, name)
            for (platform, user_id), (found, name) in self._people.items()
            if found == person_id
        )

    def _log(
        self, programme: str, number: int | None, by: str, action: str, **detail: object
    ) -> None:
        """Record a state change, as storage does in the same transaction as the change."""
        entry = domain.HistoryEntry(number, by, action, detail, self._clock.now())
        self._history.setdefault(programme, []).append(entry)

    def _idea_row(self, programme: str, number: int) -> IdeaRow | None:
        self._programme(programme)
        return next(
            (r for r in self._ideas.values() if r.programme == programme and r.number == number),
            None,
        )

    def _idea_rows(self, programme: str) -> list[IdeaRow]:
        self._programme(programme)
        return [row for row in self._ideas.values() if row.programme == programme]

    def _idea(self, row: IdeaRow) -> domain.Idea:
        """The idea as the plan shows it: votes by audience, credits, latest note."""
        votes: dict[str, int] = {}
        for (idea_id, _), vote in self._votes.items():
            if idea_id == row.id:
                votes[vote.audience] = votes.get(vote.audience, 0) + 1
        merged = sorted(
            (r for r in self._ideas.values() if r.merged_into == row.id), key=lambda r: r.number
        )
        notes = [n.note for n in self._notes if n.idea_id == row.id]
        channel = self._channels[(row.programme, place(row.new.where))]
        suggestion = row.new.suggestion
        return domain.Idea(
            number=row.number,
            text=row.text,
            theme_key=row.new.theme_key,
            author=self._participant(self._author_id(row)),
            platform=row.new.where.platform,
            channel_name=channel.name or row.new.where.channel_id,
            audience=row.audience,
            created_at=row.created_at,
            prompt_id=row.new.prompt_id,
            challenge=row.challenge,
            proposed_challenge=(
                None
                if row.challenge is None
                else self._proposed_challenges.get(
                    (row.programme, row.new.theme_key, row.challenge)
                )
            ),
            assignment=row.assignment,
            votes_by_audience=votes,
            merged_into=self._ideas[row.merged_into].number if row.merged_into else None,
            merged=tuple(
                domain.MergedIdea(r.number, self._participant(self._author_id(r))) for r in merged
            ),
            suggestion=domain.Assignment(suggestion.actor_key, suggestion.style_key)
            if suggestion
            else None,
            suggested_because=row.new.suggested_because,
            status=row.status,
            owner=row.owner,
            latest_note=notes[-1] if notes else None,
            hidden=row.hidden,
            proposals=self._proposals_of(row.id),
            emerging=tuple(
                key
                for (idea_id, key), tag in sorted(
                    self._tags.items(), key=lambda item: (item[1].tagged_at, item[0][1])
                )
                if idea_id == row.id
            ),
        )

    def _proposals_of(self, idea_id: int) -> tuple[domain.Proposal, ...]:
        """Proposals tallied by what was proposed: most first, then the first proposed."""
        counts: dict[domain.Assignment, tuple[int, int]] = {}
        for (proposed_for, _), p in self._proposals.items():
            if proposed_for == idea_id:
                count, first = counts.get(p.said, (0, p.seq))
                counts[p.said] = (count + 1, min(first, p.seq))
        ranked = sorted(counts.items(), key=lambda item: (-item[1][0], item[1][1]))
        return tuple(domain.Proposal(said, count) for said, (count, _) in ranked)

    def _author_id(self, row: IdeaRow) -> int:
        return row.author_id

    def _refund(self, programme: str, voter_ids: list[int], theme_key: str) -> None:
        for voter in voter_ids:
            key = (programme, voter, theme_key)
            if key in self._used:
                self._used[key] -= 1

    def _spend(self, programme: str, voter_id: int, theme_key: str, budget: int) -> int | None:
        """Take one vote from the voter's budget for the theme; None when none is left."""
        key = (programme, voter_id, theme_key)
        used = self._used.get(key)
        if used is not None and used >= budget:
            return None
        self._used[key] = (used or 0) + 1  # a first vote is taken whatever the budget, as in SQL
        return self._used[key]

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
