"""Names match by key, name, or an unambiguous prefix, case-insensitively."""

from __future__ import annotations

import pytest

from bot.core import names, playbook

BOOK = playbook.load_default()


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("inclusive-growth", "inclusive-growth"),
        ("Inclusive Growth", "inclusive-growth"),
        ("incl", "inclusive-growth"),
        ("ENV", "environment-for-growth"),
        ("infra", "investing-in-infrastructure"),
        ("innovation", "fostering-innovation"),
    ],
)
def test_themes_resolve(typed: str, key: str) -> None:
    assert names.resolve(typed, BOOK.themes, "theme").key == key


def test_ambiguous_prefix_is_refused_and_lists_the_candidates() -> None:
    with pytest.raises(names.NoMatch, match="could be any of `inclusive-growth`, `environment"):
        names.resolve("growth", BOOK.themes, "theme")


def test_unknown_name_lists_the_choices() -> None:
    with pytest.raises(names.NoMatch, match=r"There is no actor called 'aliens'\. Try one of"):
        names.resolve("aliens", BOOK.actors, "actor")


@pytest.mark.parametrize(
    ("typed", "items", "key"),
    [
        ("combined authority", BOOK.actors, "authority"),
        ("org", BOOK.actors, "organisations"),
        ("early stage", BOOK.stages, "early-stage"),
        ("early", BOOK.stages, "early-stage"),
        ("Fund", BOOK.styles, "funder"),
    ],
)
def test_actors_styles_and_stages_resolve(typed, items, key) -> None:
    assert names.resolve(typed, items, "x").key == key
