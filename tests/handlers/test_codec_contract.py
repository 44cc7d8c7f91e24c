"""Every card the core can produce, at its largest legal input, through both codecs, checked
against what the platforms accept rather than what our fakes accept.

Slack: the documented Block Kit limits of each block and element, counted as Slack counts them
(UTF-16 code units), and the total text of a message or view within `slack_codec.TEXT_BUDGET`
(Slack refuses with `msg_blocks_too_long` from about 11,300 characters). Teams: the Adaptive Cards
1.5 schema, vendored beside the Teams tests (microsoft/AdaptiveCards, schemas/1.5.0/
adaptive-card.json, MIT licence; its descriptions and examples left out, every validating keyword
kept), and the card's size as the connector serialises it.

`BUILDERS` names every public card builder in `bot/core/*cards*.py`; a new builder that is not
added there fails `test_every_card_builder_is_covered`.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot.core import (
    actor_cards,
    agenda_cards,
    cards,
    digest_cards,
    emerging_cards,
    grammar,
    moderation_cards,
    theme_cards,
)
from bot.core.agenda import (
    MAX_COMMENT_CHARS,
    MAX_CONTRIBUTION_CHARS,
    MAX_SYNTHESIS_CHARS,
    Contribution,
    Kind,
    Standing,
    Synthesis,
    Tally,
)
from bot.core.by_actor import ActorPlan
from bot.core.digest import (
    BACKED_IDEAS,
    NEW_IDEAS,
    Backed,
    Decided,
    Decision,
    DigestFigures,
    DigestIdea,
    Participation,
    ThemeFigures,
)
from bot.core.domain import (
    ActionNote,
    Assignment,
    Emerging,
    Flag,
    HistoryEntry,
    Idea,
    MergedIdea,
    Participant,
    PersonalData,
    Phase,
    ProgrammeStats,
    Proposal,
    ProposedTheme,
    Status,
    ThemeState,
)
from bot.core.emerging import gather
from bot.core.interaction import POST_PROMPT, Actions, Button, Card, Form
from bot.core.plan import build_plan, rank
from bot.core.plan_views import TOP, UNASSIGNED, CellKey, PlanSummary, Top, Tops, summarise
from bot.core.playbook import Playbook, load_default
from bot.core.workshop import MAX_IDEA_CHARS
from handlers.slack import codec as slack_codec
from handlers.teams import codec as teams_codec
from handlers.teams.wire import wire

SCHEMA = json.loads(
    (Path(__file__).parent / "teams" / "adaptive-card-1.5.schema.json").read_text("utf-8")
)
TEAMS_MESSAGE_BYTES = 28_000  # Teams refuses a message over about 28 KB, envelope included
ENVELOPE_BYTES = 4_000  # the activity around a card: ids, names, the 200-character summary
SLACK_REFUSES_FROM = 11_000  # total block text at which msg_blocks_too_long has been reported
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

# The largest legal texts, in the scripts that stress each count: emoji (2 UTF-16 units, 4 bytes
# in UTF-8), CJK (1 unit, 3 bytes), Slack's and Teams' markup characters (5 or 2 when escaped).
FLAVOURS = {
    "emoji": "🌍",
    "cjk": "漢",
    "markup": "&<>",
    "grapheme": "👩🏽‍🚀",
}


def longest(flavour: str, limit: int) -> str:
    unit = FLAVOURS[flavour]
    return (unit * (limit // len(unit) + 1))[:limit]


# ---- the largest legal inputs ------------------------------------------------------------------


def person(flavour: str, n: int) -> Participant:
    return Participant("teams", f"29:{n}", longest(flavour, 256))


def big_playbook(flavour: str) -> Playbook:
    """The bundled playbook with a long programme name: names and keys are otherwise its own."""
    return replace(load_default(), name=longest(flavour, 200))


def ideas(playbook: Playbook, flavour: str, count: int = 300) -> list[Idea]:
    """`count` ideas of the longest text, spread over every theme and actor, voted for by every
    audience, most of them actions with an owner and a long note, the first merging 100 others."""
    text = longest(flavour, MAX_IDEA_CHARS)
    audiences = [a.key for a in playbook.audiences]
    made = []
    for n in range(1, count + 1):
        theme = playbook.themes[n % len(playbook.themes)]
        actor = playbook.actors[n % len(playbook.actors)]
        style = playbook.styles[n % len(playbook.styles)]
        stage = playbook.stages[n % len(playbook.stages)]
        assigned = n % 4 != 0
        made.append(
            Idea(
                number=n,
                text=text,
                theme_key=theme.key,
                author=person(flavour, n),
                platform="teams",
                channel_name=longest(flavour, 80),
                audience=audiences[n % len(audiences)],
                created_at=NOW,
                assignment=Assignment(actor.key, style.key, stage.key) if assigned else None,
                votes_by_audience={a: 1000 + n for a in audiences},
                merged=tuple(MergedIdea(1000 + m, person(flavour, m)) for m in range(100))
                if n == 1
                else (),
                suggestion=None if assigned else Assignment(actor.key, style.key, stage.key),
                status=Status.AGREED if assigned else None,
                owner=longest(flavour, 200) if assigned else None,
                latest_note=ActionNote(longest(flavour, 1000), "teams:29:1", NOW)
                if assigned
                else None,
                challenge=len(theme.challenges) - 1,
                proposals=tuple(
                    Proposal(Assignment(a.key, s.key, g.key), 10**5 - k)
                    for k, (a, s, g) in enumerate(
                        (a, s, g)
                        for a in playbook.actors
                        for s in playbook.styles
                        for g in playbook.stages
                    )
                ),
                emerging=tuple(e.key for e in emerging_themes(flavour)),
            )
        )
    return made


def emerging_themes(flavour: str) -> tuple[Emerging, ...]:
    """More emerging themes than a card shows, each at its longest title and text."""
    return tuple(
        Emerging(f"added-{n}", longest(flavour, 100), longest(flavour, 500), added=True)
        for n in range(40)
    )


def proposed(flavour: str) -> list[ProposedTheme]:
    """More proposals than the card shows, at their longest labels, each with every idea;
    every other one into an existing emerging theme."""
    keys = [e.key for e in emerging_themes(flavour)]
    return [
        ProposedTheme(
            n,
            longest(flavour, 100),
            tuple(range(1, 301)),
            keys[n % len(keys)] if n % 2 else None,
            ThemeState.OPEN,
        )
        for n in range(1, theme_cards.PROPOSALS_SHOWN + 6)
    ]


def names(flavour: str) -> dict[str, str]:
    return {e.key: e.name for e in emerging_themes(flavour)}


def plan_of(playbook: Playbook, flavour: str) -> Any:
    made = ideas(playbook, flavour)
    stats = ProgrammeStats(len(made), 10**6, 10**5)
    voters = {t.key: {a.key: 5000 for a in playbook.audiences} for t in playbook.themes}
    phases = {t.key: Phase.VOTING for t in playbook.themes}
    return build_plan(playbook, made, stats, None, phases, voters, emerging_themes(flavour))


def actors_of(playbook: Playbook, flavour: str) -> tuple[ActorPlan, ...]:
    """Each actor's leading ideas across themes and count, as `plan by actor` reads them."""
    plan = plan_of(playbook, flavour)
    gathered = {
        a.key: rank(i for tp in plan.themes for c in tp.cells if c.actor == a for i in c.ideas)
        for a in playbook.actors
    }
    return tuple(
        ActorPlan(a, gathered[a.key][: cards.LIST_LIMIT], len(gathered[a.key]))
        for a in playbook.actors
    )


