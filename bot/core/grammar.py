"""The one command grammar every platform speaks (a public interface: organisers script against it).

help | themes | prompt <theme> [n] | idea [<theme>:] <text> | ideas [theme]
edit <id> <text> | withdraw <id>
vote <id> | unvote <id> | assign <id> <actor> [style] [stage] | unassign <id>
plan [theme] | channel [audience] | organisers [here] | organiser add|remove <user>
flag <id> <reason> | flags | hide <id> | unhide <id> | history <id>
digest | digest daily <HH:MM> [zone] | digest weekly <day> <HH:MM> [zone] | digest now|off
my data | data <user> | forget me|<user> [confirm]
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass


class GrammarError(ValueError):
    """What was typed is not a command we understand; the message says what would be."""


@dataclass(frozen=True, slots=True)
class Usage:
    word: str
    syntax: str
    summary: str
    organisers_only: bool = False


USAGES: tuple[Usage, ...] = (
    Usage("help", "help", "what you can do here"),
    Usage("themes", "themes", "the themes, their keys and challenge questions"),
    Usage(
        "prompt", "prompt <theme> [n]", "post the next (or n-th) challenge of a theme here", True
    ),
    Usage("idea", "idea [<theme>:] <text>", "add an idea to this channel's latest prompt"),
    Usage("ideas", "ideas [theme]", "list ideas with their numbers and votes"),
    Usage("edit", "edit <id> <text>", "rewrite your idea while its theme collects ideas"),
    Usage("withdraw", "withdraw <id>", "take your idea back: off the plan, its votes returned"),
    Usage("vote", "vote <id>", "vote for an idea, e.g. `vote 12`"),
    Usage("unvote", "unvote <id>", "take your vote back"),
    Usage("assign", "assign <id> <actor> [style] [stage]", "say who should act on an idea", True),
    Usage("unassign", "unassign <id>", "clear an idea's actor", True),
    Usage("merge", "merge <id> into <id>", "make a near-duplicate part of another idea", True),
    Usage(
        "action",
        'action <id> [status] [owner "<name>"] | action <id> note "<text>"',
        "track an assigned idea: proposed, agreed, in-progress, done or dropped",
    ),
    Usage("open", "open <theme>", "take ideas and votes for a theme", True),
    Usage("voting", "voting <theme>", "stop new ideas for a theme; votes go on", True),
    Usage("close", "close <theme>", "stop ideas and votes: the theme's plan is final", True),
    Usage("plan", "plan [theme]", "the action plan: themes × actors, ideas ranked by votes"),
    Usage("channel", "channel [audience]", "show, or set, whose voices this channel carries", True),
    Usage("organisers", "organisers", "who can run the workshop"),
    Usage(
        "organisers here",
        "organisers here",
        "make this channel the organisers' channel: flags arrive here",
        True,
    ),
    Usage("organiser", "organiser add|remove <user>", "make someone an organiser, or stop", True),
    Usage("flag", "flag <id> <reason>", "ask organisers to look at an idea, saying why"),
    Usage("flags", "flags", "open flags, oldest first", True),
    Usage(
        "hide",
        "hide <id>",
        "take an idea off the plan, listings and budgets (kept on record)",
        True,
    ),
    Usage("unhide", "unhide <id>", "bring a hidden idea back", True),
    Usage("history", "history <id>", "every change to an idea: what, who, when", True),
    Usage("digest", "digest", "this channel's digest schedule and when the next one comes"),
    Usage(
        "digest set",
        "digest weekly <day> <HH:MM> [zone] | digest daily <HH:MM> [zone]",
        "send this channel a digest of the plan on a schedule, e.g. `digest weekly mon 09:00`",
        True,
    ),
    Usage("digest now", "digest now", "post the digest here now", True),
    Usage("digest off", "digest off", "stop this channel's digests", True),
    Usage("my data", "my data", "everything stored about you"),
    Usage("forget me", "forget me [confirm]", "erase your identity and your ideas"),
    Usage("data", "data <user>", "everything stored about a participant, on request", True),
    Usage("forget", "forget <user> [confirm]", "forget a participant, on request", True),
)

MAX_REASON_CHARS = 500

ALIASES = {"organizer": "organiser", "organizers": "organisers", "?": "help"}
SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


@dataclass(frozen=True, slots=True)
class Help:
    """`help`: the commands this user may use."""


@dataclass(frozen=True, slots=True)
class Themes:
    """`themes`: the themes and their challenges."""


@dataclass(frozen=True, slots=True)
class PostPrompt:
    theme: str
    n: int | None = None


@dataclass(frozen=True, slots=True)
class AddIdea:
    """`text` is everything typed after `idea`; it may open with a `<theme>:` tag."""

    text: str


@dataclass(frozen=True, slots=True)
class EditIdea:
    """`edit <id> <text>`: the author rewrites their idea."""

    number: int
    text: str


@dataclass(frozen=True, slots=True)
class Withdraw:
    """`withdraw <id>`: the author takes their idea back."""

    number: int


@dataclass(frozen=True, slots=True)
class ListIdeas:
    theme: str | None = None


@dataclass(frozen=True, slots=True)
class Vote:
    number: int


@dataclass(frozen=True, slots=True)
class Unvote:
    number: int


@dataclass(frozen=True, slots=True)
class Assign:
    number: int
    actor: str
    style: str | None = None
    stage: str | None = None


@dataclass(frozen=True, slots=True)
class Unassign:
    number: int


@dataclass(frozen=True, slots=True)
class Merge:
    source: int
    target: int


@dataclass(frozen=True, slots=True)
class Action:
    """`action 12` shows it; with a status and/or owner it changes; `note` adds progress."""

    number: int
    status: str | None = None
    owner: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ChangePhase:
    theme: str
    phase: str  # "open", "voting" or "close", as typed


@dataclass(frozen=True, slots=True)
class ShowPlan:
    theme: str | None = None


@dataclass(frozen=True, slots=True)
class SetChannel:
    audience: str | None = None


@dataclass(frozen=True, slots=True)
class ListOrganisers:
    """`organisers`: who organises."""


@dataclass(frozen=True, slots=True)
class ChangeOrganiser:
    add: bool
    user: str


@dataclass(frozen=True, slots=True)
class OrganisersHere:
    """`organisers here`: this channel receives organisers' notices."""


