"""The bundled playbook is the write-up's workshop; broken playbooks say where they break."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import playbook
from bot.core.playbook import PlaybookError

WRITEUP = Path(__file__).resolve().parents[3] / "shared" / "seed" / "lis-lab-writeup.txt"


@pytest.fixture(scope="module")
def book() -> playbook.Playbook:
    return playbook.load_default()


def test_default_playbook_runs_the_writeups_workshop(book: playbook.Playbook) -> None:
    assert book.name == "Local Industrial Strategy Lab"
    assert [t.title for t in book.themes] == [
        "Inclusive growth",
        "Environment for growth",
        "Fostering innovation",
        "Investing in infrastructure",
    ]
    assert [len(t.challenges) for t in book.themes] == [8, 11, 11, 8]
    assert [a.name for a in book.actors] == [
        "Individuals and groups",
        "Organisations and businesses",
        "Combined authority",
    ]
    assert [a.government for a in book.actors] == [False, False, True]
    assert [a.key for a in book.audiences] == ["community", "business", "authority", "stakeholders"]
    assert book.votes_per_theme == 5
    assert len(book.emerging_themes) == 7


def test_styles_grid_has_every_cell_named_and_described(book: playbook.Playbook) -> None:
    assert [s.name for s in book.styles] == [
        "Collaborator",
        "Steward",
        "Customer",
        "Provider",
        "Funder",
        "Regulator",
        "Legislator",
    ]
    assert [s.name for s in book.stages] == ["Early stage", "Framing", "Scaling", "Developing"]
    for style in book.styles:
        assert [c.stage_key for c in style.cells] == [s.key for s in book.stages]
        assert all(c.name and c.description for c in style.cells)
    assert book.style("funder").cell("scaling").name == "Grants and subsidies"
    assert book.style("collaborator").cell("early-stage").name == "Champion"


@pytest.mark.skipif(not WRITEUP.exists(), reason="the write-up lives in ../shared")
def test_challenges_and_examples_are_verbatim_from_the_writeup(book: playbook.Playbook) -> None:
    text = " ".join(WRITEUP.read_text(encoding="utf-8").split())
    for theme in book.themes:
        for challenge in theme.challenges:
            assert " ".join(challenge.split()) in text, challenge
    for actor in book.actors:
        assert actor.examples
        for example in actor.examples:
            assert " ".join(example.split()) in text, example


def test_every_theme_but_one_has_evidence(book: playbook.Playbook) -> None:
    with_evidence = [t.key for t in book.themes if t.evidence]
    assert "environment-for-growth" not in with_evidence  # the write-up gives none
    assert len(with_evidence) == 3


MINIMAL = """
[programme]
key = "mini"
name = "Mini"
[[audiences]]
key = "community"
name = "Community"
[[actors]]
key = "people"
name = "People"
[[stages]]
key = "now"
name = "Now"
[[themes]]
key = "parks"
title = "Parks"
challenges = ["Make parks greener?"]
"""


def test_a_minimal_playbook_loads_with_defaults(tmp_path: Path) -> None:
    path = tmp_path / "mini.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    book = playbook.load(path)
    assert book.votes_per_theme == 5
    assert book.timezone == "UTC"
    assert book.default_audience == "community"
    assert book.themes[0].challenges == ("Make parks greener?",)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda t: t.replace('key = "parks"', 'key = "Parks Now"'), "themes[0].key"),
        (
            lambda t: t.replace('challenges = ["Make parks greener?"]', "challenges = []"),
            "themes[0].challenges",
        ),
        (lambda t: t + "[voting]\nvotes_per_theme = 0\n", "voting.votes_per_theme"),
        (
            lambda t: t.replace('name = "Mini"', 'name = "Mini"\ntimezone = "Mars/Olympus"'),
            "programme.timezone",
        ),
        (
            lambda t: t.replace('name = "Mini"', 'name = "Mini"\ndefault_audience = "aliens"'),
            "programme.default_audience",
        ),
        (
            lambda t: t + '[[themes]]\nkey = "parks"\ntitle = "Again"\nchallenges = ["x?"]\n',
            "themes",
        ),
        (lambda t: t.replace('[programme]\nkey = "mini"\nname = "Mini"\n', ""), "programme"),
        (lambda t: t + '[[styles]]\nkey = "funder"\nname = "Funder"\n', "actors"),
        (lambda t: t + "this is not toml", "not valid TOML"),
        (
            lambda t: t + '[[suggestion_examples]]\nactor = "robots"\nideas = ["Beep."]\n',
            "suggestion_examples[0].actor",
        ),
        (
            lambda t: (
                t + '[[suggestion_examples]]\nactor = "people"\nstyle = "funder"\n'
                'ideas = ["Give."]\n'
            ),
            "suggestion_examples[0].style",
        ),
        (
            lambda t: (
                t + '[[suggestion_examples]]\nactor = "people"\ntheme = "moon"\nideas = ["Go."]\n'
            ),
            "suggestion_examples[0].theme",
        ),
        (
            lambda t: t + '[[suggestion_examples]]\nactor = "people"\nideas = []\n',
            "suggestion_examples[0].ideas",
        ),
    ],
)
def test_a_broken_playbook_names_the_file_and_the_field(tmp_path: Path, change, field) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(change(MINIMAL), encoding="utf-8")
    with pytest.raises(PlaybookError) as caught:
        playbook.load(path)
    assert str(path) in str(caught.value)
    assert field in str(caught.value)


def test_a_missing_playbook_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(PlaybookError, match=r"nowhere\.toml: cannot be read"):
        playbook.load(tmp_path / "nowhere.toml")