def summary_of(playbook: Playbook, flavour: str) -> PlanSummary:
    """The plan at a glance as the database would count `plan_of`: each cell's top and count."""
    plan = plan_of(playbook, flavour)
    cells = {}
    for tp in plan.themes:
        for cell in tp.cells:
            cells[CellKey(tp.theme.key, cell.actor.key)] = Top(cell.ideas[:TOP], len(cell.ideas))
        cells[CellKey(tp.theme.key, UNASSIGNED)] = Top(tp.unassigned[:TOP], len(tp.unassigned))
    backed = {
        tp.theme.key: tuple((i, tp.consensus(i) or 0.0) for i in tp.broadly_backed())
        for tp in plan.themes
    }
    phases = {tp.theme.key: tp.phase for tp in plan.themes}
    return summarise(
        playbook, Tops(cells, backed), frozenset(), plan.stats, phases, plan.emerging, 1
    )


def flags(flavour: str) -> list[Flag]:
    return [
        Flag(n, longest(flavour, 500), person(flavour, n), NOW - timedelta(hours=n))
        for n in range(1, 101)
    ]


def history(flavour: str) -> list[HistoryEntry]:
    return [
        HistoryEntry(1, f"teams:29:{n}", "edit", {"text": longest(flavour, 3000)}, NOW)
        for n in range(300)
    ]


