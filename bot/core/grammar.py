"""The one command grammar every platform speaks (a public interface: organisers script against it).

A command is one declaration in `COMMANDS`: the words that select it, the forms `help` and the
README show, its parser, who may use each form and the use case it routes to. Who may use a
form is checked here, before its use case runs, so hiding a help line and refusing the command
cannot disagree; the README's command table is checked against the declarations by a test.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.core import agenda_grammar, cards, curating_grammar, nudge_grammar, themes_grammar
from bot.core.declaring import PHASE_WORDS, C, unquote, usage

# Declared in bot.core.declaring so that the other grammar modules can use them without a cycle;
# re-exported, so `grammar.Form` and friends go on working for everyone else.
from bot.core.declaring import SMART_QUOTES as SMART_QUOTES
from bot.core.declaring import Declared as Declared
from bot.core.declaring import Form as Form
from bot.core.declaring import GrammarError as GrammarError
from bot.core.declaring import Parsed as Parsed
from bot.core.declaring import idea_number as _idea_number
from bot.core.declaring import tokens as tokens
from bot.core.interaction import Context, Delivery, Reply, Say
from bot.core.usecases import (
    actions,
    assignment,
    digests,
    duplicates,
    editing,
    ideas,
    moderation,
    people,
    personal,
    phases,
    planning,
    prompts,
    votes,
)
from bot.core.workshop import Workshop

MAX_REASON_CHARS = 500

ALIASES = {"organizer": "organiser", "organizers": "organisers", "?": "help"}


@dataclass(frozen=True, slots=True)
class Help(Parsed):
    """`help`: the commands this user may use."""


@dataclass(frozen=True, slots=True)
class Themes(Parsed):
    """`themes`: the themes and their challenges."""


@dataclass(frozen=True, slots=True)
class PostPrompt(Parsed):
    theme: str
    n: int | None = None


@dataclass(frozen=True, slots=True)
class AddIdea(Parsed):
    """`text` is everything typed after `idea`; it may open with a `<theme>:` tag."""

    text: str


@dataclass(frozen=True, slots=True)
class EditIdea(Parsed):
    """`edit <id> <text>`: the author rewrites their idea."""

    number: int
    text: str


@dataclass(frozen=True, slots=True)
class Withdraw(Parsed):
    """`withdraw <id>`: the author takes their idea back."""

    number: int


@dataclass(frozen=True, slots=True)
class ListIdeas(Parsed):
    theme: str | None = None


@dataclass(frozen=True, slots=True)
class Vote(Parsed):
    number: int


@dataclass(frozen=True, slots=True)
class Unvote(Parsed):
    number: int


@dataclass(frozen=True, slots=True)
class Assign(Parsed):
    number: int
    actor: str
    style: str | None = None
    stage: str | None = None


@dataclass(frozen=True, slots=True)
class Unassign(Parsed):
    number: int


@dataclass(frozen=True, slots=True)
class Merge(Parsed):
    source: int
    target: int


@dataclass(frozen=True, slots=True)
class Action(Parsed):
    """`action 12` shows it; with a status and/or owner it changes; `note` adds progress."""

    number: int
    status: str | None = None
    owner: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ChangePhase(Parsed):
    theme: str
    phase: str  # "open", "voting" or "close", as typed


@dataclass(frozen=True, slots=True)
class ShowPlan(Parsed):
    theme: str | None = None


@dataclass(frozen=True, slots=True)
class SetChannel(Parsed):
    audience: str | None = None


@dataclass(frozen=True, slots=True)
class ListOrganisers(Parsed):
    """`organisers`: who organises."""


@dataclass(frozen=True, slots=True)
class ChangeOrganiser(Parsed):
    add: bool
    user: str


@dataclass(frozen=True, slots=True)
class OrganisersHere(Parsed):
    """`organisers here`: this channel receives organisers' notices."""


@dataclass(frozen=True, slots=True)
class FlagIdea(Parsed):
    number: int
    reason: str


