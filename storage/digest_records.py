"""Digest subscriptions, the claim that sends each digest once, and their figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from bot.core import domain
from bot.core.brief import BriefFigures
from bot.core.digest import DigestFigures
from bot.core.schedule import Schedule
from bot.metrics import DIGESTS
from storage import brief_figures, digest_figures, digests
from storage import models as m
from storage.store import Store


class SqlDigests(Store):
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
        def tx(conn: Connection) -> domain.Subscription:
            pid = self._programme_id(conn, programme)
            channel_id = self._channel_row(conn, pid, where)[0]
            plan = {
                **schedule.columns(),
                "next_run_at": next_run_at,
                "state": domain.SubscriptionState.ACTIVE.value,
                "problem": None,
            }
            now = self._clock.now()
            stmt = self._insert(m.DigestSubscription).values(
                programme_id=pid,
                channel_id=channel_id,
                period_start=since,
                created_by=by.key,
                created_at=now,
                **plan,
            )
            conn.execute(stmt.on_conflict_do_update(index_elements=["channel_id"], set_=plan))
            self._log(
                conn,
                pid,
                None,
                by.key,
                "digest.scheduled",
                channel=where.channel_id,
                schedule=schedule.typed(),
            )
            return digests.subscription(self._subscription_row(conn, pid, where))

        return await self._write(tx)

    def _subscription_row(self, conn: Connection, pid: int, where: domain.ConversationRef) -> Any:
        return conn.execute(
            digests.subscriptions().where(
                m.DigestSubscription.programme_id == pid,
                m.Channel.platform == where.platform,
                m.Channel.workspace_id == where.workspace_id,
                m.Channel.channel_id == where.channel_id,
            )
        ).first()

    async def subscription(
        self, programme: str, where: domain.ConversationRef
    ) -> domain.Subscription | None:
        def tx(conn: Connection) -> domain.Subscription | None:
            row = self._subscription_row(conn, self._programme_id(conn, programme), where)
            return digests.subscription(row) if row else None

        return await self._read(tx)

    async def unsubscribe(
        self, programme: str, where: domain.ConversationRef, by: domain.Participant
    ) -> bool:
        def tx(conn: Connection) -> bool:
            pid = self._programme_id(conn, programme)
            row = self._subscription_row(conn, pid, where)
            if row is None:
                return False
            conn.execute(delete(m.DigestSubscription).where(m.DigestSubscription.id == row.id))
            self._log(conn, pid, None, by.key, "digest.off", channel=where.channel_id)
            return True

        return await self._write(tx)

    async def lose_access(
        self, programme: str, where: domain.ConversationRef, whole_workspace: bool, problem: str
    ) -> Sequence[domain.Subscription]:
        def tx(conn: Connection) -> list[domain.Subscription]:
            pid = self._programme_id(conn, programme)
            place = [
                m.Channel.programme_id == pid,
                m.Channel.platform == where.platform,
                m.Channel.workspace_id == where.workspace_id,
            ]
            if not whole_workspace:
                place.append(m.Channel.channel_id == where.channel_id)
            channels = select(m.Channel.id).where(*place).scalar_subquery()
            conn.execute(update(m.Channel).where(m.Channel.id.in_(channels)).values(reference=None))
            active = m.DigestSubscription.state == domain.SubscriptionState.ACTIVE.value
            rows = conn.execute(digests.subscriptions().where(*place, active)).all()
            stopped = [row.id for row in rows]
            if stopped:
                conn.execute(
                    update(m.DigestSubscription)
                    .where(m.DigestSubscription.id.in_(stopped))
                    .values(state=domain.SubscriptionState.STOPPED.value, problem=problem)
                )
            return [replace(digests.subscription(row), problem=problem) for row in rows]

        return await self._write(tx)

    async def restart_period(self, subscription_id: int, since: datetime) -> None:
        def tx(conn: Connection) -> None:
            conn.execute(
                update(m.DigestSubscription)
                .where(m.DigestSubscription.id == subscription_id)
                .values(period_start=since)
            )

        await self._write(tx)

    async def due_digests(self, now: datetime) -> Sequence[domain.Subscription]:
        def tx(conn: Connection) -> list[domain.Subscription]:
            rows = conn.execute(
                digests.subscriptions()
                .where(
                    m.DigestSubscription.state == domain.SubscriptionState.ACTIVE.value,
                    m.DigestSubscription.next_run_at <= now,
                )
                .order_by(m.DigestSubscription.next_run_at, m.DigestSubscription.id)
            )
            return [digests.subscription(row) for row in rows]

        return await self._read(tx)

    async def claim_digest(
        self, subscription: domain.Subscription, until: datetime, next_run_at: datetime
    ) -> domain.DigestRun | None:
        def tx(conn: Connection) -> domain.DigestRun | None:
            return digests.claim(conn, subscription, until, next_run_at, self._clock.now())

        return await self._write(tx)

    async def reclaim_failed_digests(
        self, max_attempts: int, lapsed: domain.Lapse | None = None
    ) -> Sequence[domain.DigestRun]:
        def tx(conn: Connection) -> list[domain.DigestRun]:
            return digests.reclaim_failed(conn, max_attempts, lapsed, self._clock.now())

        return await self._write(tx)

    async def finish_digest(
        self, run: domain.DigestRun, outcome: domain.RunOutcome, problem: str | None = None
    ) -> None:
        def tx(conn: Connection) -> None:
            digests.finish(conn, run, outcome, problem, self._clock.now())

        await self._write(tx)
        DIGESTS.labels(outcome.value).inc()

    async def digest_figures(
        self, programme: str, since: datetime, until: datetime
    ) -> DigestFigures:
        def tx(conn: Connection) -> DigestFigures:
            return digest_figures.figures(conn, self._programme_id(conn, programme), since, until)

        return await self._read(tx)

    async def record_brief(
        self, programme: str, at: datetime, route: str, via: str
    ) -> datetime | None:
        def tx(conn: Connection) -> datetime | None:
            return brief_figures.record(conn, self._programme_id(conn, programme), at, route, via)

        return await self._write(tx)

    async def brief_figures(self, programme: str, since: datetime, until: datetime) -> BriefFigures:
        def tx(conn: Connection) -> BriefFigures:
            pid = self._programme_id(conn, programme)
            return brief_figures.figures(conn, pid, since, until)

        return await self._read(tx)