def notes(flavour: str) -> list[ActionNote]:
    return [ActionNote(longest(flavour, 1000), longest(flavour, 200), NOW) for _ in range(300)]


def personal(flavour: str) -> PersonalData:
    text = longest(flavour, MAX_IDEA_CHARS)
    return PersonalData(
        person(flavour, 1),
        tuple({"id": n, "theme": "t", "created_at": "2026", "text": text} for n in range(300)),
        tuple({"idea": n, "audience": "a", "cast_at": "2026"} for n in range(300)),
        tuple(
            {"idea": n, "flagged_at": "2026", "reason": longest(flavour, 500)} for n in range(100)
        ),
        tuple(
            {"kind": "hope", "id": f"h{n}", "at": "2026", "text": longest(flavour, 500)}
            for n in range(100)
        ),
    )


def contributions(playbook: Playbook, flavour: str, kind: Kind) -> list[Contribution]:
    """Many of the longest contributions, each backed by every audience, on every theme."""
    themes = [t.key for t in playbook.themes]
    return [
        Contribution(
            kind,
            10**6 + n,
            longest(flavour, MAX_CONTRIBUTION_CHARS),
            themes[n % len(themes)] if kind is Kind.CHALLENGE else None,
            person(flavour, n),
            playbook.audiences[0].key,
            NOW,
            {a.key: 10**5 for a in playbook.audiences},
        )
        for n in range(40)
    ]


def tally(playbook: Playbook, flavour: str) -> Tally:
    counts = {r: {a.key: 10**5 for a in playbook.audiences} for r in ("interesting", "surprising")}
    comments = tuple(
        (playbook.audiences[0].key, longest(flavour, MAX_COMMENT_CHARS)) for _ in range(300)
    )
    return Tally(counts, comments)


def standing(playbook: Playbook, flavour: str) -> Standing:
    channels = {
        ("teams", "t", f"19:{n}"): (
            playbook.agenda[n % len(playbook.agenda)].key,
            longest(flavour, 300),
        )
        for n in range(200)
    }
    return Standing(playbook.agenda[0].key, channels, NOW)


def synthesis_text(flavour: str) -> str:
    """The longest synthesis an organiser may save: sections and points of long lines."""
    line = longest(flavour, 400)
    text = "\n".join(f"## {line}\n- {line}\n{line}" for _ in range(40))
    return text[:MAX_SYNTHESIS_CHARS]


def digest_figures(playbook: Playbook, flavour: str) -> DigestFigures:
    text = longest(flavour, MAX_IDEA_CHARS)
    audiences = {a.key: 10**4 for a in playbook.audiences}

    def idea(n: int, theme: str) -> DigestIdea:
        return DigestIdea(n, text, theme, 10**5, audiences)

    themes = {
        t.key: ThemeFigures(
            t.key,
            tuple(range(len(t.challenges))),
            10**4,
            10**4,
            10**3,
            tuple(idea(n, t.key) for n in range(NEW_IDEAS)),
        )
        for t in playbook.themes
    }
    actor, style, stage = playbook.actors[0], playbook.styles[0], playbook.stages[0]
    decisions = [
        Decision(kind, n, text, NOW, actor.key, style.key, stage.key, Status.AGREED, text, text, n)
        for n in range(100)
        for kind in Decided
    ]
    return DigestFigures(
        NOW - timedelta(days=7),
        NOW,
        tuple(Participation(a.key, "teams", 10**4, 10**5, 10**3) for a in playbook.audiences),
        10**5,
        themes,
        tuple(decisions),
        tuple(Backed(idea(n, playbook.themes[0].key), 0.5) for n in range(BACKED_IDEAS)),
    )


LINK = "https://howcanwe.example.org/plan?t=" + "a" * 400  # a signed link is long


