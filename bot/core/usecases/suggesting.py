"""Suggested actors (and styles of government action) for new ideas, and their confirmation."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.core.domain import Assignment
from bot.core.suggestions import Suggester
from bot.core.workshop import Workshop

# The model learns from organisers' assignments: retrained this often, and at once after an
# assignment made in this process.
REFRESH = timedelta(minutes=10)
CONFIRMED_LIMIT = 5000
BULK = 500  # training on more confirmed assignments than this runs off the event loop


async def suggest(ws: Workshop, programme: str, text: str) -> Assignment | None:
    actor, style = (await _model(ws, programme)).suggest(text)
    return Assignment(actor, style) if actor else None


def forget(ws: Workshop, programme: str) -> None:
    """An organiser assigned an idea: learn from it before the next suggestion."""
    ws.suggesters.pop(programme, None)


async def _model(ws: Workshop, programme: str) -> Suggester:
    cached = ws.suggesters.get(programme)
    now = ws.clock.now()
    if cached is not None and now - cached[1] < REFRESH:
        return cached[0]
    confirmed = await ws.plan.confirmed(programme, CONFIRMED_LIMIT)
    if len(confirmed) > BULK:
        model = await asyncio.to_thread(Suggester.train, ws.playbook, confirmed)
    else:
        model = Suggester.train(ws.playbook, confirmed)
    ws.suggesters[programme] = (model, now)
    return model
