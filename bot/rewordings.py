"""Duplicates by meaning, the model's side (`bot.core.rewording.Window`): the newest ideas'
all-MiniLM-L6-v2 vectors (`bot.sentences`) in a ring of float16 rows, compared with a new idea
by cosine once the programme's topic is taken away, less what the two share in words.

A programme's ideas all speak of the same things, so their raw cosines sit high (up to 0.67
between the write-up's distinct ideas, while rewordings score 0.41 to 0.84). Taking away the
centre of the playbook's own ideas and the one direction they spread along most (the topic
they share: "all-but-the-top") leaves what two ideas say beyond it. The model also reads
surface words, so two ideas sharing "clean up polluted" score high while saying different
things; a rewording shares few words by definition (the word index catches the rest first), so
the words' own score (`bot.core.similarity`) is taken off the cosine, at half its weight.

Chosen on bench/data/reworded_pairs.txt and the write-up's 113 distinct ideas only, then
reported on a second set written beforehand (bench.near_duplicates prints every figure):
the threshold is the lowest that flags none of the 113, with a small margin. Rewordings
caught went from 9 to 17 of 30 on the first set and from 18 to 26 of 48 on the second; false
flags among 65 hard negatives (distinct ideas on the same topic) from 7 to 0."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from bot import sentences
from bot.core.rewording import Rows
from bot.core.similarity import Fingerprint, similarity

THRESHOLD = 0.455
TOPIC_DIRECTIONS = 1  # the reference's principal directions taken away after its centre
SHARED_WORDS = 0.5  # the weight of the words' score taken off the cosine


class MeaningWindow:
    """At most `size` ideas; a check scores them all (2,000 x 384 float16: 1.5 MB)."""

    def __init__(
        self,
        reference: Sequence[str],
        size: int,
        *,
        directions: int = TOPIC_DIRECTIONS,
        shared_words: float = SHARED_WORDS,
        embed: Callable[[Sequence[str]], sentences.Vectors] = sentences.embed,
    ) -> None:
        """`directions`, `shared_words` and `embed` are the bot's own unless a benchmark
        compares other settings (bench.near_duplicates)."""
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
        # Shared words only ever lower a score, so only those already above are looked at.
        probe = Fingerprint.of(text)
        scored = [
            (self.score(float(cosines[i]), probe, Fingerprint.of(self._texts[i])), int(i))
            for i in np.flatnonzero(cosines >= THRESHOLD)
        ]
        return [int(self._numbers[i]) for s, i in sorted(scored, reverse=True) if s >= THRESHOLD]

    def vectors(self, texts: Sequence[str]) -> sentences.Vectors:
        """Unit vectors with the programme's topic taken away."""
        centred = self._embed(texts) - self._centre
        centred -= (centred @ self._topic.T) @ self._topic
        result: sentences.Vectors = centred / np.maximum(
            np.linalg.norm(centred, axis=1, keepdims=True), 1e-9
        )
        return result

    def score(self, cosine: float, probe: Fingerprint, idea: Fingerprint) -> float:
        """How much two ideas say the same thing in other words: at or above THRESHOLD, a
        rewording."""
        return cosine - self._shared_words * similarity(probe, idea)

    def scores(self, probes: Sequence[str], ideas: Sequence[str]) -> sentences.Vectors:
        """Every probe against every idea, as `nearest` scores them (for benchmarks and tests
        that judge whole sets)."""
        cosines = self.vectors(probes) @ self.vectors(ideas).T
        first, second = [Fingerprint.of(t) for t in probes], [Fingerprint.of(t) for t in ideas]
        for (i, j), cosine in np.ndenumerate(cosines):
            cosines[i, j] = self.score(float(cosine), first[i], second[j])
        return cosines