# Every public builder in bot/core/*cards*.py, each with the largest cards it can make.
Made = list[Card | Form]
BUILDERS: dict[str, Callable[[Playbook, str], Made]] = {
    "cards.prompt_card": lambda p, f: [
        cards.prompt_card(p, t, i, 10**6, "collecting ideas")
        for t in p.themes
        for i in range(len(t.challenges))
    ],
    "cards.idea_form": lambda p, f: [
        cards.idea_form(t, c, 10**6) for t in p.themes for c in t.challenges
    ],
    "cards.idea_card": lambda p, f: (
        [
            cards.idea_card(p, i)
            for i in [*ideas(p, f, 4), replace(ideas(p, f, 1)[0], merged_into=2)]
        ]
        + [cards.idea_card(p, replace(ideas(p, f, 1)[0], hidden=True))]
    ),
    "cards.history_card": lambda p, f: [cards.history_card(ideas(p, f, 1)[0], notes(f))],
    "cards.removed_card": lambda p, f: [cards.removed_card(10**6)],
    "cards.duplicate_card": lambda p, f: [
        cards.duplicate_card(p, ideas(p, f, 1)[0], longest(f, MAX_IDEA_CHARS), 10**6)
    ],
    "cards.ideas_card": lambda p, f: [
        cards.ideas_card(p, ideas(p, f, cards.LIST_LIMIT), 300_000, None),
        cards.ideas_card(p, ideas(p, f, cards.LIST_LIMIT), 300_000, p.themes[0]),
    ],
    "cards.summary_card": lambda p, f: [
        cards.summary_card(p, summary_of(p, f)),
        cards.summary_card(p, summary_of(p, f), None, LINK),
        cards.summary_card(p, summary_of(p, f), p.themes[0].key, LINK),
    ],
    "cards.themes_card": lambda p, f: [cards.themes_card(p, {})],
    "cards.help_card": lambda p, f: [
        cards.help_card(p, grammar.help_lines(who), who) for who in (True, False)
    ],
    "digest_cards.digest_card": lambda p, f: [
        digest_cards.digest_card(
            p,
            digest_figures(p, f),
            "Europe/London",
            LINK,
            [(e, 10**5) for e in emerging_themes(f)],
        )
    ],
    "actor_cards.by_actor_card": lambda p, f: [
        actor_cards.by_actor_card(p, summary_of(p, f), actors_of(p, f)),
        actor_cards.by_actor_card(p, summary_of(p, f), actors_of(p, f), LINK),
    ],
    "emerging_cards.emerging_card": lambda p, f: [
        emerging_cards.emerging_card(
            gather(plan_of(p, f).emerging, plan_of(p, f).ideas), longest(f, 200)
        )
    ],
    "theme_cards.proposals_card": lambda p, f: [
        theme_cards.proposals_card(
            p, proposed(f), {i.number: i for i in ideas(p, f)}, names(f), longest(f, 200)
        ),
        theme_cards.proposals_card(p, [], {}, {}, longest(f, 200)),
    ],
    "moderation_cards.flag_card": lambda p, f: [
        moderation_cards.flag_card(ideas(p, f, 1)[0], person(f, 1), longest(f, 500))
    ],
    "moderation_cards.flags_card": lambda p, f: [moderation_cards.flags_card(flags(f))],
    "moderation_cards.history_card": lambda p, f: [moderation_cards.history_card(1, history(f))],
    "moderation_cards.data_card": lambda p, f: [
        moderation_cards.data_card(personal(f), True),
        moderation_cards.data_card(personal(f), False),
    ],
    "agenda_cards.agenda_card": lambda p, f: [
        agenda_cards.agenda_card(p, standing(p, f), ("teams", "t", "19:1"))
    ],
    "agenda_cards.framing_card": lambda p, f: [
        agenda_cards.framing_card(
            p.agenda[0], contributions(p, f, Kind.HOPE), contributions(p, f, Kind.RISK), p
        ),
        agenda_cards.framing_card(None, [], [], p),
    ],
    "agenda_cards.evidence_card": lambda p, f: [
        agenda_cards.evidence_card(item, p, tally(p, f)) for item in p.evidence
    ],
    "agenda_cards.evidence_list_card": lambda p, f: [
        agenda_cards.evidence_list_card(p, {e.key: tally(p, f) for e in p.evidence})
    ],
    "agenda_cards.challenges_card": lambda p, f: [
        agenda_cards.challenges_card(p.agenda[2], p, contributions(p, f, Kind.CHALLENGE))
    ],
    "agenda_cards.step_text_card": lambda p, f: [
        agenda_cards.step_text_card(s, [longest(f, MAX_CONTRIBUTION_CHARS)] * 6) for s in p.agenda
    ],
    "agenda_cards.synthesis_card": lambda p, f: [
        agenda_cards.synthesis_card(None, True, synthesis_text(f)),
        agenda_cards.synthesis_card(
            Synthesis(synthesis_text(f), "teams:29:1", NOW, NOW, synthesis_text(f)),
            False,
            synthesis_text(f),
        ),
    ],
    "moderation_cards.forget_card": lambda p, f: [
        moderation_cards.forget_card("teams:29:" + longest(f, 256), False)
    ],
}