@dataclass(frozen=True, slots=True)
class ListFlags(Parsed):
    """`flags`: open flags, for organisers."""


@dataclass(frozen=True, slots=True)
class Hide(Parsed):
    number: int
    hidden: bool  # False: unhide


@dataclass(frozen=True, slots=True)
class History(Parsed):
    number: int


@dataclass(frozen=True, slots=True)
class Digest(Parsed):
    """`digest` (show), `digest now`, `digest off`, or a schedule: `daily …` / `weekly …`
    (its words are checked by bot.core.schedule, which knows the programme's time zone)."""

    action: str  # "show", "now", "off" or "set"
    schedule: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ShowData(Parsed):
    """`my data` (user None) or, for organisers, `data <user>`."""

    user: str | None = None


@dataclass(frozen=True, slots=True)
class Forget(Parsed):
    """`forget me` (user None) or, for organisers, `forget <user>`; nothing happens until
    `confirmed`."""

    user: str | None
    confirmed: bool


def _hint(word: str) -> str:
    return usage(word, COMMANDS)


def idea_number(text: str, word: str = "vote") -> int:
    """The idea number a command (or a button's value) opens with."""
    return _idea_number(text, word, COMMANDS)


def theme_tag(text: str) -> tuple[str | None, str]:
    """Split a leading `<theme>:` tag from an idea; the caller decides whether it names a theme."""
    match = re.fullmatch(r"\s*([\w\- ]{1,40}):\s+(\S.*)", text, flags=re.DOTALL)
    if match:
        return match.group(1).strip(), match.group(2).strip()
    return None, text


def _prompt(word: str, rest: str) -> PostPrompt:
    parts = tokens(rest)
    if not parts:
        raise GrammarError(f"Which theme? {_hint('prompt')}. Type `themes` to see them.")
    if len(parts) > 1 and re.fullmatch(r"\d{1,4}", parts[-1]):
        return PostPrompt(" ".join(parts[:-1]), int(parts[-1]))
    return PostPrompt(" ".join(parts))


def _idea(word: str, rest: str) -> AddIdea:
    if not rest:
        raise GrammarError(f"Your idea is empty. {_hint('idea')}.")
    return AddIdea(rest)


def _edit(word: str, rest: str) -> EditIdea:
    number = idea_number(rest, "edit")
    parts = rest.split(None, 1)
    text = parts[1].strip() if len(parts) > 1 else ""
    if not text:
        raise GrammarError(f"What should #{number} say? {_hint('edit')}.")
    return EditIdea(number, text)


def _assign(word: str, rest: str) -> Assign:
    parts = tokens(rest)
    number = idea_number(rest, "assign")
    if len(parts) < 2:
        raise GrammarError(f"Assign #{number} to whom? {_hint('assign')}.")
    style = parts[2] if len(parts) > 2 else None
    stage = " ".join(parts[3:]) if len(parts) > 3 else None
    return Assign(number, parts[1], style, stage)


def _merge(word: str, rest: str) -> Merge:
    parts = rest.split()
    if len(parts) != 3 or parts[1].lower() != "into":
        raise GrammarError(f"{_hint('merge')}, e.g. `merge 12 into 7`.")
    return Merge(idea_number(parts[0], "merge"), idea_number(parts[2], "merge"))


def _action(word: str, rest: str) -> Action:
    number = idea_number(rest, "action")
    after = rest.split(None, 1)[1].strip() if len(rest.split(None, 1)) > 1 else ""
    head, _, tail = after.partition(" ")
    if head.lower() == "note":
        text = unquote(tail)
        if not text:
            raise GrammarError(f'What happened? e.g. `action {number} note "pilot funded"`.')
        return Action(number, note=text)
    owner_word = re.search(r"(?i)(?:^|\s)owner(?:\s+|$)", after)
    owner = None
    if owner_word:
        owner = unquote(after[owner_word.end() :])
        if not owner:
            raise GrammarError(f'Who owns it? e.g. `action {number} owner "Bath Spa University"`.')
        after = after[: owner_word.start()]
    return Action(number, after.strip() or None, owner)


