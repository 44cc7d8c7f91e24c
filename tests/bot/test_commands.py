"""The command declarations: every form parses, who may use it is enforced before its use case
runs, and `help` and the README's command table say what the declarations say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core import grammar as g
from tests.bot.test_workshop import Room, refused, said
from tests.conftest import ctx

README = Path(__file__).resolve().parents[2] / "README.md"

# One line per declared form, as a participant would type it: a new form needs one here.
EXAMPLES = {
    "help": "help",
    "themes": "themes",
    "themes emerging": "themes emerging",
    "themes confirm <id>": "themes confirm t1",
    "themes rename <id> <label>": "themes rename t1 Homes for all",
    "themes merge <id> into <id>": "themes merge t2 into t1",
    "themes drop <id>": "themes drop t1",
    "prompt <theme> [n]": "prompt infra 2",
    "idea [<theme>:] <text>": "idea infra: more buses",
    "ideas [theme]": "ideas infra",
    "edit <id> <text>": "edit 1 Fewer buses",
    "withdraw <id>": "withdraw 1",
    "vote <id>": "vote 1",
    "unvote <id>": "unvote 1",
    "assign <id> <actor> [style] [stage]": "assign 1 authority funder early",
    "unassign <id>": "unassign 1",
    "merge <id> into <id>": "merge 2 into 1",
    "action <id>": "action 1",
    'action <id> [status] [owner "<name>"]': 'action 1 agreed owner "Bath Spa"',
    'action <id> note "<text>"': 'action 1 note "pilot funded"',
    "open <theme>": "open infra",
    "voting <theme>": "voting infra",
    "close <theme>": "close infra",
    "voting <theme> at <time>": "voting infra at 17:00",
    "close <theme> at <time>": "close infra at fri 17:00",
    "mute": "mute",
    "unmute": "unmute",
    "mute me": "mute me",
    "unmute me": "unmute me",
    "notify me": "notify me",
    "notify off": "notify off",
    "nudge": "nudge",
    "nudge daily <HH:MM> [zone]": "nudge daily 10:00",
    "nudge weekly <day> <HH:MM> [zone]": "nudge weekly mon 10:00 Europe/Paris",
    "nudge off": "nudge off",
    "follow-up": "follow-up",
    "follow-up daily <HH:MM> [zone]": "follow-up daily 09:30",
    "follow-up weekly <day> <HH:MM> [zone]": "follow-up weekly fri 16:00",
    "follow-up off": "follow-up off",
    'progress <id> "<text>"': 'progress 1 "pilot funded"',
    "plan [theme]": "plan",
    "channel": "channel",
    "channel <audience>": "channel business",
    "organisers": "organisers",
    "organisers here": "organisers here",
    "organiser add|remove <user>": "organiser add slack:U1",
    "flag <id> <reason>": "flag 1 off-topic advert",
    "flags": "flags",
    "hide <id>": "hide 1",
    "unhide <id>": "unhide 1",
    "history <id>": "history 1",
    "digest": "digest",
    "digest weekly <day> <HH:MM> [zone]": "digest weekly mon 09:00",
    "digest daily <HH:MM> [zone]": "digest daily 17:30 Europe/Paris",
    "digest now": "digest now",
    "digest off": "digest off",
    "my data": "my data",
    "data <user>": "data slack:U1",
    "forget me [confirm]": "forget me",
    "forget <user> [confirm]": "forget slack:U1 confirm",
    "propose <id> <actor> [style] [stage]": "propose 1 authority funder scaling",
    "emerging": "emerging",
    "emerging add <title>: <text>": "emerging add Be bold: take good risks",
    "tag <id> <emerging theme>": "tag 1 branding",
    "untag <id> <emerging theme>": "untag 1 branding",
    "move <id> <theme> [challenge]": "move 1 infra 2",
    "plan by actor [actor]": "plan by actor authority",
    "add mine <n>": "add mine 1",
    "confirm <id>": "confirm 1",
    "keep <id>": "keep 1",
    "agenda": "agenda",
    "step <step> [all]": "step evidence all",
    "hope <text>": "hope A brand the world knows",
    "risk <text>": "risk Nothing happens",
    "framing": "framing",
    "back <h1|r1|c1>": "back h1",
    "evidence": "evidence",
    "evidence <item>": "evidence university",
    "react <item> interesting|surprising|inspires [comment]": "react university surprising Bath!",
    "challenge <theme> <question>": "challenge infra How can we run night buses?",
    "challenges [theme]": "challenges infra",
    "promote <c1>": "promote c1",
    "synthesis": "synthesis",
    "synthesis edit <text>": "synthesis edit ## What we heard",
    "synthesis redraft": "synthesis redraft",
    "synthesis publish": "synthesis publish",
    "programme close": "programme close",
    "programme reopen": "programme reopen",
}


@pytest.fixture
def room(services) -> Room:
    return Room(services)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("?", g.Help()),
        ("   ", g.Help()),
        ("merge #2 into 1", g.Merge(2, 1)),
        ("merge 2 INTO 1", g.Merge(2, 1)),
        ("open inclusive growth", g.ChangePhase("inclusive growth", "open")),
        ("VOTING infra", g.ChangePhase("infra", "voting")),
        ("close infra", g.ChangePhase("infra", "close")),
        ("organizers", g.ListOrganisers()),
        ("organisers HERE", g.OrganisersHere()),
        ("organisers please", g.ListOrganisers()),
        ("flag #3 off-topic advert", g.FlagIdea(3, "off-topic advert")),
        ("flags", g.ListFlags()),
        ("hide 3", g.Hide(3, hidden=True)),
        ("unhide #3", g.Hide(3, hidden=False)),
        ("history 3", g.History(3)),
        ("digest", g.Digest("show")),
        ("digest NOW", g.Digest("now")),
        ("digest off", g.Digest("off")),
        ("digest weekly mon 09:00", g.Digest("set", ("weekly", "mon", "09:00"))),
        ("digest Daily 17:30 Europe/Paris", g.Digest("set", ("Daily", "17:30", "Europe/Paris"))),
        ("my data", g.ShowData()),
        ("MY Data", g.ShowData()),
        ("data slack:U1", g.ShowData("slack:U1")),
        ("forget me", g.Forget(None, confirmed=False)),
        ("forget me CONFIRM", g.Forget(None, confirmed=True)),
        ("forget slack:U1 confirm", g.Forget("slack:U1", confirmed=True)),
        ("withdraw #4", g.Withdraw(4)),
        ("edit 4 Safer lanes", g.EditIdea(4, "Safer lanes")),
    ],
)
def test_the_rest_of_the_grammar_parses(text: str, parsed: g.Parsed) -> None:
    assert g.parse(text) == parsed


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("my", "I don't know the command 'my'"),
        ("my votes", "I don't know the command 'my'"),
        ("merge 2 to 1", "Usage: `merge <id> into <id>`"),
        ("close", "Which theme? Usage: `close <theme> | close <theme> at <time>`"),
        ("flag 3", "Please say why #3 needs a look"),
        ("flag 3 " + "x" * 501, "Your reason is 501 characters long"),
        ("hide", "Which idea? Usage: `hide <id>`, e.g. `hide 12`."),
        ("unhide x", "'x' is not an idea number"),
        ("history", "Which idea? Usage: `history <id>`"),
        ("digest later", "Usage: `digest weekly mon 09:00`"),
        ("digest now please", "Usage: `digest weekly mon 09:00`"),
        ("data", "Whose data? Usage: `data <user>`"),
        ("forget", "Usage: `forget me`"),
        ("forget me now", "Usage: `forget me`"),
    ],
)
def test_the_rest_of_the_mistakes_get_a_hint(text: str, hint: str) -> None:
    with pytest.raises(g.GrammarError) as raised:
        g.parse(text)
    assert hint in str(raised.value)


def test_every_form_has_an_example_that_is_that_form() -> None:
    assert list(EXAMPLES) == [form.syntax for form in g.FORMS]
    ann = ctx("ann")
    for form in g.FORMS:
        command, parsed = g.declared(EXAMPLES[form.syntax])
        assert form in command.forms and command.form(parsed, ann) == form


def test_asking_about_yourself_is_the_everyone_form() -> None:
    ann = ctx("ann")
    command, parsed = g.declared(f"data {ann.who.key}")
    assert command.form(parsed, ann) == g.MY_DATA
    command, parsed = g.declared(f"forget {ann.who.key} confirm")
    assert command.form(parsed, ann) == g.FORGET_ME


async def test_organiser_forms_are_refused_to_participants_in_the_declared_words(
    room: Room,
) -> None:
    for form in g.FORMS:
        if form.organisers is None:
            continue
        reason = refused(await room.cmd("ann", EXAMPLES[form.syntax]))
        assert reason == (
            f"Only organisers can {form.organisers}. Ask an organiser if you think it's needed."
        ), form.syntax
        assert "Only organisers" not in said(await room.cmd("olive", EXAMPLES[form.syntax]))


async def test_help_shows_exactly_the_forms_each_user_may_use(room: Room) -> None:
    participant = said(await room.cmd("ann", "help"))
    organiser = said(await room.cmd("olive", "help"))
    for form in g.FORMS:
        line = f"`{form.syntax}` — {form.summary}"
        assert line in organiser
        assert (line in participant) is (form.organisers is None), form.syntax


def _readme_rows() -> list[tuple[str, str]]:
    """(syntax, who) for every form in the README's command table, in order."""
    section = README.read_text().split("## Commands", 1)[1].split("\n## ", 1)[0]
    rows: list[tuple[str, str]] = []
    for line in section.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) != 3 or cells[0] in ("Command", "---"):
            continue
        syntaxes = [s.strip().strip("`").replace("\\|", "|") for s in cells[0].split(" / ")]
        whos = [w.strip() for w in cells[1].split(" / ")]
        assert len(whos) in (1, len(syntaxes)), line
        rows += [(s, whos[i] if len(whos) > 1 else whos[0]) for i, s in enumerate(syntaxes)]
    return rows


def test_the_readme_command_table_matches_the_declarations() -> None:
    rows = _readme_rows()
    assert [syntax for syntax, _ in rows] == [form.syntax for form in g.FORMS]
    for (syntax, who), form in zip(rows, g.FORMS, strict=True):
        assert (who == "organisers") is (form.organisers is not None), syntax
