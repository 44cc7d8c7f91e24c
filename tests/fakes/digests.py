"""Digest subscriptions, the claim that sends each digest once, and their figures, in memory
(`storage.digest_records`, `storage.digests`, `storage.digest_figures`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.core import digest as d
from bot.core import domain
from bot.core.domain import RunOutcome, SubscriptionState
from bot.core.schedule import Schedule
from tests.fakes.memory import IdeaRow, Memory, RunRow, place


@dataclass(frozen=True)
class _Candidate:
    """An idea the digest may name (`bot.core.digest.Candidate`)."""

    row: IdeaRow
    votes: int
    is_new: bool

    @property
    def number(self) -> int:
        return self.row.number

    @property
    def theme_key(self) -> str:
        return self.row.new.theme_key

    @property
    def actor_key(self) -> str | None:
        return self.row.assignment.actor_key if self.row.assignment else None


class MemoryDigests(Memory):
    """Implements `bot.core.ports.DigestStore`."""

    async def subscribe(
        self,
        programme: str,
        where: domain.ConversationRef,
        schedule: Schedule,
        next_run_at: datetime,
        since: datetime,
        by: domain.Participant,
    ) -> domain.Subscription:
        self._channel_row(programme, where)
        known = self._subscription_of(programme, where)
        at = f"{schedule.at:%H:%M}"
        if known is None:
            sid = self._next_id()
            self._subscribed_by[sid] = by.key
            self._subscriptions[sid] = domain.Subscription(
                sid,
                programme,
                where,
                schedule.cadence.value,
                schedule.day,
                at,
                schedule.timezone,
                next_run_at,
                since,
            )
        else:
            sid = known.id
            self._subscriptions[sid] = replace(
                known,
                cadence=schedule.cadence.value,
                day=schedule.day,
                at=at,
                timezone=schedule.timezone,
                next_run_at=next_run_at,
                state=SubscriptionState.ACTIVE,
                problem=None,
            )
        self._log(
            programme,
            None,
            by.key,
            "digest.scheduled",
            channel=where.channel_id,
            schedule=schedule.typed(),
        )
        return self._current(self._subscriptions[sid])

    def _current(self, sub: domain.Subscription) -> domain.Subscription:
        """The subscription with its channel as named now, and no thread."""
        row = self._channels[(sub.programme, place(sub.where))]
        where = domain.ConversationRef(*place(sub.where), row.name or "")
        return replace(sub, where=where)

    def _subscription_of(
        self, programme: str, where: domain.ConversationRef
    ) -> domain.Subscription | None:
        self._programme(programme)
        return next(
            (
                self._current(s)
                for s in self._subscriptions.values()
                if s.programme == programme and place(s.where) == place(where)
            ),
            None,
        )

    async def subscription(
        self, programme: str, where: domain.ConversationRef
    ) -> domain.Subscription | None:
        return self._subscription_of(programme, where)

    async def unsubscribe(
        self, programme: str, where: domain.ConversationRef, by: domain.Participant
    ) -> bool:
        known = self._subscription_of(programme, where)
        if known is None:
            return False
        del self._subscriptions[known.id]
        del self._subscribed_by[known.id]
        self._log(programme, None, by.key, "digest.off", channel=where.channel_id)
        for run_id in [i for i, r in self._runs.items() if r.run.subscription.id == known.id]:
            del self._runs[run_id]
        return True

    async def lose_access(
        self, programme: str, where: domain.ConversationRef, whole_workspace: bool, problem: str
    ) -> Sequence[domain.Subscription]:
        self._programme(programme)

        def lost(key: tuple[str, str, str]) -> bool:
            return key[:2] == place(where)[:2] and (whole_workspace or key == place(where))

        for (owner, key), row in self._channels.items():
            if owner == programme and lost(key):
                row.reference = None
        stopped = [
            s
            for s in self._subscriptions.values()
            if s.programme == programme
            and lost(place(s.where))
            and s.state is SubscriptionState.ACTIVE
        ]
        for s in stopped:
            self._subscriptions[s.id] = replace(s, state=SubscriptionState.STOPPED, problem=problem)
        return [replace(self._current(s), problem=problem) for s in stopped]

    async def restart_period(self, subscription_id: int, since: datetime) -> None:
        known = self._subscriptions.get(subscription_id)
        if known is not None:
            self._subscriptions[subscription_id] = replace(known, period_start=since)

    async def due_digests(self, now: datetime) -> Sequence[domain.Subscription]:
        due = [
            s
            for s in self._subscriptions.values()
            if s.state is SubscriptionState.ACTIVE and s.next_run_at <= now
        ]
        return [self._current(s) for s in sorted(due, key=lambda s: (s.next_run_at, s.id))]

    async def claim_digest(
        self, subscription: domain.Subscription, until: datetime, next_run_at: datetime
    ) -> domain.DigestRun | None:
        known = self._subscriptions.get(subscription.id)
        if (
            known is None
            or known.next_run_at != subscription.next_run_at
            or known.state is not SubscriptionState.ACTIVE
        ):
            return None
        self._subscriptions[known.id] = replace(known, next_run_at=next_run_at, period_start=until)
        run = domain.DigestRun(
            self._next_id(),
            subscription,
            subscription.next_run_at,
            subscription.period_start,
            until,
            1,
        )
        self._runs[run.id] = RunRow(run)
        return run

    async def reclaim_failed_digests(self, max_attempts: int) -> Sequence[domain.DigestRun]:
        taken = []
        for row in self._runs.values():
            sub = self._subscriptions.get(row.run.subscription.id)
            if (
                row.outcome is RunOutcome.FAILED
                and row.run.attempts < max_attempts
                and sub is not None
                and sub.state is SubscriptionState.ACTIVE
            ):
                row.outcome = RunOutcome.CLAIMED
                row.run = replace(
                    row.run, subscription=self._current(sub), attempts=row.run.attempts + 1
                )
                taken.append(row.run)
        return taken

    async def finish_digest(
        self, run: domain.DigestRun, outcome: RunOutcome, problem: str | None = None
    ) -> None:
        row = self._runs.get(run.id)
        if row is not None:
            row.outcome = outcome
        sub = self._subscriptions.get(run.subscription.id)
        if outcome is RunOutcome.GONE and sub is not None:
            self._subscriptions[sub.id] = replace(
                sub, state=SubscriptionState.STOPPED, problem=problem
            )

    async def digest_figures(
        self, programme: str, since: datetime, until: datetime
    ) -> d.DigestFigures:
        def between(moment: datetime) -> bool:
            return since <= moment < until

        live = [r for r in self._idea_rows(programme) if r.merged_into is None and not r.hidden]
        ideas = {r.id: self._idea(r) for r in live}
        counts: dict[str, _Counts] = {}
        for r in live:
            theme = counts.setdefault(r.new.theme_key, _Counts())
            theme.ideas += 1
            theme.new_ideas += between(r.created_at)
            if r.assignment is None:
                theme.unassigned += 1
            else:
                actor = r.assignment.actor_key
                theme.cell_sizes[actor] = theme.cell_sizes.get(actor, 0) + 1
        for prompt in self._prompts.values():
            if prompt.programme == programme and between(prompt.prompt.posted_at):
                posted = counts.setdefault(prompt.prompt.theme_key, _Counts()).challenges
                posted.add(prompt.prompt.challenge_index)
        candidates = [_Candidate(r, ideas[r.id].votes, between(r.created_at)) for r in live]
        chosen = d.choose(candidates, counts)

        def named(found: Sequence[_Candidate]) -> tuple[d.DigestIdea, ...]:
            return tuple(_digest_idea(c.row, ideas[c.row.id]) for c in found)

        themes = {
            key: counts.get(key, _Counts()).figures(key, picks, named)
            for key, picks in chosen.themes.items()
        }
        participation, participants = self._participation(programme, between)
        merges = tuple(
            (e.number, int(str(e.detail["into"])))
            for e in self._history.get(programme, [])
            if e.action == "idea.merged" and between(e.at) and e.number and "into" in e.detail
        )
        return d.DigestFigures(
            since, until, participation, participants, themes, merges, named(chosen.unassigned)
        )

    def _participation(
        self, programme: str, between: Callable[[datetime], bool]
    ) -> tuple[tuple[d.Participation, ...], int]:
        """The period's ideas and votes by audience and platform, and the people behind them."""
        shown = {r.id: r for r in self._idea_rows(programme) if not r.hidden}
        acts: list[tuple[int, str, str, int, int]] = [
            (self._author_id(r), r.audience, r.new.where.platform, 1, 0)
            for r in shown.values()
            if between(r.created_at)
        ]
        acts += [
            (voter, vote.audience, vote.platform, 0, 1)
            for (idea_id, voter), vote in self._votes.items()
            if idea_id in shown and between(vote.cast_at)
        ]
        shares: dict[tuple[str, str], tuple[int, int, set[int]]] = {}
        for person, audience, platform, idea, vote in acts:
            ideas, votes, people = shares.get((audience, platform), (0, 0, set()))
            shares[(audience, platform)] = (ideas + idea, votes + vote, people | {person})
        found = tuple(
            d.Participation(a, p, ideas, votes, len(people))
            for (a, p), (ideas, votes, people) in sorted(shares.items())
        )
        return found, len({person for person, *_ in acts})


