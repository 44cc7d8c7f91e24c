"""Realistic, distinct idea texts for benchmarks: the write-up's own ideas, near-duplicates
left out (the bot would hold those back, which is not what a vote benchmark measures)."""

from __future__ import annotations

from bot.core.playbook import load_default
from bot.core.similarity import Fingerprint, nearest


def distinct_ideas(count: int) -> list[str]:
    book = load_default()
    texts = [e for a in book.actors for e in a.examples] + list(book.sample_ideas)
    kept: list[str] = []
    for text in texts:
        if not nearest(Fingerprint.of(text), list(enumerate(kept, 1))):
            kept.append(text)
    if count > len(kept):
        raise ValueError(f"the write-up has {len(kept)} distinct ideas; asked for {count}")
    return kept[:count]