@dataclass(frozen=True, slots=True)
class FlagIdea:
    number: int
    reason: str


@dataclass(frozen=True, slots=True)
class ListFlags:
    """`flags`: open flags, for organisers."""


@dataclass(frozen=True, slots=True)
class Hide:
    number: int
    hidden: bool  # False: unhide


@dataclass(frozen=True, slots=True)
class History:
    number: int


@dataclass(frozen=True, slots=True)
class Digest:
    """`digest` (show), `digest now`, `digest off`, or a schedule: `daily …` / `weekly …`
    (its words are checked by bot.core.schedule, which knows the programme's time zone)."""

    action: str  # "show", "now", "off" or "set"
    schedule: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ShowData:
    """`my data` (user None) or, for organisers, `data <user>`."""

    user: str | None = None


@dataclass(frozen=True, slots=True)
class Forget:
    """`forget me` (user None) or, for organisers, `forget <user>`; nothing happens until
    `confirmed`."""

    user: str | None
    confirmed: bool


Parsed = (
    Help
    | Themes
    | PostPrompt
    | AddIdea
    | EditIdea
    | Withdraw
    | ListIdeas
    | Vote
    | Unvote
    | Assign
    | Unassign
    | Merge
    | ChangePhase
    | Action
    | ShowPlan
    | SetChannel
    | ListOrganisers
    | ChangeOrganiser
    | OrganisersHere
    | FlagIdea
    | ListFlags
    | Hide
    | History
    | Digest
    | ShowData
    | Forget
)


def usage(word: str) -> Usage:
    return next(u for u in USAGES if u.word == word)


def parse(text: str) -> Parsed:
    """Parse one command line; raises GrammarError with a friendly hint when it cannot."""
    stripped = text.strip()
    if not stripped:
        return Help()
    head, _, rest = stripped.partition(" ")
    word = head.lower()
    word = ALIASES.get(word, word)
    rest = rest.strip()
    match word:
        case "help":
            return Help()
        case "themes":
            return Themes()
        case "prompt":
            return _prompt(rest)
        case "idea":
            return _idea(rest)
        case "ideas":
            return ListIdeas(rest or None)
        case "edit":
            return _edit(rest)
        case "withdraw":
            return Withdraw(idea_number(rest, "withdraw"))
        case "vote":
            return Vote(idea_number(rest, "vote"))
        case "unvote":
            return Unvote(idea_number(rest, "unvote"))
        case "assign":
            return _assign(rest)
        case "unassign":
            return Unassign(idea_number(rest, "unassign"))
        case "merge":
            return _merge(rest)
        case "action":
            return _action(rest)
        case "open" | "voting" | "close":
            if not rest:
                raise GrammarError(f"Which theme? {_hint(word)}. Type `themes` to see them.")
            return ChangePhase(rest, word)
        case "plan":
            return ShowPlan(rest or None)
        case "channel":
            return SetChannel(rest or None)
        case "organisers":
            return OrganisersHere() if rest.lower() == "here" else ListOrganisers()
        case "organiser":
            return _organiser(rest)
        case "flag":
            return _flag(rest)
        case "flags":
            return ListFlags()
        case "hide" | "unhide":
            return Hide(idea_number(rest, word), hidden=word == "hide")
        case "history":
            return History(idea_number(rest, "history"))
        case "digest":
            return _digest(rest)
        case "my" if rest.lower() == "data":
            return ShowData()
        case "data":
            if not rest:
                raise GrammarError(f"Whose data? {_hint('data')}, e.g. `data slack:U123ABC`.")
            return ShowData(rest)
        case "forget":
            return _forget(rest)
    raise GrammarError(f"I don't know the command '{head}'. Type `help` to see what you can do.")


