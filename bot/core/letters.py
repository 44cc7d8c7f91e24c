"""Character-trigram Jaccard of one text against many at once (numpy), so a near-duplicate
check can rule out hundreds of candidates without building a set of trigrams for each."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]


def _codes(data: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint64]:
    """Each position's trigram of bytes as one number (the last two positions have none)."""
    wide = data.astype(np.uint64)
    high, middle = np.left_shift(wide[:-2], np.uint64(16)), np.left_shift(wide[1:-1], np.uint64(8))
    codes: npt.NDArray[np.uint64] = high | middle | wide[2:]
    return codes


def _distinct(keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """The distinct keys, sorted (a plain sort: faster here than numpy's hashing unique)."""
    ordered = np.sort(keys)
    fresh = np.ones(len(ordered), dtype=bool)
    fresh[1:] = ordered[1:] != ordered[:-1]
    return ordered[fresh]


def jaccards(probe: str, texts: Sequence[bytes]) -> Floats:
    """The trigram Jaccard of `probe` with each text (UTF-8 of normalised text), as
    `Fingerprint.trigrams` counts them; NaN where it cannot be told from bytes (a text or the
    probe not plain ASCII, whose characters span several bytes) or a side has no trigram."""
    found = np.full(len(texts), np.nan)
    if not texts or not probe.isascii() or len(probe) < 3:
        return found
    mine = _distinct(_codes(np.frombuffer(probe.encode(), dtype=np.uint8)))
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    data = np.frombuffer(b"".join(texts), dtype=np.uint8)
    if len(data) < 3:
        return found
    owner = np.repeat(np.arange(len(texts)), lengths)
    offset = np.arange(len(data)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    whole = (offset <= lengths[owner] - 3)[:-2]  # trigrams that do not cross into the next
    keys = _distinct(
        np.left_shift(owner[:-2][whole].astype(np.uint64), np.uint64(32)) | _codes(data)[whole]
    )
    texts_of = np.right_shift(keys, np.uint64(32)).astype(np.int64)
    codes = keys & np.uint64(0xFFFFFFFF)
    place = np.minimum(np.searchsorted(mine, codes), len(mine) - 1)
    distinct = np.bincount(texts_of, minlength=len(texts))
    shared = np.bincount(texts_of[mine[place] == codes], minlength=len(texts))
    plain = np.bincount(owner[data >= 128], minlength=len(texts)) == 0
    told = plain & (distinct > 0)
    found[told] = shared[told] / (distinct[told] + len(mine) - shared[told])
    return found
