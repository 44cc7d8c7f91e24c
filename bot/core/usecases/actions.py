"""Action tracking: an assigned idea gets an owner, a status and dated progress notes."""

from __future__ import annotations

from bot.core import cards
from bot.core.domain import Anchor, AnchorKind, Idea, Status
from bot.core.interaction import Context, Delivery, Refresh, Reply, Say, note
from bot.core.names import normalise
from bot.core.usecases import reminders
from bot.core.workshop import Refusal, Workshop

MAX_OWNER_CHARS = 200
MAX_NOTE_CHARS = 1000


def status_named(typed: str) -> Status:
    wanted = normalise(typed)
    for status in Status:
        if status.value == wanted or status.value.startswith(wanted):
            return status
    names = ", ".join(f"`{s.value}`" for s in Status)
    raise Refusal(f"There is no status '{typed}'. Try one of: {names}.")


async def update(
    ws: Workshop, ctx: Context, number: int, typed_status: str | None, owner: str | None
) -> list[Reply]:
    status = status_named(typed_status) if typed_status else None
    if owner is not None:
        owner = owner.strip()
        if not owner or len(owner) > MAX_OWNER_CHARS:
            raise Refusal(f"An owner is a name of 1 to {MAX_OWNER_CHARS} characters.")
    before = await _action(ws, ctx, number)
    idea = await ws.plan.update_action(ctx.programme_key, number, status, owner, ctx.who)
    assert idea is not None  # checked just above; ideas are never deleted
    await reminders.you_said(ws, ctx.programme_key, before, idea)
    return _changed(ws, idea, f"#{number} is now {cards.action_text(idea)}.")


async def add_note(ws: Workshop, ctx: Context, number: int, text: str) -> list[Reply]:
    text = text.strip()
    if not text or len(text) > MAX_NOTE_CHARS:
        raise Refusal(
            f'A note is 1 to {MAX_NOTE_CHARS} characters, e.g. `action 12 note "pilot funded"`.'
        )
    await _action(ws, ctx, number)
    idea = await ws.plan.add_note(ctx.programme_key, number, text, ctx.who)
    assert idea is not None
    return _changed(ws, idea, f"Noted on #{number}.")


async def history(ws: Workshop, ctx: Context, number: int) -> list[Reply]:
    idea = await _action(ws, ctx, number)
    notes = await ws.plan.notes(ctx.programme_key, number)
    return [Say(cards.history_card(idea, notes), Delivery.PRIVATE)]


async def _action(ws: Workshop, ctx: Context, number: int) -> Idea:
    idea = await ws.idea(ctx, number)
    if idea.assignment is None:
        raise Refusal(
            f"#{number} isn't an action yet: assign it first, e.g. `assign {number} authority`."
        )
    return idea


def _changed(ws: Workshop, idea: Idea, said: str) -> list[Reply]:
    return [
        Refresh(Anchor(AnchorKind.IDEA, idea.number), cards.idea_card(ws.playbook, idea)),
        note(said, Delivery.THREAD),
    ]