def home(playbook: Playbook, flavour: str) -> Card:
    """App Home as an organiser sees it: a "Post next" button per theme above the plan."""
    plan = cards.summary_card(playbook, summary_of(playbook, flavour))
    posts = tuple(Button(f"Post next: {t.title}", POST_PROMPT, t.key) for t in playbook.themes)
    return Card(plan.title, (Actions(posts), *plan.blocks))


def made(flavour: str) -> Iterator[tuple[str, Card | Form]]:
    playbook = big_playbook(flavour)
    for name, build in BUILDERS.items():
        for n, card in enumerate(build(playbook, flavour)):
            yield f"{name}[{n}]", card


CASES = [(flavour, name, card) for flavour in FLAVOURS for name, card in made(flavour)]
IDS = [f"{flavour}-{name}" for flavour, name, _ in CASES]


def test_every_card_builder_is_covered() -> None:
    public = set()
    for module in (
        actor_cards,
        agenda_cards,
        cards,
        digest_cards,
        emerging_cards,
        moderation_cards,
        theme_cards,
    ):
        short = module.__name__.rsplit(".", 1)[1]
        for name, function in inspect.getmembers(module, inspect.isfunction):
            returns = inspect.signature(function).return_annotation
            if function.__module__ == module.__name__ and returns in ("Card", "Form", Card, Form):
                public.add(f"{short}.{name}")
    found = {p.stem for p in Path(cards.__file__).parent.glob("*cards*.py")}
    assert found == {
        "actor_cards",
        "agenda_cards",
        "cards",
        "digest_cards",
        "emerging_cards",
        "moderation_cards",
        "theme_cards",
    }, "a new card module: add it"
    assert public == set(BUILDERS), "every card builder needs its largest input in BUILDERS"


# ---- Slack ----------------------------------------------------------------------------------


