"""Suggestions that read meaning, offline: wordllama's bundled 256-dimension `l2_supercat`
token embeddings (in the wheel itself, no model hub) and a k-nearest-neighbours vote over the
training examples, whose nearest ones are the suggestion's reasons.

bench/suggestion_accuracy.py compares it with the core's naive Bayes, scikit-learn's TF-IDF
logistic regression, the neighbours' vote joined by each actor's centre, and votes and logistic
regressions over all-MiniLM-L6-v2's sentence vectors (`bot.sentences`) alone and joined to these
or to TF-IDF, on the same data. In cross-validation over the training corpus the sentence
vectors' models did 3.5 to 8 points better (65 to 70 % against 62 %), but embedding with them is
slow: the corpus alone takes seconds at start-up and a programme's first training would embed up
to 5,000 organisers' assignments, minutes of CPU the first idea after a restart would wait for. So
the bot keeps wordllama's vectors, whose training takes hundredths of a second. The composition
root hands this model to the core (HOWCANWE_SUGGESTER=words keeps the naive Bayes)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.core.learning import Classifier, Example, Guess
from bot.core.suggestions import CLOSEST

log = logging.getLogger(__name__)

# Chosen by cross-validation over the training corpus only (the write-up's lists and the
# playbook's labelled ideas; 5 folds x 10 shuffles), never on the held-out sets: the best of 1
# to 41 (bench.suggestion_accuracy prints them all); more neighbours did no better.
NEIGHBOURS = 41

Vectors = npt.NDArray[np.float32]
Embed = Callable[[Sequence[str]], Vectors]


_LOADING = threading.Lock()


def model() -> Any:
    """The embedding model, loaded once per process; the threads that ask while it loads (a
    start-up's training, the first idea's suggestion) wait for that one load."""
    with _LOADING:
        return _loaded()


@cache
def _loaded() -> Any:
    """Loaded from the package's own folder with downloads disabled (the release looks for its
    tokenizer under another folder name). wordllama is imported here, off the event loop: the
    import alone takes half a second, which serving should not wait for."""
    import wordllama
    from wordllama import WordLlama

    folder = Path(wordllama.__file__).parent
    loaded = WordLlama.load(config="l2_supercat", cache_dir=folder, disable_download=True)
    log.info("meaning model loaded", extra={"model": "wordllama l2_supercat 256"})
    return loaded


def embed(texts: Sequence[str]) -> Vectors:
    """Unit-length vectors, one row per text."""
    if not texts:
        return np.zeros((0, 256), dtype=np.float32)
    vectors: Vectors = np.asarray(model().embed(list(texts), norm=True), dtype=np.float32)
    return vectors


class NearestExamples:
    """Each label's vote is the summed similarity of the text's nearest examples that carry
    it, weighted by the example's weight (organisers' assignments count double)."""

    def __init__(
        self, examples: Sequence[Example], neighbours: int = NEIGHBOURS, by: Embed = embed
    ) -> None:
        self._embed = by  # another model's vectors, as bench.suggestion_accuracy compares
        self._neighbours = neighbours
        self._texts = [text for text, _, _ in examples]
        self._labels = [label for _, label, _ in examples]
        self._weights = np.array([weight for _, _, weight in examples], dtype=np.float32)
        self._vectors = by(self._texts)

    def guess(self, text: str) -> Guess | None:
        if not self._texts:
            return None
        votes, nearest = self.votes(self._embed([text])[0])
        best = max(votes, key=lambda label: (votes[label], label))
        return Guess(best, votes[best], self.closest(best, nearest))

    def votes(self, vector: Vectors) -> tuple[dict[str, float], Sequence[int]]:
        """Each label's share of the nearest examples' vote, and those examples' rows."""
        scores = self._vectors @ vector
        nearest = [int(i) for i in np.argsort(-scores)[: self._neighbours]]
        votes: dict[str, float] = {}
        for i in nearest:
            weight = float(max(scores[i], 0.0) * self._weights[i])
            votes[self._labels[i]] = votes.get(self._labels[i], 0.0) + weight
        total = sum(votes.values())
        return {label: v / total if total else 0.0 for label, v in votes.items()}, nearest

    def closest(self, label: str, nearest: Sequence[int]) -> tuple[str, ...]:
        """The label's examples among the nearest, nearest first: the suggestion's why."""
        return tuple(self._texts[i] for i in nearest if self._labels[i] == label)[:CLOSEST]


def learner(examples: Sequence[Example]) -> Classifier:
    """The `Learner` the composition root hands to the core."""
    return NearestExamples(examples)
