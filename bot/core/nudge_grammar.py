"""The participation loop's commands (issue 17): phase changes at a time, with reminders before
them; channel and personal mute; `notify me`; nudge and follow-up schedules; owners' progress
notes. Declared as `bot.core.grammar` declares the rest; grammar adds them to `COMMANDS`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.core.declaring import (
    PHASE_WORDS,
    Declared,
    Form,
    GrammarError,
    Parsed,
    idea_number,
    unquote,
)
from bot.core.interaction import Context
from bot.core.nudges import AskKind
from bot.core.usecases import asks, follow_ups, reminders


@dataclass(frozen=True, slots=True)
class SchedulePhase(Parsed):
    """`voting <theme> at <time>` / `close <theme> at <time>`."""

    theme: str
    phase: str  # "voting" or "close", as typed
    when: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Mute(Parsed):
    """`mute` / `unmute`: this channel's nudges; `mute me` / `unmute me`: one person's."""

    muted: bool
    me: bool = False


@dataclass(frozen=True, slots=True)
class Notify(Parsed):
    """`notify me` / `notify off`: told one to one when an idea one voted for moves on."""

    on: bool


@dataclass(frozen=True, slots=True)
class Nudge(Parsed):
    """`nudge`, `nudge daily|weekly …`, `nudge off`: offers of other audiences' ideas."""

    action: str  # "show", "set" or "off"
    schedule: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Progress(Parsed):
    """`progress <id> <text>`: an action owner's update."""

    number: int
    text: str


AT = re.compile(r"\s+at(?:\s+|$)", re.IGNORECASE)


def later(word: str, rest: str) -> bool:
    """`voting`/`close` with ` at <time>`: a phase change for later."""
    return word in ("voting", "close") and AT.search(rest) is not None


def _schedule_phase(word: str, rest: str) -> SchedulePhase:
    *theme, when = AT.split(rest)
    if not theme or not theme[0].strip() or not when.strip():
        raise GrammarError(f"Usage: `{word} <theme> at <time>`, e.g. `{word} infra at 17:00`.")
    return SchedulePhase(" at ".join(theme).strip(), word, tuple(when.split()))


def _mute(word: str, rest: str) -> Mute:
    """`mute` / `unmute` (this channel) or `mute me` / `unmute me` (the person typing)."""
    said = rest.strip().lower()
    if said not in ("", "me"):
        raise GrammarError(
            f"`{word}` {word}s this channel's nudges and `{word} me` yours; "
            "nothing else follows it."
        )
    return Mute(word == "mute", said == "me")


def _mute_form(cmd: Mute, ctx: Context) -> Form:
    if cmd.me:
        return MUTE_ME if cmd.muted else UNMUTE_ME
    return MUTE if cmd.muted else UNMUTE


def _notify(word: str, rest: str) -> Notify:
    said = rest.strip().lower()
    if said not in ("me", "off"):
        raise GrammarError(
            "`notify me` tells you when an idea you voted for becomes an action, is in progress "
            "or is done; `notify off` stops it."
        )
    return Notify(said == "me")


def _nudge(word: str, rest: str) -> Nudge:
    """`nudge …` and `follow-up …`: show, `off`, or a daily or weekly schedule."""
    words = rest.split()
    if not words:
        return Nudge("show")
    if words[0].lower() == "off" and len(words) == 1:
        return Nudge("off")
    if words[0].lower() in ("daily", "weekly"):
        return Nudge("set", tuple(words))
    raise GrammarError(
        f"Usage: `{word} daily 10:00`, `{word} weekly mon 10:00`, `{word} off`, or `{word}` "
        "to see this channel's schedule."
    )


def _nudge_form(cmd: Nudge, ctx: Context) -> Form:
    if cmd.action == "set":
        return NUDGE_WEEKLY if cmd.schedule[0].lower() == "weekly" else NUDGE_DAILY
    return NUDGE_SHOW if cmd.action == "show" else NUDGE_OFF


def _follow_up_form(cmd: Nudge, ctx: Context) -> Form:
    if cmd.action == "set":
        return FOLLOW_UP_WEEKLY if cmd.schedule[0].lower() == "weekly" else FOLLOW_UP_DAILY
    return FOLLOW_UP_SHOW if cmd.action == "show" else FOLLOW_UP_OFF


def _progress(word: str, rest: str) -> Progress:
    number = _idea_number(rest, word)
    text = unquote(rest.split(None, 1)[1]) if len(rest.split(None, 1)) > 1 else ""
    if not text.strip():
        raise GrammarError(f'What happened? e.g. `progress {number} "pilot funded"`.')
    return Progress(number, text)


