"""Digest subscriptions and the claim that sends each digest once (the figures are
`storage.digest_figures`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    insert,
    or_,
    select,
    update,
)

from bot.core import domain
from bot.core.domain import RunOutcome, SubscriptionState
from storage import models as m
from storage.database import as_utc as utc

SUBSCRIPTION_COLUMNS = (
    m.DigestSubscription.id,
    m.DigestSubscription.cadence,
    m.DigestSubscription.day,
    m.DigestSubscription.at,
    m.DigestSubscription.timezone,
    m.DigestSubscription.next_run_at,
    m.DigestSubscription.period_start,
    m.DigestSubscription.state,
    m.DigestSubscription.problem,
    m.Programme.key.label("programme"),
    m.Channel.platform,
    m.Channel.workspace_id,
    m.Channel.channel_id.label("channel_key"),
    m.Channel.name.label("channel_name"),
)


def subscriptions() -> Any:
    """Subscriptions with their programme and channel, for `where` clauses to narrow."""
    return (
        select(*SUBSCRIPTION_COLUMNS)
        .join(m.Programme, m.Programme.id == m.DigestSubscription.programme_id)
        .join(m.Channel, m.Channel.id == m.DigestSubscription.channel_id)
    )


def subscription(row: Any) -> domain.Subscription:
    return domain.Subscription(
        id=row.id,
        programme=row.programme,
        where=domain.ConversationRef(
            row.platform, row.workspace_id, row.channel_key, row.channel_name or ""
        ),
        cadence=row.cadence,
        day=row.day,
        at=row.at,
        timezone=row.timezone,
        next_run_at=utc(row.next_run_at),
        period_start=utc(row.period_start),
        state=SubscriptionState(row.state),
        problem=row.problem,
    )


def claim(
    conn: Connection,
    sub: domain.Subscription,
    until: datetime,
    next_run_at: datetime,
    now: datetime,
) -> domain.DigestRun | None:
    """Advance the subscription (its next period starts at `until`) and record the run, or
    None if another process (or an earlier tick) got there first: the compare-and-set on
    `next_run_at` decides, and the unique (subscription, due time) row backs it up."""
    moved = conn.execute(
        update(m.DigestSubscription)
        .where(
            m.DigestSubscription.id == sub.id,
            m.DigestSubscription.next_run_at == sub.next_run_at,
            m.DigestSubscription.state == SubscriptionState.ACTIVE.value,
        )
        .values(next_run_at=next_run_at, period_start=until)
    )
    if moved.rowcount != 1:
        return None
    run_id = conn.execute(
        insert(m.DigestRun)
        .values(
            subscription_id=sub.id,
            due_at=sub.next_run_at,
            since=sub.period_start,
            until=until,
            outcome=RunOutcome.CLAIMED.value,
            attempts=1,
            claimed_at=now,
        )
        .returning(m.DigestRun.id)
    ).scalar_one()
    return domain.DigestRun(run_id, sub, sub.next_run_at, sub.period_start, until, 1)


def reclaim_failed(
    conn: Connection, max_attempts: int, lapsed: domain.Lapse | None, now: datetime
) -> list[domain.DigestRun]:
    """Take back digests that failed transiently, or (`lapsed`) whose claim lapsed with the
    process that held it, for another attempt; the guarded UPDATE hands each to one process
    only, and the claim's time restarts its lease."""
    failed = m.DigestRun.outcome == RunOutcome.FAILED.value
    retried = failed
    if lapsed is not None:
        retried = or_(
            failed,
            and_(
                m.DigestRun.outcome == RunOutcome.CLAIMED.value,
                m.DigestRun.claimed_at >= lapsed.since,
                m.DigestRun.claimed_at < lapsed.before,
            ),
        )
    rows = conn.execute(
        subscriptions()
        .add_columns(
            m.DigestRun.id.label("run_id"),
            m.DigestRun.due_at,
            m.DigestRun.since,
            m.DigestRun.until,
            m.DigestRun.attempts,
        )
        .join(m.DigestRun, m.DigestRun.subscription_id == m.DigestSubscription.id)
        .where(
            retried,
            m.DigestRun.attempts < max_attempts,
            m.DigestSubscription.state == SubscriptionState.ACTIVE.value,
        )
        .order_by(m.DigestRun.id)
    ).all()
    taken = []
    for row in rows:
        moved = conn.execute(
            update(m.DigestRun)
            .where(
                m.DigestRun.id == row.run_id,
                m.DigestRun.attempts == row.attempts,
                retried,
            )
            .values(
                outcome=RunOutcome.CLAIMED.value,
                attempts=m.DigestRun.attempts + 1,
                claimed_at=now,
            )
        )
        if moved.rowcount == 1:
            since, until = utc(row.since), utc(row.until)
            run = domain.DigestRun(
                row.run_id, subscription(row), utc(row.due_at), since, until, row.attempts + 1
            )
            taken.append(run)
    return taken


def finish(
    conn: Connection,
    run: domain.DigestRun,
    outcome: RunOutcome,
    problem: str | None,
    now: datetime,
) -> None:
    """Record how a claimed digest ended; a channel that is gone stops its subscription."""
    conn.execute(
        update(m.DigestRun)
        .where(m.DigestRun.id == run.id)
        .values(outcome=outcome.value, finished_at=now)
    )
    if outcome is RunOutcome.GONE:
        conn.execute(
            update(m.DigestSubscription)
            .where(m.DigestSubscription.id == run.subscription.id)
            .values(state=SubscriptionState.STOPPED.value, problem=problem)
        )
