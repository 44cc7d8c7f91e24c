"""An idea's sketch: the few facts a near-duplicate check needs to rule the idea out without
reading and scoring its text. Storage keeps it with the idea, written with its text.

A short idea made of common words shares the fewest stems a match needs (`similarity.needed`)
with a thousand ideas at 300,000; scoring each meant stemming its text and comparing its
trigrams. With the sketch, a check keeps only the candidates that could still reach the
threshold, which `Screen.keeps` bounds from the sketch alone:

* the same-words and contained tests depend only on the shared stems `s`, the probe's stems `p`
  and the candidate's `b` (`similarity.by_words`, decided exactly; `s` may be over-counted,
  as both tests only rise with it);
* the trigram test needs `J = |A ∩ B| / |A ∪ B| >= SAME_LETTERS` over the texts' trigrams,
  `a = |A|` the probe's and `c = |B|` the candidate's. The sketch sets bit `h(x)` for every
  trigram `x` of B, so each of the probe's trigrams whose bit is clear is surely missing from
  B: with `m` of them, `|A - B| >= m`, so `|A ∩ B| = a - |A - B| <= a - m` and
  `|A ∪ B| = c + |A - B| >= c + m`, hence `J <= (a - m) / (c + m)`. Below the threshold, the
  trigram test cannot pass; it is tried only when both ideas have `TRIGRAM_MIN_WORDS` stems.

An idea is a near-duplicate only if one of the three tests passes, so a candidate failing every
bound is never one: the screen drops no match (tests/bot/test_sketches.py checks it against
unscreened checks on random ideas). An unrelated idea misses about 80% of the probe's trigrams
and 512 bits are about a sixth set, so `m` comes close to `|A - B|` and nearly all are dropped.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

from bot.core.similarity import (
    SAME_LETTERS,
    SLACK,
    TRIGRAM_MIN_WORDS,
    Bools,
    Counts,
    Fingerprint,
    by_words,
)

BITS = 512  # trigram bits a sketch sets: 64 bytes an idea
HEADER = np.dtype([("stems", "<u4"), ("trigrams", "<u4")])
SIZE = HEADER.itemsize + BITS // 8


def _bit(trigram: str) -> int:
    """A trigram's bit: a stable hash (Python's `hash` differs from process to process)."""
    return zlib.crc32(trigram.encode()) % BITS


def of(text: str) -> bytes:
    """The sketch of an idea's text: its stem and trigram counts, then its trigrams' bits."""
    printed = Fingerprint.of(text)
    trigrams = printed.trigrams()
    bits = np.zeros(BITS, dtype=np.uint8)
    bits[[_bit(t) for t in trigrams]] = 1
    header = np.array([(len(printed.stems), len(trigrams))], dtype=HEADER)
    return header.tobytes() + np.packbits(bits, bitorder="little").tobytes()


class Screen:
    """A probe's side of the bounds in the module's docstring, for many candidates at once."""

    def __init__(self, probe: Fingerprint) -> None:
        self._stems = len(probe.stems)
        trigrams = probe.trigrams()
        self._trigrams = len(trigrams)
        self._bits = np.fromiter((_bit(t) for t in trigrams), np.int64, len(trigrams))

    def keeps(self, shared: Counts, sketches: Sequence[bytes | None]) -> Bools:
        """Which candidates could be near-duplicates: `shared[i]`, at least the stems the probe
        shares with candidate i, and its sketch (None, unknown: kept)."""
        kept = np.ones(len(sketches), dtype=bool)
        known = np.array([s is not None for s in sketches], dtype=bool)
        if not known.any():
            return kept
        data = np.frombuffer(b"".join(s for s in sketches if s is not None), dtype=np.uint8)
        rows = data.reshape(-1, SIZE)
        header = rows[:, : HEADER.itemsize].copy().view(HEADER).ravel()
        stems, trigrams = header["stems"].astype(np.int64), header["trigrams"].astype(np.int64)
        words, _ = by_words(np.asarray(shared)[known], self._stems, stems)
        bits = rows[:, HEADER.itemsize :]
        clear = (bits[:, self._bits >> 3] >> (self._bits & 7).astype(np.uint8)) & 1 == 0
        missing = clear.sum(axis=1)
        at_most = (self._trigrams - missing) / np.maximum(trigrams + missing, 1)
        letters = (np.minimum(stems, self._stems) >= TRIGRAM_MIN_WORDS) & (
            at_most >= SAME_LETTERS - SLACK
        )
        kept[known] = words | letters
        return kept
