"""The trigram Jaccard computed for many texts at once equals the one `similarity` computes
idea by idea, and says "can't tell" (NaN) rather than guess for text beyond plain ASCII."""

from __future__ import annotations

import math
import random

from bot.core.letters import jaccards
from bot.core.similarity import Fingerprint


def exact(a: str, b: str) -> float:
    a3, b3 = Fingerprint.of(a).trigrams(), Fingerprint.of(b).trigrams()
    return len(a3 & b3) / len(a3 | b3) if a3 and b3 else math.nan


def test_many_at_once_equal_one_by_one() -> None:
    rng = random.Random(3)
    words = ["open", "school", "fields", "bus", "lane", "skills", "hub", "brand", "fund", "ab", "a"]
    texts = [" ".join(rng.choices(words, k=rng.randint(1, 9))) for _ in range(300)]
    texts += ["ab", "a", "aaaa aaaa"]  # too short for a trigram, and repeats
    probe = "open school playing fields skills hub"
    found = jaccards(probe, [Fingerprint.of(t).plain.encode() for t in texts])
    for text, got in zip(texts, found, strict=True):
        want = exact(probe, text)
        assert (math.isnan(got) and math.isnan(want)) or math.isclose(got, want), text


def test_text_beyond_ascii_is_left_to_the_exact_score() -> None:
    texts = [
        Fingerprint.of(t).plain.encode()
        for t in ["δωρεάν λεωφορεία για όλους", "open school fields"]
    ]
    found = jaccards("open school fields", texts)
    assert math.isnan(found[0]) and found[1] == 1.0
    assert all(math.isnan(x) for x in jaccards("λεωφορεία για όλους", texts))
    assert len(jaccards("open school", [])) == 0
