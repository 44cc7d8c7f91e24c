"""Digest subscriptions, the claim that sends each digest once, and their figures, in memory
(`storage.digest_records`, `storage.digests`, `storage.digest_figures`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.core import digest as d
from bot.core import domain
from bot.core.brief import ACTIONS_SHOWN, BACKED_SHOWN, LIVE, BriefFigures, LiveAction
from bot.core.domain import RunOutcome, SubscriptionState
from bot.core.schedule import Schedule
from tests.fakes.memory import Memory, RunRow, place


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
        self._runs[run.id] = RunRow(run, claimed_at=self._clock.now())
        return run

    async def reclaim_failed_digests(
        self, max_attempts: int, lapsed: domain.Lapse | None = None
    ) -> Sequence[domain.DigestRun]:
        taken = []
        for row in self._runs.values():
            sub = self._subscriptions.get(row.run.subscription.id)
            if (
                (row.outcome is RunOutcome.FAILED or row.lapsed(lapsed))
                and row.run.attempts < max_attempts
                and sub is not None
                and sub.state is SubscriptionState.ACTIVE
            ):
                row.outcome, row.claimed_at = RunOutcome.CLAIMED, self._clock.now()
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
        ideas = {r.id: _digest_idea(self._idea(r)) for r in live}
        counts: dict[str, _Counts] = {}
        for r in live:
            theme = counts.setdefault(r.new.theme_key, _Counts())
            theme.ideas += 1
            theme.actions += r.assignment is not None
            if between(r.created_at):
                theme.new.append(ideas[r.id])
        for prompt in self._prompts.values():
            if prompt.programme == programme and between(prompt.prompt.posted_at):
                posted = counts.setdefault(prompt.prompt.theme_key, _Counts()).challenges
                posted.add(prompt.prompt.challenge_index)
        participation, participants = self._participation(programme, between)
        voters = await self.theme_voters(programme)  # type: ignore[attr-defined]
        return d.DigestFigures(
            since,
            until,
            participation,
            participants,
            {key: found.figures(key) for key, found in counts.items()},
            self._decisions(programme, between),
            d.most_backed(list(ideas.values()), voters),
        )

    async def record_brief(
        self, programme: str, at: datetime, route: str, via: str
    ) -> datetime | None:
        self._programme(programme)
        made = self._briefs.setdefault(programme, [])
        last = max((when for when, _, _ in made), default=None)
        made.append((at, route, via))
        return last

    async def brief_figures(self, programme: str, since: datetime, until: datetime) -> BriefFigures:
        def between(moment: datetime) -> bool:
            return since <= moment < until

        live = [r for r in self._idea_rows(programme) if r.merged_into is None and not r.hidden]
        grid: dict[str, dict[str, int]] = {}
        statuses: dict[str, int] = {}
        actions = []
        for r in live:
            actor = r.assignment.actor_key if r.assignment else ""
            cell = grid.setdefault(r.new.theme_key, {})
            cell[actor] = cell.get(actor, 0) + 1
            if r.assignment:
                status = r.status or domain.Status.PROPOSED
                statuses[status.value] = statuses.get(status.value, 0) + 1
                if status in LIVE:
                    actions.append(self._idea(r))
        actions.sort(key=lambda i: (-i.votes, i.number))
        voters = await self.theme_voters(programme)  # type: ignore[attr-defined]
        votes: dict[str, int] = {}
        for idea_id, _, _ in self._votes_of(programme, shown_only=True):  # type: ignore[attr-defined]
            theme = self._ideas[idea_id].new.theme_key
            votes[theme] = votes.get(theme, 0) + 1
        ideas = [_digest_idea(self._idea(r)) for r in live]
        return BriefFigures(
            since=since,
            new_ideas=sum(1 for r in live if between(r.created_at)),
            decisions=self._decisions(programme, between),
            grid=grid,
            statuses=statuses,
            live=tuple(
                LiveAction(
                    i.number,
                    i.text,
                    i.assignment.actor_key if i.assignment else "",
                    i.status,
                    i.owner,
                    i.latest_note.text if i.latest_note else None,
                    i.votes,
                )
                for i in actions[:ACTIONS_SHOWN]
            ),
            live_total=len(actions),
            backed=d.most_backed(ideas, voters, BACKED_SHOWN),
            votes_per_theme=votes,
        )

    def _decisions(
        self, programme: str, between: Callable[[datetime], bool]
    ) -> tuple[d.Decision, ...]:
        rows = {r.number: r for r in self._idea_rows(programme)}
        found = []
        for e in self._history.get(programme, []):
            row = rows.get(e.number or 0)
            if row is None or not between(e.at):
                continue
            notes = [
                n.note for n in self._notes if n.idea_id == row.id and between(n.note.created_at)
            ]
            note = notes[-1].text if notes else None
            found.append(d.decision(e.action, row.number, e.detail, e.at, row.text, note))
        return d.latest_each([x for x in found if x is not None])

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
    actions: int = 0
    new: list[d.DigestIdea] = field(default_factory=list)
    challenges: set[int] = field(default_factory=set)

    def figures(self, key: str) -> d.ThemeFigures:
        return d.ThemeFigures(
            theme_key=key,
            challenges_posted=tuple(sorted(self.challenges)),
            new_ideas=len(self.new),
            ideas=self.ideas,
            actions=self.actions,
            newest=d.newest(self.new),
        )


def _digest_idea(idea: domain.Idea) -> d.DigestIdea:
    return d.DigestIdea(
        number=idea.number,
        text=idea.text,
        theme_key=idea.theme_key,
        votes=idea.votes,
        votes_by_audience=idea.votes_by_audience,
    )
