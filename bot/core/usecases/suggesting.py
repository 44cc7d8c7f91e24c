"""Suggested actors (and styles of government action) for new ideas, and their confirmation."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from bot.core.domain import Suggestion
from bot.core.suggestions import Confirmed, NaiveBayes, Suggester
from bot.core.workshop import Workshop

# The model learns from organisers' assignments: retrained this often, and at once after an
# assignment made in this process.
REFRESH = timedelta(minutes=10)
CONFIRMED_LIMIT = 5000
BULK = 500  # training on more confirmed assignments than this runs off the event loop
STALE = datetime.min.replace(tzinfo=UTC)  # a model's time once an assignment outdates it

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
    """Train the programme's model at start-up, so the first idea does not wait for it (a
    training off the loop goes on after this returns; ideas use the playbook's model meanwhile)."""
    try:
        await ws.ready(programme)
        await _model(ws, programme)
    except Exception:
        log.exception("suggestion model warm-up failed", extra={"programme": programme})


def stop(ws: Workshop) -> None:
    """The process is stopping: trainings under way end with it (their models are not kept)."""
    for training in ws.trainings.values():
        training.cancel()
    if ws.playbook_training is not None:
        ws.playbook_training.cancel()


def forget(ws: Workshop, programme: str) -> None:
    """An organiser assigned an idea: learn from it before the next suggestion (kept until the
    retrained model is ready, when training runs off the loop)."""
    ws.lessons[programme] = ws.lessons.get(programme, 0) + 1
    cached = ws.suggesters.get(programme)
    if cached is not None:
        ws.suggesters[programme] = (cached[0], STALE)


async def _model(ws: Workshop, programme: str) -> Suggester:
    """The programme's model: retrained when REFRESH old or after an assignment. A small
    training (the naive Bayes on a few hundred assignments: milliseconds) is waited for; a
    larger one runs off the loop in the background, and until it is ready ideas get the last
    model, or the playbook's alone: at 300,000 ideas the first idea after a restart had waited
    seconds for it (bench.start_up)."""
    cached = ws.suggesters.get(programme)
    now = ws.clock.now()
    if cached is not None and now - cached[1] < REFRESH:
        return cached[0]
    if programme not in ws.trainings:
        confirmed = None  # read by the training, so that not even the reading is waited for
        if ws.learner is NaiveBayes:
            confirmed = await ws.plan.confirmed(programme, CONFIRMED_LIMIT)
            if len(confirmed) <= BULK:
                model = Suggester.train(ws.playbook, confirmed, ws.learner)
                ws.suggesters[programme] = (model, now)
                return model
        if programme not in ws.trainings:  # no other idea started one while this one read
            ws.trainings[programme] = asyncio.create_task(_train(ws, programme, confirmed, now))
    if cached is not None:
        return cached[0]
    return await _playbook_model(ws)


async def _train(
    ws: Workshop, programme: str, confirmed: Sequence[Confirmed] | None, started: datetime
) -> None:
    """Train off the loop (on the assignments given, or read now), then keep the model: as of
    `started`, unless an assignment came meanwhile, which the next suggestion learns from."""
    lessons = ws.lessons.get(programme, 0)
    try:
        if confirmed is None:
            confirmed = await ws.plan.confirmed(programme, CONFIRMED_LIMIT)
        model = await asyncio.to_thread(Suggester.train, ws.playbook, confirmed, ws.learner)
        fresh = ws.lessons.get(programme, 0) == lessons
        ws.suggesters[programme] = (model, started if fresh else STALE)
    except Exception:
        log.exception("suggestion model training failed", extra={"programme": programme})
    finally:
        ws.trainings.pop(programme, None)


async def _playbook_model(ws: Workshop) -> Suggester:
    """The model of the write-up's examples alone, trained once. A learner that reads meaning
    trains it off the loop in the background: after a start its model has yet to load (a
    second or more on a loaded machine), which an idea's answer, due within Slack's 3 s, must
    not wait for; until it is ready the examples' words suggest (a naive Bayes, trained in
    milliseconds)."""
    if ws.playbook_suggester is not None:
        return ws.playbook_suggester
    if ws.learner is NaiveBayes:
        ws.playbook_suggester = Suggester.train(ws.playbook, ())
        return ws.playbook_suggester
    if ws.playbook_training is None:
        ws.playbook_training = asyncio.create_task(_train_playbook(ws))
    if ws.words_suggester is None:
        ws.words_suggester = Suggester.train(ws.playbook, ())
    return ws.words_suggester


async def _train_playbook(ws: Workshop) -> None:
    try:
        model = await asyncio.to_thread(Suggester.train, ws.playbook, (), ws.learner)
        ws.playbook_suggester = model
    except Exception:
        log.exception("suggestion model training failed", extra={"programme": None})
    finally:
        ws.playbook_training = None