@dataclass
class _Counts:
    """One theme's counts for a digest."""

    ideas: int = 0
    new_ideas: int = 0
    unassigned: int = 0
    cell_sizes: dict[str, int] = field(default_factory=dict)
    challenges: set[int] = field(default_factory=set)

    def figures(
        self,
        key: str,
        picks: d.Picks[_Candidate],
        named: Callable[[Sequence[_Candidate]], tuple[d.DigestIdea, ...]],
    ) -> d.ThemeFigures:
        return d.ThemeFigures(
            theme_key=key,
            challenges_posted=tuple(sorted(self.challenges)),
            new_ideas=self.new_ideas,
            ideas=self.ideas,
            unassigned=self.unassigned,
            cell_sizes=dict(self.cell_sizes),
            top=named(picks.top),
            newest=named(picks.newest),
            cells={actor: named(found) for actor, found in picks.cells.items()},
        )


def _digest_idea(row: IdeaRow, idea: domain.Idea) -> d.DigestIdea:
    return d.DigestIdea(
        number=idea.number,
        text=idea.text,
        theme_key=idea.theme_key,
        created_at=idea.created_at,
        votes=idea.votes,
        votes_by_audience=idea.votes_by_audience,
        assignment=idea.assignment,
        assigned_at=row.assigned_at,
        status=idea.status,
    )
