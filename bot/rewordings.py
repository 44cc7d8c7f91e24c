"""Duplicates by meaning, the model's side (`bot.core.rewording.Window`): the newest ideas'
all-MiniLM-L6-v2 vectors (`bot.sentences`) in a ring of float16 rows, compared with a new idea
by cosine after taking away the centre of the playbook's own ideas.

A programme's ideas all speak of the same things, so their raw cosines sit high (up to 0.67
between the write-up's distinct ideas, while rewordings score 0.41 to 0.84); measured from the
playbook's centre, what two ideas share beyond the topic is what counts. The threshold is the
lowest that flags none of the write-up's 113 distinct ideas, with a small margin.

Two refinements were tried and are kept as options for bench.near_duplicates to compare, not
used: taking away the reference's main direction too ("all-but-the-top"), and taking the words'
own score (`bot.core.similarity`) off the cosine. Tuned on bench/data/reworded_pairs.txt and
the 113, together they caught 17 of 30 rewordings instead of 9, and on sets written before
tuning 27 of 48 instead of 18 with no hard negative flagged instead of 7 of 65. But among the
451 ideas of the playbook's labelled lists and the suggestions' held-out sets (meant to be
distinct), they flagged about as many pairs (58 against 54 of 101,475) and, read one by one,
more of them were different ideas: the penalty drops rewordings that share a few words
("walking buses to school" / "walk children to school together in a walking bus"), which the
second set, written with no shared words, never tested. bench.near_duplicates prints all these
figures."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from bot import sentences
from bot.core.rewording import Rows
from bot.core.similarity import Fingerprint, similarity

THRESHOLD = 0.56


class MeaningWindow:
    """At most `size` ideas; a check scores them all (2,000 x 384 float16: 1.5 MB)."""

    def __init__(
        self,
        reference: Sequence[str],
        size: int,
        *,
        directions: int = 0,
        shared_words: float = 0.0,
        embed: Callable[[Sequence[str]], sentences.Vectors] = sentences.embed,
    ) -> None:
        """`directions` (the reference's main directions also taken away) and `shared_words`
        (the weight of the words' score taken off the cosine) are for bench.near_duplicates to
        compare; the bot uses neither. `embed` lets it embed each text once."""
        self._embed, self._shared_words = embed, shared_words
        self._centre = np.zeros(sentences.DIMENSIONS, dtype=np.float32)
        self._topic = np.zeros((0, sentences.DIMENSIONS), dtype=np.float32)
        if reference:
            known = embed(reference)
            self._centre = known.mean(axis=0)
            spread = np.linalg.svd(known - self._centre, full_matrices=False)[2]
            self._topic = spread[:directions]
        self._vectors = np.zeros((size, sentences.DIMENSIONS), dtype=np.float16)
        self._numbers = np.zeros(size, dtype=np.int64)
        self._texts = [""] * size
        self._count = 0  # rows in use
        self._next = 0  # the row the next idea takes, overwriting the oldest once full
        self._checked: tuple[str, sentences.Vectors] | None = None  # the last text checked
        self.last_seen = 0

    def add(self, rows: Rows) -> None:
        """Embed the ideas and take them in; the newest is most often the text just checked,
        whose vector is kept rather than computed again."""
        size = len(self._numbers)
        rows = list(rows)[-size:]
        if not rows:
            return
        texts = [text for _, _, text in rows]
        checked = self._checked
        if checked is not None and checked[0] == texts[-1]:
            vectors = np.vstack([self.vectors(texts[:-1]), checked[1][None, :]])
        else:
            vectors = self.vectors(texts)
        slots = (self._next + np.arange(len(rows))) % size
        self._vectors[slots] = vectors
        self._numbers[slots] = [number for _, number, _ in rows]
        for slot, text in zip(slots.tolist(), texts, strict=True):
            self._texts[slot] = text
        self._next = int(slots[-1] + 1) % size
        self._count = min(size, self._count + len(rows))
        self.last_seen = rows[-1][0]

    def nearest(self, text: str) -> list[int]:
        vector = self.vectors([text])[0]
        self._checked = (text, vector)
        cosines = self._vectors[: self._count].astype(np.float32) @ vector
        # Shared words only ever lower a score, so only those already above are scored again.
        probe = Fingerprint.of(text)
        scored = [
            (self.score(float(cosines[i]), probe, Fingerprint.of(self._texts[i])), int(i))
            for i in np.flatnonzero(cosines >= THRESHOLD)
        ]
        return [int(self._numbers[i]) for s, i in sorted(scored, reverse=True) if s >= THRESHOLD]

    def vectors(self, texts: Sequence[str]) -> sentences.Vectors:
        """Unit vectors measured from the playbook's centre."""
        centred = self._embed(texts) - self._centre
        centred -= (centred @ self._topic.T) @ self._topic
        result: sentences.Vectors = centred / np.maximum(
            np.linalg.norm(centred, axis=1, keepdims=True), 1e-9
        )
        return result

    def score(self, cosine: float, probe: Fingerprint, idea: Fingerprint) -> float:
        """How much two ideas say the same thing in other words: at or above THRESHOLD, a
        rewording (the cosine itself unless `shared_words` was given)."""
        if not self._shared_words:
            return cosine
        return cosine - self._shared_words * similarity(probe, idea)

    def scores(self, probes: Sequence[str], ideas: Sequence[str]) -> sentences.Vectors:
        """Every probe against every idea, as `nearest` scores them (for benchmarks and tests
        that judge whole sets)."""
        cosines = self.vectors(probes) @ self.vectors(ideas).T
        first, second = [Fingerprint.of(t) for t in probes], [Fingerprint.of(t) for t in ideas]
        for (i, j), cosine in np.ndenumerate(cosines):
            cosines[i, j] = self.score(float(cosine), first[i], second[j])
        return cosines
