"""Nudges queued and claimed once, phase changes set for later and muted channels, in memory
(`storage.nudges`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Literal

from bot.core import domain
from bot.core.nudges import (
    AskKind,
    AskSchedule,
    Finished,
    FollowUp,
    NewNudge,
    Nudge,
    PhaseSchedule,
)
from bot.core.schedule import Schedule
from tests.fakes.memory import Memory, NudgeRow, PhaseScheduleRow, place


class MemoryNudges(Memory):
    """Implements `bot.core.ports.NudgeStore`."""

    async def schedule_phase(
        self,
        programme: str,
        theme_key: str,
        phase: domain.Phase,
        due_at: datetime,
        remind_at: datetime,
        by: domain.Participant,
    ) -> PhaseSchedule:
        self._programme(programme)
        for sid, row in list(self._schedules.items()):
            same = (row.schedule.programme, row.schedule.theme_key) == (programme, theme_key)
            if same and not row.applied:
                del self._schedules[sid]
        by = domain.Participant(by.platform, by.user_id)  # storage keeps the id, not the name
        made = PhaseSchedule(
            self._next_id(), programme, theme_key, phase, due_at, remind_at, by, False, False
        )
        self._schedules[made.id] = PhaseScheduleRow(made)
        self._log(programme, None, by.key, "phase.scheduled", theme=theme_key, phase=phase.value)
        return made

    async def due_phase_steps(self, now: datetime) -> Sequence[PhaseSchedule]:
        due = [
            replace(r.schedule, reminded=r.reminded)
            for r in self._schedules.values()
            if not r.applied
            and (r.schedule.due_at <= now or (not r.reminded and r.schedule.remind_at <= now))
        ]
        return sorted(due, key=lambda s: (s.due_at, s.id))

    async def claim_phase_step(self, schedule_id: int, step: Literal["remind", "apply"]) -> bool:
        row = self._schedules.get(schedule_id)
        if row is None:
            return False
        if step == "remind":
            claimed, row.reminded = not row.reminded, True
            return claimed
        claimed, row.applied, row.reminded = not row.applied, True, True
        return claimed

    async def queue_nudges(self, nudges: Sequence[NewNudge]) -> int:
        known = {(r.new.programme, r.new.key) for r in self._nudges.values()}
        added = 0
        for nudge in nudges:
            self._channel_row(nudge.programme, nudge.where)
            if (nudge.programme, nudge.key) in known:
                continue
            known.add((nudge.programme, nudge.key))
            row = NudgeRow(nudge, self._next_id())
            self._nudges[row.id] = row
            added += 1
        return added

    async def claim_nudges(
        self,
        now: datetime,
        limit: int,
        platforms: frozenset[str] | None = None,
        lapsed: domain.Lapse | None = None,
    ) -> Sequence[Nudge]:
        claimed = []
        for row in self._nudges.values():
            if len(claimed) == limit:
                break
            if platforms is not None and row.new.where.platform not in platforms:
                continue
            due = row.state == "queued" and (row.not_before or row.new.not_before) <= now
            if due or row.lapsed(lapsed):
                row.state, row.attempts, row.claimed_at = "claimed", row.attempts + 1, now
                claimed.append(self._nudge(row))
        return claimed

    def _nudge(self, row: NudgeRow) -> Nudge:
        new = row.new
        channel = self._channel_row(new.programme, replace(new.where, channel_name=""))
        where = replace(new.where, channel_name=channel.name, thread_id=None)
        return Nudge(
            row.id,
            new.programme,
            new.kind,
            where,
            new.title,
            new.text,
            new.expires_at,
            row.attempts,
            new.to,
        )

    async def finish_nudges(self, finished: Sequence[Finished]) -> None:
        for done in finished:
            row = self._nudges[done.nudge.id]
            row.outcome = done.outcome.value
            row.state = "queued" if done.retry_at is not None else "done"
            row.not_before = done.retry_at

    async def set_muted(
        self, programme: str, where: domain.ConversationRef, muted: bool, by: domain.Participant
    ) -> bool:
        self._channel_row(programme, where)
        key = (programme, place(where))
        if muted == (key in self._muted):
            return False
        if muted:
            self._muted[key] = by.key
        else:
            del self._muted[key]
        action = "nudges.muted" if muted else "nudges.unmuted"
        self._log(programme, None, by.key, action, channel=where.channel_id)
        return True

    async def muted_channels(self, programme: str) -> frozenset[tuple[str, str, str]]:
        return frozenset(p for (prog, p), _ in self._muted.items() if prog == programme)

    async def set_asks(
        self,
        programme: str,
        where: domain.ConversationRef,
        kind: AskKind,
        schedule: Schedule | None,
        next_run_at: datetime,
        by: domain.Participant,
    ) -> bool:
        self._channel_row(programme, where)
        key = (programme, place(where), kind)
        if schedule is None:
            if self._asks.pop(key, None) is None:
                return False
            self._log(programme, None, by.key, f"{kind}.off", channel=where.channel_id)
            return True
        known = self._asks.get(key)
        ask_id = known.id if known else self._next_id()
        plain = domain.ConversationRef(where.platform, where.workspace_id, where.channel_id)
        self._asks[key] = AskSchedule(ask_id, programme, kind, plain, schedule, next_run_at)
        self._log(programme, None, by.key, f"{kind}.scheduled", channel=where.channel_id)
        return True

    async def asks(
        self, programme: str, kind: AskKind, where: domain.ConversationRef | None = None
    ) -> Sequence[AskSchedule]:
        found = [
            self._named(a)
            for (prog, spot, k), a in self._asks.items()
            if prog == programme and k == kind and (where is None or spot == place(where))
        ]
        return sorted(found, key=lambda a: a.id)

    def _named(self, ask: AskSchedule) -> AskSchedule:
        channel = self._channel_row(ask.programme, ask.where)
        return replace(ask, where=replace(ask.where, channel_name=channel.name))

    async def due_asks(self, now: datetime) -> Sequence[AskSchedule]:
        due = [self._named(a) for a in self._asks.values() if a.next_run_at <= now]
        return sorted(due, key=lambda a: (a.next_run_at, a.id))

    async def claim_ask(self, ask: AskSchedule, next_run_at: datetime) -> bool:
        key = (ask.programme, place(ask.where), ask.kind)
        found = self._asks.get(key)
        if found is None or found.next_run_at != ask.next_run_at:
            return False
        self._asks[key] = replace(found, next_run_at=next_run_at)
        return True

    async def record_follow_ups(
        self, programme: str, round_at: datetime, asked: Sequence[FollowUp]
    ) -> None:
        for follow_up in asked:
            self._follow_ups.setdefault((programme, round_at, follow_up.number), [follow_up, None])

    async def answer_follow_up(self, programme: str, number: int, at: datetime) -> bool:
        answered = False
        for (prog, _, asked_number), row in self._follow_ups.items():
            if (prog, asked_number) == (programme, number) and row[1] is None:
                row[1], answered = at, True
        return answered

    async def unanswered(self, programme: str) -> tuple[datetime, Sequence[FollowUp]] | None:
        rounds = [at for (prog, at, _) in self._follow_ups if prog == programme]
        if not rounds:
            return None
        latest = max(rounds)
        waiting = [
            row[0]
            for (prog, at, _), row in self._follow_ups.items()
            if (prog, at) == (programme, latest) and row[1] is None
        ]
        return latest, sorted(waiting, key=lambda f: (f.owner, f.number))
