"""A playbook's labelled ideas that teach the actor and style suggestions: short ideas in its
own voice, each with the actor who could act on it (and, for the government actor, the style of
action), so suggestions start from more than the write-up's few lists."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

Fail = Callable[[str, str], Exception]


@dataclass(frozen=True, slots=True)
class LabelledIdea:
    text: str
    actor_key: str
    style_key: str | None  # the government actor's only
    theme_key: str | None  # which theme it was written for: how balanced the examples are


def read_labelled(
    data: dict[str, Any],
    actors: dict[str, bool],
    styles: Collection[str],
    themes: Collection[str],
    fail: Fail,
) -> tuple[LabelledIdea, ...]:
    """`[[suggestion_examples]]` tables: `actor`, `style` (for the actor with government =
    true), optional `theme`, and `ideas`. `actors` maps each actor's key to its government flag."""
    tables = data.get("suggestion_examples", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise fail("suggestion_examples", "must be an array of tables ([[...]])")
    labelled = []
    for i, table in enumerate(tables):
        where = f"suggestion_examples[{i}]."
        actor = table.get("actor")
        if actor not in actors:
            raise fail(f"{where}actor", f"{actor!r} is not an actor")
        style = table.get("style")
        if actors[actor] and style not in styles:
            raise fail(f"{where}style", f"{style!r} is not a style (the government's need one)")
        if not actors[actor] and style is not None:
            raise fail(f"{where}style", "only the government actor's ideas have a style")
        theme = table.get("theme")
        if theme is not None and theme not in themes:
            raise fail(f"{where}theme", f"{theme!r} is not a theme")
        ideas = table.get("ideas")
        if (
            not isinstance(ideas, list)
            or not ideas
            or not all(isinstance(t, str) and t.strip() for t in ideas)
        ):
            raise fail(f"{where}ideas", "must be a list of non-empty strings")
        labelled += [LabelledIdea(t.strip(), actor, style, theme) for t in ideas]
    return tuple(labelled)
