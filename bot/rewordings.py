"""Duplicates by meaning, the model's side (`bot.core.rewording.Window`): the newest ideas'
all-MiniLM-L6-v2 vectors (`bot.sentences`) in a ring of float16 rows, compared with a new idea
by cosine after taking away the centre of the playbook's own ideas.

A programme's ideas all speak of the same things, so their raw cosines sit high (up to 0.67
between the write-up's distinct ideas, while rewordings score 0.41 to 0.84); measured from the
playbook's centre, what two ideas share beyond the topic is what counts. The threshold is the
lowest that flags none of the write-up's 113 distinct ideas, with a small margin; the table of
recall and false flags per threshold is printed by bench.near_duplicates."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot import sentences
from bot.core.rewording import Rows

THRESHOLD = 0.56


class MeaningWindow:
    """At most `size` ideas; a check scores them all (2,000 x 384 float16: 1.5 MB)."""

    def __init__(self, reference: Sequence[str], size: int) -> None:
        self._centre = (
            sentences.embed(reference).mean(axis=0)
            if reference
            else np.zeros(sentences.DIMENSIONS, dtype=np.float32)
        )
        self._vectors = np.zeros((size, sentences.DIMENSIONS), dtype=np.float16)
        self._numbers = np.zeros(size, dtype=np.int64)
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
        self._next = int(slots[-1] + 1) % size
        self._count = min(size, self._count + len(rows))
        self.last_seen = rows[-1][0]

    def nearest(self, text: str) -> list[int]:
        vector = self.vectors([text])[0]
        self._checked = (text, vector)
        scores = self._vectors[: self._count].astype(np.float32) @ vector
        hits = np.flatnonzero(scores >= THRESHOLD)
        return [int(self._numbers[i]) for i in hits[np.argsort(-scores[hits])]]

    def vectors(self, texts: Sequence[str]) -> sentences.Vectors:
        """Unit vectors measured from the playbook's centre."""
        centred = sentences.embed(texts) - self._centre
        result: sentences.Vectors = centred / np.maximum(
            np.linalg.norm(centred, axis=1, keepdims=True), 1e-9
        )
        return result