def _phase(word: str, rest: str) -> ChangePhase:
    if not rest:
        raise GrammarError(f"Which theme? {_hint(word)}. Type `themes` to see them.")
    return ChangePhase(rest, word)


def _organiser(word: str, rest: str) -> ChangeOrganiser:
    parts = tokens(rest)
    if len(parts) != 2 or parts[0].lower() not in ("add", "remove"):
        raise GrammarError(f"{_hint('organiser')}, e.g. `organiser add slack:U123ABC`.")
    return ChangeOrganiser(add=parts[0].lower() == "add", user=parts[1])


def _flag(word: str, rest: str) -> FlagIdea:
    number = idea_number(rest, "flag")
    reason = rest.split(None, 1)[1].strip() if len(rest.split(None, 1)) > 1 else ""
    if not reason:
        raise GrammarError(
            f"Please say why #{number} needs a look, e.g. `flag {number} off-topic advert`."
        )
    if len(reason) > MAX_REASON_CHARS:
        raise GrammarError(
            f"Your reason is {len(reason):,} characters long; please keep it within "
            f"{MAX_REASON_CHARS}. Nothing was flagged."
        )
    return FlagIdea(number, reason)


def _digest(word: str, rest: str) -> Digest:
    words = rest.split()
    if not words:
        return Digest("show")
    first = words[0].lower()
    if first in ("now", "off") and len(words) == 1:
        return Digest(first)
    if first in ("daily", "weekly"):
        return Digest("set", tuple(words))
    raise GrammarError(
        "Usage: `digest weekly mon 09:00`, `digest daily 17:30`, `digest now`, `digest off`, "
        "or `digest` to see this channel's schedule."
    )


def _data(word: str, rest: str) -> ShowData:
    if not rest:
        raise GrammarError(f"Whose data? {_hint('data')}, e.g. `data slack:U123ABC`.")
    return ShowData(rest)


def _forget(word: str, rest: str) -> Forget:
    parts = rest.split()
    confirmed = len(parts) == 2 and parts[1].lower() == "confirm"
    if not parts or len(parts) > 2 or (len(parts) == 2 and not confirmed):
        raise GrammarError("Usage: `forget me` (or, for organisers, `forget <user>`).")
    return Forget(None if parts[0].lower() == "me" else parts[0], confirmed)


def _yours(ctx: Context, user: str | None) -> bool:
    """`data`/`forget` about yourself, typed as `me` or as your own id."""
    return user is None or people.participant_key(ctx, user) == ctx.who.key


def help_lines(organiser: bool) -> tuple[str, ...]:
    """One line per command form this user may use, as `help` lists them."""
    return tuple(f"`{f.syntax}` — {f.summary}" for f in usable_forms(organiser))


async def _help(ws: Workshop, ctx: Context, cmd: Help) -> list[Reply]:
    organiser = await ws.is_organiser(ctx)
    card = cards.help_card(ws.playbook, help_lines(organiser), organiser)
    return [Say(card, Delivery.PRIVATE)]


async def _run_action(ws: Workshop, ctx: Context, cmd: Action) -> list[Reply]:
    if cmd.note is not None:
        return await actions.add_note(ws, ctx, cmd.number, cmd.note)
    if cmd.status is None and cmd.owner is None:
        return await actions.history(ws, ctx, cmd.number)
    return await actions.update(ws, ctx, cmd.number, cmd.status, cmd.owner)


def _action_form(cmd: Action, ctx: Context) -> Form:
    if cmd.note is not None:
        return ACTION_NOTE
    return ACTION_SHOW if cmd.status is None and cmd.owner is None else ACTION_UPDATE


def _number(make: Callable[[int], C]) -> Callable[[str, str], C]:
    """The parser of a command that takes one idea number."""
    return lambda word, rest: make(idea_number(rest, word))


