"""The theme finder's port: a grouper sorts ideas' texts into the emerging themes given as
seeds and proposes new groups, with a label, for the rest; and says which seed a new idea is
close enough to join. The composition root hands in one that reads meaning (`bot.clustering`),
which the core never imports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Seed:
    """An emerging theme as the grouper sees it: its key, its title and text, and the texts
    of the ideas already tagged to it."""

    key: str
    text: str
    examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Group:
    """Ideas (by their index in the texts given) that belong together: in the seed `seed`, or
    a new group under `label`."""

    members: tuple[int, ...]
    label: str
    seed: str | None = None


class Grouper(Protocol):
    def group(self, texts: Sequence[str], seeds: Sequence[Seed]) -> Sequence[Group]:
        """Seeded groups first, then new ones; texts that fit nowhere are left out. CPU work:
        callers run it off the loop."""
        ...

    def nearest(self, text: str, seeds: Sequence[Seed]) -> str | None:
        """The key of the seed `text` is close enough to join, or None."""
        ...
