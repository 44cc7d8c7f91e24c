"""Soft word alignment over wordllama's token embeddings (BERTScore-like), measured against the
pooled sentence vectors the bot uses: each word's best cosine match in the other text, weighted
by the word's rarity (IDF) and taken both ways (F1). A word's vector is the mean of its
sub-word tokens' (the tokenizer cuts "bike" into "bi" + "ke"). Measured only: on the
benchmarks' data it did not beat the pooled vectors by enough to ship (README, "Duplicates")."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache

import numpy as np
import numpy.typing as npt

from bot import meaning
from bot.core.learning import Example, Guess
from bot.core.similarity import STOP_WORDS

Matrix = npt.NDArray[np.float32]
Aligned = tuple[Matrix, Matrix]  # (a unit vector per word, its IDF weight)


def words(text: str) -> list[str]:
    found = re.findall(r"[a-z0-9]+", text.lower())
    return [w for w in found if w not in STOP_WORDS] or found or ["idea"]


@cache
def word_vector(word: str) -> Matrix:
    model = meaning.model()
    encoded = model.tokenizer.encode(" " + word, add_special_tokens=False)
    ids = [i for i, token in zip(encoded.ids, encoded.tokens, strict=True) if token != "▁"]
    vector: Matrix = model.embedding[ids or [0]].mean(axis=0)
    return vector / max(float(np.linalg.norm(vector)), 1e-9)


class Aligner:
    """Texts as aligned word vectors, with IDF learnt from a corpus."""

    def __init__(self, corpus: Sequence[str]) -> None:
        self._df = Counter(w for text in corpus for w in set(words(text)))
        self._n = len(corpus)

    def prepare(self, text: str) -> Aligned:
        found = words(text)
        weights = [math.log((self._n + 1) / (self._df[w] + 1)) + 1 for w in found]
        return np.stack([word_vector(w) for w in found]), np.array(weights, dtype=np.float32)

    @staticmethod
    def score(a: Aligned, b: Aligned) -> float:
        """The F1 of the two texts' IDF-weighted best matches, 0 to 1."""
        (va, wa), (vb, wb) = a, b
        cosines = va @ vb.T
        recall = float((cosines.max(axis=1) * wa).sum() / wa.sum())
        precision = float((cosines.max(axis=0) * wb).sum() / wb.sum())
        return 2 * recall * precision / (recall + precision) if recall + precision > 0 else 0.0


class AlignedNeighbours:
    """The kNN vote of `bot.meaning.NearestExamples`, by alignment instead of pooled cosine."""

    def __init__(self, examples: Sequence[Example], neighbours: int = 9) -> None:
        self._neighbours = neighbours
        self._aligner = Aligner([text for text, _, _ in examples])
        self._examples = examples
        self._prepared = [self._aligner.prepare(text) for text, _, _ in examples]

    def guess(self, text: str) -> Guess | None:
        if not self._examples:
            return None
        probe = self._aligner.prepare(text)
        scores = np.array([Aligner.score(probe, p) for p in self._prepared])
        votes: Counter[str] = Counter()
        for i in np.argsort(-scores)[: self._neighbours]:
            _, label, weight = self._examples[i]
            votes[label] += max(float(scores[i]), 0.0) * weight
        best = max(votes, key=lambda label: (votes[label], label))
        return Guess(best, votes[best] / max(sum(votes.values()), 1e-9))
