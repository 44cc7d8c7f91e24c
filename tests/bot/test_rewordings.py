"""Duplicates by meaning (bot.rewordings, bot.core.usecases.rewordings): a rewording that
shares no word with an idea is held back as the word index's near-duplicates are, through the
console on a real database; one posted while the window fills after a restart is flagged for
the organisers once it is full; the window keeps the newest ideas; without the model, only
words."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace

import pytest

from bot import rewordings as window
from bot import sentences
from bot.config import Settings
from bot.core.playbook import load_default
from bot.core.usecases import rewordings
from bot.services import Services, build_engine, open_services
from handlers.console import listeners
from tests.conftest import FakeClock
from tests.fakes.repository import MemoryRepository

SOLAR = "Solar panels on public buildings"
SOLAR_AGAIN = "Photovoltaic roofs for council offices"  # not one word in common


@pytest.fixture
async def meaning(settings: Settings, clock: FakeClock) -> AsyncIterator[Services]:
    async with open_services(replace(settings, suggester="meaning"), clock=clock) as opened:
        yield opened


def _chat(services: Services, user: str) -> listeners.ConsoleChat:
    return listeners.ConsoleChat(services.engine, user, "town", "default")


async def test_a_rewording_with_no_shared_word_is_held_back(meaning: Services) -> None:
    olive, ann = _chat(meaning, "olive"), _chat(meaning, "ann")
    await olive.say("/prompt infra")
    await rewordings.warm(meaning.engine.workshop, "default")  # as at start-up: no ideas yet
    await olive.say(SOLAR)  # the window catches up with it at the next check
    (held,) = await ann.say(SOLAR_AGAIN)
    assert held.startswith("(only you see this)\nThis looks like #1")
    assert "Your idea: Photovoltaic roofs for council offices" in held
    assert "  Vote for #1 instead → /vote 1" in held
    assert [i.text for i in await meaning.repo.ideas("default")] == [SOLAR]
    added = await ann.say("Night buses from the suburbs to the hospitals")
    assert added[0].startswith("#2 · Investing in infrastructure")


async def test_the_window_is_filled_with_the_ideas_already_stored(meaning: Services) -> None:
    olive = _chat(meaning, "olive")
    await olive.say("/prompt infra")
    await olive.say(SOLAR)
    await olive.say("/hide 1")  # a hidden idea is never held up as the one repeated
    await olive.say("Cheaper bus fares for young people")
    await rewordings.warm(meaning.engine.workshop, "default")  # the first check began it
    (held,) = await _chat(meaning, "ann").say("Lower ticket prices on buses for teenagers")
    assert held.startswith("(only you see this)\nThis looks like #2")
    added = await _chat(meaning, "bob").say(SOLAR_AGAIN)
    assert added[0].startswith("#3 ·")


async def test_a_rewording_posted_while_the_window_fills_is_flagged_once_it_is_full(
    settings: Settings, clock: FakeClock
) -> None:
    """After a restart the window takes a minute or more to fill; nobody's idea waits for it,
    and what was let through meanwhile is checked as soon as it is full."""
    chosen = replace(settings, suggester="meaning")
    async with open_services(chosen, clock=clock) as before:
        olive = _chat(before, "olive")
        await olive.say("/prompt infra")
        await olive.say(SOLAR)
        await rewordings.warm(before.engine.workshop, "default")
    released = threading.Event()

    def held_up(reference: Sequence[str], size: int) -> window.MeaningWindow:
        released.wait()  # the fill's first step, off the event loop, as slow as it likes
        return window.MeaningWindow(reference, size)

    async with open_services(chosen, clock=clock) as after:  # the restart
        ws = after.engine.workshop
        ws.rewordings = held_up
        try:
            added = await _chat(after, "ann").say(SOLAR_AGAIN)
            assert added[0].startswith("#2 · Investing in infrastructure")  # not kept waiting
            (flags,) = await _chat(after, "olive").say("/flags")
            assert "No open flags." in flags
        finally:
            released.set()
        await rewordings.warm(ws, "default")  # the fill under way, and the check after it
        (flags,) = await _chat(after, "olive").say("/flags")
        assert "#2 by the bot" in flags and "#1 again in other words" in flags
        added = await _chat(after, "bob").say("Night buses from the suburbs to the hospitals")
        assert added[0].startswith("#3 ·")  # the window is in use: new ideas are not flagged
        (flags,) = await _chat(after, "olive").say("/flags")
        assert "#3" not in flags


def test_the_window_keeps_the_newest_ideas() -> None:
    kept = window.MeaningWindow([], size=2)
    kept.add([(10, 1, SOLAR), (11, 2, "Cheaper bus fares for young people")])
    assert kept.nearest(SOLAR_AGAIN) == [1]
    kept.add([(12, 3, "Publish every council contract online")])
    assert kept.nearest(SOLAR_AGAIN) == [] and kept.last_seen == 12
    assert kept.nearest("Lower ticket prices on buses for teenagers") == [2]
    kept.add([(13, 4, "Lower ticket prices on buses for teenagers")])  # the text just checked
    assert kept.nearest("Lower ticket prices on buses for teenagers") == [4]


async def test_without_the_model_duplicates_are_found_by_words_only(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sentences, "folder", lambda: None)
    settings = Settings(organisers=frozenset({"console:olive"}), suggester="meaning")
    with caplog.at_level(logging.WARNING, logger="bot.services"):
        engine = build_engine(settings, load_default(), MemoryRepository(clock), clock)
    assert "meaning model not installed" in caplog.text
    assert engine.workshop.rewordings is None
    olive = listeners.ConsoleChat(engine, "olive", "town", "default")
    await olive.say("/prompt infra")
    await olive.say(SOLAR)
    await rewordings.warm(engine.workshop, "default")
    added = await olive.say(SOLAR_AGAIN)
    assert added[0].startswith("#2 · Investing in infrastructure")
