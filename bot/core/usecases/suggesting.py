"""Suggested actors (and styles of government action) for new ideas, and their confirmation."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from bot.core.domain import Suggestion
from bot.core.suggestions import NaiveBayes, Suggester
from bot.core.workshop import Workshop

# The model learns from organisers' assignments: retrained this often, and at once after an
# assignment made in this process.
REFRESH = timedelta(minutes=10)
CONFIRMED_LIMIT = 5000
BULK = 500  # training on more confirmed assignments than this runs off the event loop

_T = TypeVar("_T")

log = logging.getLogger(__name__)


async def suggest(ws: Workshop, programme: str, text: str) -> Suggestion | None:
    """The actor (and style) the bot suggests for `text`, and the examples it comes from."""
    model = await _model(ws, programme)
    return await _off_loop(ws, model.suggestion, text)


async def _off_loop(ws: Workshop, call: Callable[[str], _T], text: str) -> _T:
    """A model that reads meaning embeds the text, which is CPU work: keep it off the loop."""
    if ws.learner is NaiveBayes:
        return call(text)
    return await asyncio.to_thread(call, text)


async def warm(ws: Workshop, programme: str) -> None:
    """Train the programme's model at start-up, so the first idea does not wait for it."""
    try:
        await ws.ready(programme)
        await _model(ws, programme)
    except Exception:
        log.exception("suggestion model warm-up failed", extra={"programme": programme})


def forget(ws: Workshop, programme: str) -> None:
    """An organiser assigned an idea: learn from it before the next suggestion."""
    ws.suggesters.pop(programme, None)


async def _model(ws: Workshop, programme: str) -> Suggester:
    cached = ws.suggesters.get(programme)
    now = ws.clock.now()
    if cached is not None and now - cached[1] < REFRESH:
        return cached[0]
    confirmed = await ws.plan.confirmed(programme, CONFIRMED_LIMIT)
    if len(confirmed) > BULK or ws.learner is not NaiveBayes:
        model = await asyncio.to_thread(Suggester.train, ws.playbook, confirmed, ws.learner)
    else:
        model = Suggester.train(ws.playbook, confirmed, ws.learner)
    ws.suggesters[programme] = (model, now)
    return model
