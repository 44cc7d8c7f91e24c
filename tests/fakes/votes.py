"""Votes, unvotes and Vote-button clicks, in memory (`storage.votes`): one ballot at a time,
decided by the core's rule (`bot.core.ballots.decide`) over what memory holds."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.core import domain
from bot.core.ballots import Ballot, Kind, Snapshot, Target, decide, tells_tally
from bot.core.domain import VoteResult
from tests.fakes.memory import Memory, VoteRow


class MemoryVotes(Memory):
    """Implements `bot.core.ports.VoteStore`."""

    async def vote(
        self,
        programme: str,
        number: int,
        voter: domain.Participant,
        where: domain.ConversationRef,
        budget: int,
        tally: bool = False,
    ) -> VoteResult:
        return self._count(programme, Ballot(Kind.CAST, number, voter, where, budget, tally))

    async def unvote(
        self, programme: str, number: int, voter: domain.Participant, tally: bool = False
    ) -> VoteResult:
        return self._count(programme, Ballot(Kind.RETRACT, number, voter, tally=tally))

    async def toggle(
        self,
        programme: str,
        number: int,
        voter: domain.Participant,
        where: domain.ConversationRef,
        budget: int,
        at: datetime,
        double_click: timedelta,
    ) -> VoteResult:
        ballot = Ballot(Kind.TOGGLE, number, voter, where, budget, at=at, double_click=double_click)
        return self._count(programme, ballot)

    def _count(self, programme: str, ballot: Ballot) -> VoteResult:
        """Read the snapshot the rule needs, decide, write what it decided."""
        voter = self._person(ballot.voter)
        audiences = {}
        if ballot.where is not None:
            audiences[ballot.where] = self._channel(programme, ballot.where).audience
        named = self._idea_row(programme, ballot.number)
        row = self._ideas[named.merged_into] if named and named.merged_into else named
        targets = {}
        if row is not None:
            targets[ballot.number] = Target(row.id, row.number, row.new.theme_key, row.hidden)
        phases = self._phases.get(programme, {})
        closed = frozenset(t for t, row in phases.items() if row.phase is domain.Phase.CLOSED)
        used = {
            (v, theme): n
            for (p, v, theme), n in self._used.items()
            if p == programme and v == voter
        }
        votes = {key: vote.cast_at for key, vote in self._votes.items() if key[1] == voter}
        snapshot = Snapshot(targets, {ballot.voter: voter}, audiences, closed, used, votes)
        decision = decide([ballot], snapshot, self._clock.now())
        for key in decision.removed:
            del self._votes[key]
        for key, new in decision.added.items():
            self._votes[key] = VoteRow(new.audience, new.platform, new.cast_at)
        for (v, theme), n in decision.used.items():
            self._used[(programme, v, theme)] = n
        result = decision.results[0]
        if row is None or not tells_tally(ballot, result) or not result.number:
            return result
        return replace(result, idea=self._idea(row))
