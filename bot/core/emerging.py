"""Emerging themes from across the day: the playbook's and those organisers add, with the ideas
tagged to each (pure logic)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.core.domain import Emerging, Idea
from bot.core.names import normalise
from bot.core.plan import rank
from bot.core.playbook import Playbook


@dataclass(frozen=True, slots=True)
class EmergingIdeas:
    """One emerging theme and the plan's ideas tagged to it, ranked by the plan's one rule."""

    emerging: Emerging
    ideas: tuple[Idea, ...]
    more: int = 0  # tagged ideas beyond `ideas`, when only the leading ones were read

    @property
    def count(self) -> int:
        return len(self.ideas) + self.more


def key_of(title: str) -> str:
    """ "Branding matters" → "branding-matters": how people type an emerging theme."""
    return normalise(title)


def of_playbook(playbook: Playbook) -> tuple[Emerging, ...]:
    return tuple(Emerging(key_of(e.title), e.title, e.text) for e in playbook.emerging_themes)


def gather(themes: Sequence[Emerging], ideas: Iterable[Idea]) -> tuple[EmergingIdeas, ...]:
    """Each emerging theme with the ideas (of those given) tagged to it."""
    pool = list(ideas)
    return tuple(
        EmergingIdeas(theme, rank(i for i in pool if theme.key in i.emerging)) for theme in themes
    )