def tokens(text: str) -> list[str]:
    """Split on spaces, honouring "quoted phrases" (straight or curly quotes)."""
    try:
        return shlex.split(text.translate(SMART_QUOTES))
    except ValueError:
        return text.split()


def _hint(word: str) -> str:
    return f"Usage: `{usage(word).syntax}`"


def idea_number(text: str, word: str = "vote") -> int:
    first = text.split()[0] if text.split() else ""
    match = re.fullmatch(r"#?(\d{1,9})", first)
    if not match:
        if not first:
            raise GrammarError(f"Which idea? {_hint(word)}, e.g. `{word} 12`.")
        raise GrammarError(f"'{first}' is not an idea number; ideas are numbered like #12.")
    return int(match.group(1))


def _prompt(rest: str) -> PostPrompt:
    parts = tokens(rest)
    if not parts:
        raise GrammarError(f"Which theme? {_hint('prompt')}. Type `themes` to see them.")
    if len(parts) > 1 and re.fullmatch(r"\d{1,4}", parts[-1]):
        return PostPrompt(" ".join(parts[:-1]), int(parts[-1]))
    return PostPrompt(" ".join(parts))


def _idea(rest: str) -> AddIdea:
    if not rest:
        raise GrammarError(f"Your idea is empty. {_hint('idea')}.")
    return AddIdea(rest)


def _edit(rest: str) -> EditIdea:
    number = idea_number(rest, "edit")
    parts = rest.split(None, 1)
    text = parts[1].strip() if len(parts) > 1 else ""
    if not text:
        raise GrammarError(f"What should #{number} say? {_hint('edit')}.")
    return EditIdea(number, text)


def theme_tag(text: str) -> tuple[str | None, str]:
    """Split a leading `<theme>:` tag from an idea; the caller decides whether it names a theme."""
    match = re.fullmatch(r"\s*([\w\- ]{1,40}):\s+(\S.*)", text, flags=re.DOTALL)
    if match:
        return match.group(1).strip(), match.group(2).strip()
    return None, text


def _assign(rest: str) -> Assign:
    parts = tokens(rest)
    number = idea_number(rest, "assign")
    if len(parts) < 2:
        raise GrammarError(f"Assign #{number} to whom? {_hint('assign')}.")
    style = parts[2] if len(parts) > 2 else None
    stage = " ".join(parts[3:]) if len(parts) > 3 else None
    return Assign(number, parts[1], style, stage)


def _merge(rest: str) -> Merge:
    parts = rest.split()
    if len(parts) != 3 or parts[1].lower() != "into":
        raise GrammarError(f"{_hint('merge')}, e.g. `merge 12 into 7`.")
    return Merge(idea_number(parts[0], "merge"), idea_number(parts[2], "merge"))


def _action(rest: str) -> Action:
    number = idea_number(rest, "action")
    after = rest.split(None, 1)[1].strip() if len(rest.split(None, 1)) > 1 else ""
    head, _, tail = after.partition(" ")
    if head.lower() == "note":
        text = _unquote(tail)
        if not text:
            raise GrammarError(f'What happened? e.g. `action {number} note "pilot funded"`.')
        return Action(number, note=text)
    owner_word = re.search(r"(?i)(?:^|\s)owner(?:\s+|$)", after)
    owner = None
    if owner_word:
        owner = _unquote(after[owner_word.end() :])
        if not owner:
            raise GrammarError(f'Who owns it? e.g. `action {number} owner "Bath Spa University"`.')
        after = after[: owner_word.start()]
    return Action(number, after.strip() or None, owner)


def _unquote(text: str) -> str:
    """ "Bath Spa University" → Bath Spa University; straight or curly quotes."""
    stripped = text.strip().translate(SMART_QUOTES)
    if len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in "\"'":
        return stripped[1:-1]
    return stripped


def _flag(rest: str) -> FlagIdea:
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


def _digest(rest: str) -> Digest:
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


def _forget(rest: str) -> Forget:
    parts = rest.split()
    confirmed = len(parts) == 2 and parts[1].lower() == "confirm"
    if not parts or len(parts) > 2 or (len(parts) == 2 and not confirmed):
        raise GrammarError("Usage: `forget me` (or, for organisers, `forget <user>`).")
    return Forget(None if parts[0].lower() == "me" else parts[0], confirmed)


def _organiser(rest: str) -> ChangeOrganiser:
    parts = tokens(rest)
    if len(parts) != 2 or parts[0].lower() not in ("add", "remove"):
        raise GrammarError(f"{_hint('organiser')}, e.g. `organiser add slack:U123ABC`.")
    return ChangeOrganiser(add=parts[0].lower() == "add", user=parts[1])
