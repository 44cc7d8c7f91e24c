"""The command grammar: every command parses; every mistake gets a hint, not a crash."""

from __future__ import annotations

import pytest

from bot.core import grammar as g


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("", g.Help()),
        ("help", g.Help()),
        ("HELP", g.Help()),
        ("themes", g.Themes()),
        ("prompt inclusive-growth", g.PostPrompt("inclusive-growth")),
        ("prompt inclusive growth 3", g.PostPrompt("inclusive growth", 3)),
        ("idea More  bike lanes ", g.AddIdea("More  bike lanes")),
        ("ideas", g.ListIdeas()),
        ("ideas infra", g.ListIdeas("infra")),
        ("vote 12", g.Vote(12)),
        ("vote #12", g.Vote(12)),
        ("unvote #3", g.Unvote(3)),
        ("assign 4 authority", g.Assign(4, "authority")),
        (
            "assign #4 authority funder early stage",
            g.Assign(4, "authority", "funder", "early stage"),
        ),
        ("assign 4 “combined authority” funder", g.Assign(4, "combined authority", "funder")),
        ("unassign 4", g.Unassign(4)),
        ("plan", g.ShowPlan()),
        ("plan fostering", g.ShowPlan("fostering")),
        ("channel", g.SetChannel()),
        ("channel business", g.SetChannel("business")),
        ("organisers", g.ListOrganisers()),
        ("organizer add slack:U1", g.ChangeOrganiser(True, "slack:U1")),
        ("organiser remove teams:29:abc", g.ChangeOrganiser(False, "teams:29:abc")),
    ],
)
def test_commands_parse(text: str, parsed: g.Parsed) -> None:
    assert g.parse(text) == parsed


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("dance", "I don't know the command 'dance'"),
        ("vote", "Which idea?"),
        ("vote twelve", "'twelve' is not an idea number"),
        ("assign 4", "Assign #4 to whom?"),
        ("prompt", "Which theme?"),
        ("idea", "Your idea is empty"),
        ("idea    ", "Your idea is empty"),
        ("organiser promote bob", "Usage: `organiser add|remove <user>`"),
    ],
)
def test_mistakes_get_a_hint(text: str, hint: str) -> None:
    with pytest.raises(g.GrammarError, match=hint.replace("|", r"\|").replace("?", r"\?")):
        g.parse(text)


def test_theme_tag_splits_only_a_short_leading_word() -> None:
    assert g.theme_tag("infra: more buses") == ("infra", "more buses")
    assert g.theme_tag("Note: this is long") == ("Note", "this is long")
    assert g.theme_tag("see https://example.org") == (None, "see https://example.org")
    assert g.theme_tag("ratio 2:1 is fine") == (None, "ratio 2:1 is fine")


def test_unbalanced_quotes_fall_back_to_plain_words() -> None:
    assert g.parse('assign 4 "authority') == g.Assign(4, '"authority')


def test_edit_and_withdraw_take_an_idea_number_and_edit_its_text() -> None:
    assert g.parse("edit #12 Safer   bike lanes") == g.EditIdea(12, "Safer   bike lanes")
    assert g.parse("withdraw 12") == g.Withdraw(12)
    with pytest.raises(g.GrammarError, match="What should #12 say"):
        g.parse("edit 12")
    with pytest.raises(g.GrammarError, match="Which idea"):
        g.parse("withdraw")
