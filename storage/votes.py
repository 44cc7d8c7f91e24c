"""Votes, unvotes and Vote-button clicks, counted in batches (`storage.ballots`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core import domain
from bot.core.ballots import Ballot, Kind, tells_tally
from bot.core.domain import VoteResult
from bot.core.ports import Clock
from bot.metrics import BALLOTS, BATCH_SIZE
from storage import ballots
from storage.batcher import Batcher
from storage.store import Store


def _place_order(where: domain.ConversationRef) -> tuple[str, str, str]:
    return where.platform, where.workspace_id, where.channel_id


class SqlVotes(Store):
    """Implements `bot.core.ports.VoteStore`."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        super().__init__(engine, clock)
        self._ballots: Batcher[str, Ballot, VoteResult] = Batcher(
            self._count, self._side_by_side, queue="votes"
        )

    async def close(self) -> None:
        await self._ballots.idle()
        await super().close()

    async def vote(
        self,
        programme: str,
        number: int,
        voter: domain.Participant,
        where: domain.ConversationRef,
        budget: int,
        tally: bool = False,
    ) -> VoteResult:
        ballot = Ballot(Kind.CAST, number, voter, where, budget, tally)
        return await self._ballots.submit(programme, ballot)

    async def unvote(
        self, programme: str, number: int, voter: domain.Participant, tally: bool = False
    ) -> VoteResult:
        ballot = Ballot(Kind.RETRACT, number, voter, tally=tally)
        return await self._ballots.submit(programme, ballot)

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
        return await self._ballots.submit(programme, ballot)

    async def _count(self, programme: str, batch: list[Ballot]) -> list[VoteResult]:
        """One batch of votes and unvotes (see `storage.ballots`)."""

        def tx(conn: Connection) -> list[VoteResult]:
            pid = self._programme_id(conn, programme)
            voters = self._participant_ids(conn, {b.voter for b in batch})
            # Channels are registered in one order in every process, like people: no deadlocks.
            places = sorted({b.where for b in batch if b.where is not None}, key=_place_order)
            audiences = {where: self._channel_row(conn, pid, where)[2] for where in places}
            now = self._clock.now()
            results = ballots.count(conn, self._dialect, pid, now, batch, voters, audiences)
            told = [tells_tally(b, r) for b, r in zip(batch, results, strict=True)]
            wanted = {r.number for r, tell in zip(results, told, strict=True) if tell and r.number}
            if not wanted:
                return results
            ideas = {i.number: i for i in self._ideas(conn, pid, numbers=wanted)}
            return [
                replace(r, idea=ideas.get(r.number)) if tell and r.number else r
                for r, tell in zip(results, told, strict=True)
            ]

        results = await self._write(tx)
        BATCH_SIZE.labels("votes").observe(len(batch))
        for result in results:
            BALLOTS.labels(result.outcome.value).inc()
        return results