def slack_units(text: str) -> int:
    """Counted independently of the codec: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def slack_problems(surface: dict[str, Any], max_blocks: int) -> list[str]:
    """Every documented Block Kit limit this surface breaks (an empty list when none)."""
    problems: list[str] = []

    def text(what: str, node: dict[str, Any], most: int) -> None:
        shown = node["text"]
        if not 1 <= slack_units(shown) <= most:
            problems.append(f"{what}: {slack_units(shown)} units (1 to {most})")
        if node["type"] == "mrkdwn" and re.search(r"&(?!amp;|lt;|gt;)", shown):
            problems.append(f"{what}: an entity cut in half")

    blocks = surface["blocks"]
    if len(blocks) > max_blocks:
        problems.append(f"{len(blocks)} blocks (at most {max_blocks})")
    total = sum(slack_units(t) for t in _texts(blocks))
    if total > slack_codec.TEXT_BUDGET:
        problems.append(f"{total} units of text in all (budget {slack_codec.TEXT_BUDGET})")
    for block in blocks:
        match block["type"]:
            case "header":
                text("header", block["text"], 150)
            case "section":
                if "text" in block:
                    text("section", block["text"], 3000)
                for field in block.get("fields", ()):
                    text("field", field, 2000)
                if len(block.get("fields", ())) > 10:
                    problems.append("more than 10 fields")
            case "context":
                if len(block["elements"]) > 10:
                    problems.append("more than 10 context elements")
                for element in block["elements"]:
                    text("context", element, 3000)
            case "actions":
                if len(block["elements"]) > 25:
                    problems.append("more than 25 elements in an actions block")
                for element in block["elements"]:
                    problems += _element_problems(element)
            case "input":
                text("input label", block["label"], 2000)
                if "placeholder" in block["element"]:
                    text("placeholder", block["element"]["placeholder"], 150)
            case other:
                problems.append(f"unexpected block {other}")
    return problems


def _element_problems(element: dict[str, Any]) -> list[str]:
    problems = []
    if len(element["action_id"]) > 255:
        problems.append("action_id over 255")
    if element["type"] == "button":
        if not 1 <= slack_units(element["text"]["text"]) <= 75:
            problems.append("button text over 75")
        if len(element["value"]) > 2000:
            problems.append("button value over 2000")
    else:
        if slack_units(element["placeholder"]["text"]) > 150:
            problems.append("placeholder over 150")
        if len(element["options"]) > 100:
            problems.append("more than 100 options")
        for option in element["options"]:
            if not 1 <= slack_units(option["text"]["text"]) <= 75:
                problems.append("option text over 75")
            if len(option["value"]) > 150:
                problems.append("option value over 150")
    return problems


def _texts(node: Any) -> list[str]:
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    if not isinstance(node, dict):
        return []
    if node.get("type") in ("plain_text", "mrkdwn"):
        return [node["text"]]
    return [t for value in node.values() for t in _texts(value)]


def modal_problems(view: dict[str, Any]) -> list[str]:
    problems = slack_problems(view, slack_codec.MODAL_BLOCKS)
    for key in ("title", "submit", "close"):
        if not 1 <= slack_units(view[key]["text"]) <= 24:
            problems.append(f"modal {key} over 24")
    if len(view["private_metadata"]) > 3000:
        problems.append("private_metadata over 3000")
    return problems


@pytest.mark.parametrize(("flavour", "name", "card"), CASES, ids=IDS)
def test_slack_accepts_every_card_at_its_largest(
    flavour: str, name: str, card: Card | Form
) -> None:
    if isinstance(card, Form):
        view = slack_codec.modal(
            card, slack_codec.Metadata(longest(flavour, 3000), "C1", "c", "1.2")
        )
        assert modal_problems(view) == []
        return
    message = slack_codec.message(card)
    assert slack_problems(message, slack_codec.MESSAGE_BLOCKS) == []
    assert 1 <= slack_units(message["text"]) <= slack_codec.FALLBACK_CHARS
    assert slack_problems(slack_codec.home_view(card), slack_codec.HOME_BLOCKS) == []


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_slacks_app_home_and_channel_picker_fit_at_their_largest(flavour: str) -> None:
    playbook = big_playbook(flavour)
    view = slack_codec.home_view(home(playbook, flavour))
    assert slack_problems(view, slack_codec.HOME_BLOCKS) == []
    assert view["blocks"][1]["type"] == "actions"  # the organiser's buttons are kept
    picker = slack_codec.channel_picker("theme", longest(flavour, 3000))
    assert modal_problems(picker) == []


def test_the_slack_budget_is_below_where_slack_refuses() -> None:
    assert slack_codec.TEXT_BUDGET < SLACK_REFUSES_FROM


# ---- Teams ----------------------------------------------------------------------------------


VALIDATOR = jsonschema.Draft6Validator(SCHEMA)


def teams_problems(content: dict[str, Any]) -> list[str]:
    """Schema errors and the size as sent. `msteams` is Teams' own extension to the card (its
    width, its mentions), which the schema does not know: it is checked here instead."""
    extension = content.get("msteams", {})
    problems = [
        f"{'/'.join(map(str, e.path))}: {e.message[:200]}"
        for e in VALIDATOR.iter_errors({k: v for k, v in content.items() if k != "msteams"})
    ]
    if set(extension) - {"width", "entities"} or extension.get("width") != "Full":
        problems.append(f"unexpected msteams extension {extension}")
    size = len(wire(content))
    if size > teams_codec.MAX_CARD_BYTES:
        problems.append(f"{size} bytes as sent (at most {teams_codec.MAX_CARD_BYTES})")
    return problems


@pytest.mark.parametrize(("flavour", "name", "card"), CASES, ids=IDS)
def test_teams_accepts_every_card_at_its_largest(
    flavour: str, name: str, card: Card | Form
) -> None:
    if isinstance(card, Form):
        assert teams_problems(teams_codec.form(card)) == []
        return
    assert teams_problems(teams_codec.card(card)) == []
    addressed = teams_codec.card(card, ("29:" + "x" * 100, longest(flavour, 256)))
    assert teams_problems(addressed) == []


def test_the_teams_card_budget_leaves_room_for_the_envelope() -> None:
    assert teams_codec.MAX_CARD_BYTES + ENVELOPE_BYTES <= TEAMS_MESSAGE_BYTES


def test_the_vendored_schema_refuses_what_teams_refuses() -> None:
    """The schema is not vacuous: it refuses an unknown element, a text block without text and
    a version-less property of the wrong type."""
    card = teams_codec.card(Card("t"))
    assert teams_problems(card) == []
    for broken in (
        {**card, "body": [{"type": "Marquee", "text": "x"}]},
        {**card, "body": [{"type": "TextBlock"}]},
        {**card, "body": [{"type": "TextBlock", "text": "x", "wrap": "yes"}]},
    ):
        assert teams_problems(broken) != []