def _digest_form(cmd: Digest, ctx: Context) -> Form:
    if cmd.action == "set":
        return DIGEST_WEEKLY if cmd.schedule[0].lower() == "weekly" else DIGEST_DAILY
    return {"show": DIGEST_SHOW, "now": DIGEST_NOW, "off": DIGEST_OFF}[cmd.action]


ACTION_SHOW = Form("action <id>", "an assigned idea's status, owner and progress notes")
ACTION_UPDATE = Form(
    'action <id> [status] [owner "<name>"]',
    "track an assigned idea: proposed, agreed, in-progress, done or dropped",
    "update actions",
)
ACTION_NOTE = Form(
    'action <id> note "<text>"',
    "add a dated progress note to an assigned idea",
    "add progress notes",
)

PHASES = (
    Form("open <theme>", "take ideas and votes for a theme", "change a theme's phase"),
    Form("voting <theme>", "stop new ideas for a theme; votes go on", "change a theme's phase"),
    Form(
        "close <theme>", "stop ideas and votes: the theme's plan is final", "change a theme's phase"
    ),
)
CHANNEL_SHOW = Form("channel", "whose voices this channel carries")
CHANNEL_SET = Form(
    "channel <audience>", "set whose voices this channel carries", "set a channel's audience"
)
HIDE = Form(
    "hide <id>",
    "take an idea off the plan, listings and budgets (kept on record)",
    "hide or unhide ideas",
)
UNHIDE = Form("unhide <id>", "bring a hidden idea back", "hide or unhide ideas")
DIGEST_SHOW = Form("digest", "this channel's digest schedule and when the next one comes")
DIGEST_WEEKLY = Form(
    "digest weekly <day> <HH:MM> [zone]",
    "send this channel a digest of the plan every week, e.g. `digest weekly mon 09:00`",
    "schedule digests",
)
DIGEST_DAILY = Form(
    "digest daily <HH:MM> [zone]",
    "send this channel a digest of the plan every day, e.g. `digest daily 17:30`",
    "schedule digests",
)
DIGEST_NOW = Form("digest now", "post the digest here now", "post digests")
DIGEST_OFF = Form("digest off", "stop this channel's digests", "stop digests")
MY_DATA = Form("my data", "everything stored about you")
DATA_OF = Form(
    "data <user>", "everything stored about a participant, on request", "see someone else's data"
)
FORGET_ME = Form("forget me [confirm]", "erase your identity and your ideas")
FORGET_USER = Form(
    "forget <user> [confirm]", "forget a participant, on request", "forget someone else"
)


