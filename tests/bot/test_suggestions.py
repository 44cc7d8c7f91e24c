"""Actor suggestions: learnt from the write-up, shown with a Confirm button, never applied
silently, and retrained from organisers' own assignments."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import pytest

from bot.core.interaction import CONFIRM, PROPOSE, ButtonPressed, Refresh
from bot.core.learning import Classifier, Example
from bot.core.playbook import load_default
from bot.core.suggestions import Confirmed, NaiveBayes, Suggester
from tests.bot.test_workshop import Room, refused, said

BOOK = load_default()


def test_cross_validated_accuracy_beats_guessing_the_most_common_actor() -> None:
    from bench.suggestion_accuracy import cross_validated

    accuracy, baseline, _ = cross_validated(repeats=2)
    assert accuracy > baseline + 0.1


def test_styles_are_suggested_for_the_combined_authority_only() -> None:
    model = Suggester.train(BOOK, [])
    actor, style = model.suggest("Develop plan for workplace parking charge to fund mass transport")
    assert actor == "authority" and style in {s.key for s in BOOK.styles}
    actor, style = model.suggest("Ride bikes and use public transport.")
    assert actor == "individuals" and style is None


def test_organisers_assignments_teach_the_model() -> None:
    confirmed = [Confirmed(f"Allotment scheme number {n}", "individuals", None) for n in range(6)]
    before = Suggester.train(BOOK, []).suggest("An allotment scheme for every estate")[0]
    after = Suggester.train(BOOK, confirmed).suggest("An allotment scheme for every estate")[0]
    assert after == "individuals"
    assert before is not None


@pytest.fixture
async def room(services) -> Room:
    room = Room(services)
    await room.cmd("olive", "prompt infra")
    return room


async def test_a_new_idea_carries_a_suggestion_that_only_an_organiser_confirms(room: Room) -> None:
    card = (await room.reply("ann", "WECA to fund more frequent train services"))[0].card
    text = card.as_text()
    assert "Suggested: Combined authority" in text
    confirm = ButtonPressed(CONFIRM, "1")
    assert any(
        getattr(e, "action_id", None) == CONFIRM
        for b in card.blocks
        for e in getattr(b, "elements", ())
    )
    (idea,) = await room.repo.ideas("default")
    assert idea.assignment is None and idea.suggestion is not None  # never applied silently
    assert "Only organisers can assign ideas" in refused(await room.send("ann", confirm))
    done = await room.send("olive", confirm)
    assert isinstance(done[0], Refresh) and "Suggested" not in done[0].card.as_text()
    (idea,) = await room.repo.ideas("default")
    assert idea.assignment is not None and idea.assignment.actor_key == idea.suggestion.actor_key
    assert "no suggestion to confirm" in refused(
        await room.send("olive", ButtonPressed(CONFIRM, "9"))
    )


async def test_suggestions_learn_from_assignments_in_the_programme(room: Room) -> None:
    orchards = [
        "Plant an orchard at the primary school",
        "Volunteer weekends to prune the orchard",
        "Orchard apples for the food bank",
        "Teach grafting in the orchard",
        "Orchard picnic for new neighbours",
        "Map every old orchard tree",
    ]
    for n, text in enumerate(orchards, 1):
        await room.reply("ann", text)
        await room.cmd("olive", f"assign {n} individuals")
    await room.reply("bob", "A community orchard by the river")
    (latest,) = [i for i in await room.repo.ideas("default") if i.number == 7]
    assert latest.suggestion is not None and latest.suggestion.actor_key == "individuals"


async def test_the_export_has_the_suggestion(room: Room) -> None:
    from tests.fakes.plan_exports import exported

    await room.reply("ann", "WECA to fund more frequent train services")
    data = await exported(room.engine)
    record = data["themes"][3]["ideas"][0]
    assert record["suggested_actor"] == "authority" and record["suggested_style"] is not None


async def test_the_card_and_the_proposal_reply_say_why(room: Room) -> None:
    card = (await room.reply("ann", "Ride bikes and walk to work more often"))[0].card
    (idea,) = await room.repo.ideas("default")
    assert idea.suggested_because and all(
        any(text in actor.examples for actor in BOOK.actors) for text in idea.suggested_because
    )
    quoted = f"“{idea.suggested_because[0]}”"
    assert f"Because it reads like: {quoted}" in card.as_text()
    propose = next(
        e
        for b in card.blocks
        for e in getattr(b, "elements", ())
        if getattr(e, "action_id", None) == PROPOSE
    )
    reply = said(await room.send("bob", ButtonPressed(PROPOSE, propose.value)))
    assert f"as #1 reads like {quoted}" in reply


def test_reasons_quote_the_write_up_never_an_assigned_idea() -> None:
    confirmed = [
        Confirmed(f"Orchard volunteers meet on day {n}", "individuals", None) for n in range(6)
    ]
    suggested = Suggester.train(BOOK, confirmed).suggestion("Orchard volunteers for the estate")
    assert suggested is not None and suggested.assignment.actor_key == "individuals"
    assert not any("Orchard" in text for text in suggested.because)


async def test_warming_trains_the_programmes_model_from_its_assignments(room: Room) -> None:
    from bot.core.usecases import suggesting

    await room.reply("ann", "An allotment scheme for every estate")
    await room.cmd("olive", "assign 1 organisations")
    workshop = room.engine.workshop
    workshop.suggesters.clear()
    await suggesting.warm(workshop, "default")
    model, _ = workshop.suggesters["default"]
    assert model.suggest("An allotment scheme for every estate")[0] == "organisations"


async def test_a_failed_warm_up_is_logged_not_raised(
    room: Room, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.core.usecases import suggesting

    async def broken(programme: str, limit: int) -> list[Confirmed]:
        raise RuntimeError("database away")

    workshop = room.engine.workshop
    workshop.suggesters.clear()
    workshop.plan = type("Broken", (), {"confirmed": staticmethod(broken)})()  # type: ignore[assignment]
    await suggesting.warm(workshop, "default")
    assert "suggestion model warm-up failed" in caplog.text and not workshop.suggesters


class _Gated:
    """A learner whose trainings on organisers' assignments wait for the test to let them
    finish (off the loop, as a learner reading meaning trains)."""

    def __init__(self) -> None:
        self.gate = threading.Event()

    def __call__(self, examples: Sequence[Example]) -> Classifier:
        if any(weight != 1.0 for _, _, weight in examples):  # assignments weigh more
            assert self.gate.wait(10)
        return NaiveBayes(examples)


async def test_an_idea_never_waits_for_a_training_off_the_loop(room: Room) -> None:
    """Until the retrained model is ready, the write-up's alone suggests; an assignment made
    while it trains is learnt by the next training."""
    from bot.core.usecases import suggesting

    orchard = "A community orchard by the river"
    for n in range(1, 7):
        await room.reply("ann", f"Orchard idea number {n}")
        await room.cmd("olive", f"assign {n} individuals")
    workshop, gated = room.engine.workshop, _Gated()
    workshop.learner, workshop.suggesters = gated, {}
    first = await suggesting.suggest(workshop, "default", orchard)
    playbook = Suggester.train(BOOK, []).suggestion(orchard)
    assert first is not None and playbook is not None and first.assignment == playbook.assignment
    training = workshop.trainings["default"]
    suggesting.forget(workshop, "default")  # an assignment while it trains
    gated.gate.set()
    await training
    model, trained_at = workshop.suggesters["default"]
    assert trained_at == suggesting.STALE and not workshop.trainings
    assert model.suggest(orchard)[0] == "individuals"


class _Loading:
    """A learner whose model has yet to load: every training waits for the test."""

    def __init__(self) -> None:
        self.loaded = threading.Event()

    def __call__(self, examples: Sequence[Example]) -> Classifier:
        assert self.loaded.wait(10)
        return NaiveBayes(examples)


async def test_the_first_idea_after_a_start_never_waits_for_the_model_to_load(
    room: Room,
) -> None:
    """Until a learner that reads meaning has trained on the write-up's examples (its model
    loads first), their words suggest; then its model does, trained once."""
    from bot.core.usecases import suggesting

    workshop, loading = room.engine.workshop, _Loading()
    workshop.learner, workshop.suggesters = loading, {}
    orchard = "A community orchard by the river"
    first = await suggesting.suggest(workshop, "default", orchard)  # answered while it loads
    words = Suggester.train(BOOK, []).suggestion(orchard)
    assert first is not None and words is not None and first.assignment == words.assignment
    assert workshop.playbook_suggester is None and workshop.playbook_training is not None
    training = workshop.playbook_training
    loading.loaded.set()
    await training
    assert workshop.playbook_suggester is not None and workshop.playbook_training is None


async def test_a_stopping_process_ends_the_trainings_under_way(room: Room) -> None:
    from bot.core.usecases import suggesting

    await room.reply("ann", "Orchard idea number 1")
    await room.cmd("olive", "assign 1 individuals")
    workshop, gated = room.engine.workshop, _Gated()
    workshop.learner, workshop.suggesters = gated, {}
    await suggesting.suggest(workshop, "default", "A community orchard by the river")
    training = workshop.trainings["default"]
    suggesting.stop(workshop)
    gated.gate.set()  # the thread it waits on ends, its model is not kept
    with pytest.raises(asyncio.CancelledError):
        await training
    assert "default" not in workshop.suggesters and not workshop.trainings