LATER_PHASES = (
    Form(
        "voting <theme> at <time>",
        "stop new ideas at a time (17:00, fri 17:00, 2026-03-12 17:00); its channels are "
        "reminded an hour before",
        "schedule a phase change",
    ),
    Form(
        "close <theme> at <time>",
        "close a theme at a time; its channels are reminded an hour before to use their votes",
        "schedule a phase change",
    ),
)
MUTE = Form("mute", 'no reminders or "you said, we did" notes in this channel', "mute a channel")
UNMUTE = Form("unmute", "reminders and notes in this channel again", "unmute a channel")
MUTE_ME = Form("mute me", "no reminders, follow-up questions or notes sent to you, anywhere")
UNMUTE_ME = Form("unmute me", "your reminders, follow-up questions and notes again")
NOTIFY_ME = Form(
    "notify me", "a direct message when an idea you voted for becomes an action, moves or is done"
)
NOTIFY_OFF = Form("notify off", "no more messages about ideas you voted for")
NUDGE_SHOW = Form("nudge", "when this channel is offered ideas other audiences back")
NUDGE_DAILY = Form(
    "nudge daily <HH:MM> [zone]",
    "offer this channel, each day, ideas other audiences back and it hasn't voted on",
    "schedule nudges",
)
NUDGE_WEEKLY = Form(
    "nudge weekly <day> <HH:MM> [zone]",
    "the same, once a week",
    "schedule nudges",
)
NUDGE_OFF = Form("nudge off", "stop this channel's offers", "schedule nudges")
FOLLOW_UP_SHOW = Form(
    "follow-up",
    "when action owners are asked for updates, and who has not answered",
    "follow up actions",
)
FOLLOW_UP_DAILY = Form(
    "follow-up daily <HH:MM> [zone]",
    'ask owners of open actions here for an update each day (owners named `owner "slack:U123"`)',
    "follow up actions",
)
FOLLOW_UP_WEEKLY = Form(
    "follow-up weekly <day> <HH:MM> [zone]", "the same, once a week", "follow up actions"
)
FOLLOW_UP_OFF = Form("follow-up off", "stop asking owners for updates", "follow up actions")
PROGRESS = Form(
    'progress <id> "<text>"',
    "an action owner's update: a dated progress note that answers the follow-up",
)


def _idea_number(text: str, word: str) -> int:
    return idea_number(text, word, COMMANDS)


COMMANDS: tuple[Declared[Any], ...] = (
    Declared(
        ("voting", "close"),
        LATER_PHASES,
        _schedule_phase,
        lambda ws, ctx, cmd: reminders.schedule(
            ws, ctx, cmd.theme, PHASE_WORDS[cmd.phase], cmd.when
        ),
        form_of=lambda cmd, ctx: next(f for f in LATER_PHASES if f.word == cmd.phase),
        claims=later,
    ),
    Declared(
        ("mute", "unmute"),
        (MUTE, UNMUTE, MUTE_ME, UNMUTE_ME),
        _mute,
        lambda ws, ctx, cmd: reminders.mute(ws, ctx, cmd.muted, cmd.me),
        form_of=_mute_form,
    ),
    Declared(
        ("notify",),
        (NOTIFY_ME, NOTIFY_OFF),
        _notify,
        lambda ws, ctx, cmd: reminders.notify(ws, ctx, cmd.on),
        form_of=lambda cmd, ctx: NOTIFY_ME if cmd.on else NOTIFY_OFF,
    ),
    Declared(
        ("nudge",),
        (NUDGE_SHOW, NUDGE_DAILY, NUDGE_WEEKLY, NUDGE_OFF),
        _nudge,
        lambda ws, ctx, cmd: asks.command(ws, ctx, AskKind.AUDIENCE, cmd.action, cmd.schedule),
        form_of=_nudge_form,
    ),
    Declared(
        ("follow-up",),
        (FOLLOW_UP_SHOW, FOLLOW_UP_DAILY, FOLLOW_UP_WEEKLY, FOLLOW_UP_OFF),
        _nudge,
        lambda ws, ctx, cmd: asks.command(ws, ctx, AskKind.FOLLOW_UP, cmd.action, cmd.schedule),
        form_of=_follow_up_form,
    ),
    Declared(
        ("progress",),
        (PROGRESS,),
        _progress,
        lambda ws, ctx, cmd: follow_ups.progress(ws, ctx, cmd.number, cmd.text),
    ),
)