COMMANDS: tuple[Declared[Any], ...] = (
    Declared(
        ("help",),
        (Form("help", "what you can do here"),),
        lambda word, rest: Help(),
        _help,
    ),
    Declared(
        ("themes",),
        (Form("themes", "the themes, their keys and challenge questions"),),
        lambda word, rest: Themes(),
        lambda ws, ctx, cmd: planning.show_themes(ws, ctx),
        claims=lambda word, rest: not themes_grammar.claims(word, rest),
    ),
    *themes_grammar.COMMANDS,
    Declared(
        ("prompt",),
        (
            Form(
                "prompt <theme> [n]",
                "post the next (or n-th) challenge of a theme here",
                "post prompts",
            ),
        ),
        _prompt,
        lambda ws, ctx, cmd: prompts.post_prompt(ws, ctx, cmd.theme, cmd.n),
    ),
    Declared(
        ("idea",),
        (Form("idea [<theme>:] <text>", "add an idea to this channel's latest prompt"),),
        _idea,
        lambda ws, ctx, cmd: ideas.idea_command(ws, ctx, cmd.text, *theme_tag(cmd.text)),
    ),
    Declared(
        ("ideas",),
        (Form("ideas [theme]", "list ideas with their numbers and votes"),),
        lambda word, rest: ListIdeas(rest or None),
        lambda ws, ctx, cmd: ideas.list_ideas(ws, ctx, cmd.theme),
    ),
    Declared(
        ("edit",),
        (Form("edit <id> <text>", "rewrite your idea while its theme collects ideas"),),
        _edit,
        lambda ws, ctx, cmd: editing.edit(ws, ctx, cmd.number, cmd.text),
    ),
    Declared(
        ("withdraw",),
        (Form("withdraw <id>", "take your idea back: off the plan, its votes returned"),),
        _number(Withdraw),
        lambda ws, ctx, cmd: editing.withdraw(ws, ctx, cmd.number),
    ),
    Declared(
        ("vote",),
        (Form("vote <id>", "vote for an idea, e.g. `vote 12`"),),
        _number(Vote),
        lambda ws, ctx, cmd: votes.vote(ws, ctx, cmd.number),
    ),
    Declared(
        ("unvote",),
        (Form("unvote <id>", "take your vote back"),),
        _number(Unvote),
        lambda ws, ctx, cmd: votes.unvote(ws, ctx, cmd.number),
    ),
    Declared(
        ("assign",),
        (
            Form(
                "assign <id> <actor> [style] [stage]",
                "say who should act on an idea",
                "assign ideas",
            ),
        ),
        _assign,
        lambda ws, ctx, cmd: assignment.assign(
            ws, ctx, cmd.number, cmd.actor, cmd.style, cmd.stage
        ),
    ),
    Declared(
        ("unassign",),
        (Form("unassign <id>", "clear an idea's actor", "assign ideas"),),
        _number(Unassign),
        lambda ws, ctx, cmd: assignment.unassign(ws, ctx, cmd.number),
    ),
    Declared(
        ("merge",),
        (
            Form(
                "merge <id> into <id>",
                "make a near-duplicate part of another idea",
                "merge ideas",
            ),
        ),
        _merge,
        lambda ws, ctx, cmd: duplicates.merge(ws, ctx, cmd.source, cmd.target),
    ),
    Declared(
        ("action",),
        (ACTION_SHOW, ACTION_UPDATE, ACTION_NOTE),
        _action,
        _run_action,
        form_of=_action_form,
    ),
    Declared(
        ("open", "voting", "close"),
        PHASES,
        _phase,
        lambda ws, ctx, cmd: phases.change(ws, ctx, cmd.theme, PHASE_WORDS[cmd.phase]),
        form_of=lambda cmd, ctx: next(f for f in PHASES if f.word == cmd.phase),
        claims=lambda word, rest: not nudge_grammar.later(word, rest),
    ),
    *nudge_grammar.COMMANDS,
    Declared(
        ("plan",),
        (Form("plan [theme]", "the action plan: themes × actors, ideas ranked by votes"),),
        lambda word, rest: ShowPlan(rest or None),
        lambda ws, ctx, cmd: planning.show_plan(ws, ctx, cmd.theme),
        claims=lambda word, rest: curating_grammar.BY_ACTOR.fullmatch(rest.strip()) is None,
    ),
    Declared(
        ("channel",),
        (CHANNEL_SHOW, CHANNEL_SET),
        lambda word, rest: SetChannel(rest or None),
        lambda ws, ctx, cmd: people.channel_audience(ws, ctx, cmd.audience),
        form_of=lambda cmd, ctx: CHANNEL_SHOW if cmd.audience is None else CHANNEL_SET,
    ),
    Declared(
        ("organisers",),
        (Form("organisers", "who can run the workshop"),),
        lambda word, rest: ListOrganisers(),
        lambda ws, ctx, cmd: people.list_organisers(ws, ctx),
        claims=lambda word, rest: rest.lower() != "here",
    ),
    Declared(
        ("organisers",),
        (
            Form(
                "organisers here",
                "make this channel the organisers' channel: flags arrive here",
                "choose the organisers' channel",
            ),
        ),
        lambda word, rest: OrganisersHere(),
        lambda ws, ctx, cmd: moderation.organisers_here(ws, ctx),
        claims=lambda word, rest: rest.lower() == "here",
    ),
    Declared(
        ("organiser",),
        (
            Form(
                "organiser add|remove <user>",
                "make someone an organiser, or stop",
                "change who organises",
            ),
        ),
        _organiser,
        lambda ws, ctx, cmd: people.change_organiser(ws, ctx, cmd.add, cmd.user),
    ),
    Declared(
        ("flag",),
        (Form("flag <id> <reason>", "ask organisers to look at an idea, saying why"),),
        _flag,
        lambda ws, ctx, cmd: moderation.flag(ws, ctx, cmd.number, cmd.reason),
    ),
    Declared(
        ("flags",),
        (Form("flags", "open flags, oldest first", "see flags"),),
        lambda word, rest: ListFlags(),
        lambda ws, ctx, cmd: moderation.list_flags(ws, ctx),
    ),
    Declared(
        ("hide", "unhide"),
        (HIDE, UNHIDE),
        lambda word, rest: Hide(idea_number(rest, word), hidden=word == "hide"),
        lambda ws, ctx, cmd: moderation.hide(ws, ctx, cmd.number, cmd.hidden),
        form_of=lambda cmd, ctx: HIDE if cmd.hidden else UNHIDE,
    ),
    Declared(
        ("history",),
        (
            Form(
                "history <id>",
                "every change to an idea: what, who, when",
                "see an idea's history",
            ),
        ),
        _number(History),
        lambda ws, ctx, cmd: moderation.history(ws, ctx, cmd.number),
    ),
    Declared(
        ("digest",),
        (DIGEST_SHOW, DIGEST_WEEKLY, DIGEST_DAILY, DIGEST_NOW, DIGEST_OFF),
        _digest,
        lambda ws, ctx, cmd: digests.command(ws, ctx, cmd.action, cmd.schedule),
        form_of=_digest_form,
    ),
    Declared(
        ("my", "data"),
        (MY_DATA, DATA_OF),
        lambda word, rest: ShowData() if word == "my" else _data(word, rest),
        lambda ws, ctx, cmd: personal.show_data(ws, ctx, cmd.user),
        form_of=lambda cmd, ctx: MY_DATA if _yours(ctx, cmd.user) else DATA_OF,
        claims=lambda word, rest: word == "data" or rest.lower() == "data",
    ),
    Declared(
        ("forget",),
        (FORGET_ME, FORGET_USER),
        _forget,
        lambda ws, ctx, cmd: personal.forget(ws, ctx, cmd.user, cmd.confirmed),
        form_of=lambda cmd, ctx: FORGET_ME if _yours(ctx, cmd.user) else FORGET_USER,
    ),
    *curating_grammar.COMMANDS,
)

# The Lab day's steps (agenda, framing, evidence, challenges, synthesis) declare their own.
COMMANDS = (*COMMANDS, *agenda_grammar.COMMANDS)

FORMS: tuple[Form, ...] = tuple(f for d in COMMANDS for f in d.forms)


def usable_forms(organiser: bool) -> tuple[Form, ...]:
    """The forms `help` shows: all of them to organisers, the rest to everyone else."""
    return tuple(f for f in FORMS if organiser or f.organisers is None)


def declared(text: str) -> tuple[Declared[Any], Parsed]:
    """The declaration a command line selects, and what the line means to it."""
    head, _, rest = (text.strip() or "help").partition(" ")
    word = ALIASES.get(head.lower(), head.lower())
    rest = rest.strip()
    for command in COMMANDS:
        if word in command.words and command.claims(word, rest):
            return command, command.parse(word, rest)
    raise GrammarError(f"I don't know the command '{head}'. Type `help` to see what you can do.")


def parse(text: str) -> Parsed:
    """Parse one command line; raises GrammarError with a friendly hint when it cannot."""
    return declared(text)[1]


async def enact(ws: Workshop, ctx: Context, text: str) -> list[Reply]:
    """Parse one command line, refuse it if only organisers may use its form, then run it."""
    command, cmd = declared(text)
    return await command.enact(ws, ctx, cmd)
