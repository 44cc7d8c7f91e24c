"""What participants write and back through the day: hopes and risks (the framing round) and,
through `challenges`, proposed challenges. Backing counts once per person."""

from __future__ import annotations

import re

from bot.core import agenda_cards
from bot.core.agenda import MAX_CONTRIBUTION_CHARS, Backed, Contribution, Kind, StepKind, ranked
from bot.core.interaction import Actions, Button, Card, Context, Delivery, Reply, Say, Text, note
from bot.core.usecases.agenda import require_open
from bot.core.workshop import Refusal, Workshop

REF = re.compile(r"#?([hrc])(\d{1,9})", re.IGNORECASE)
KINDS = {k.prefix: k for k in Kind}
LISTED_BY = {Kind.HOPE: "framing", Kind.RISK: "framing", Kind.CHALLENGE: "challenges"}


def parse_ref(typed: str) -> tuple[Kind, int]:
    """`h3`, `r1`, `c12` → (kind, number); a friendly refusal for anything else."""
    match = REF.fullmatch(typed.strip())
    if not match:
        raise Refusal(
            f"'{typed}' is not something to back: hopes are numbered h1, h2…, risks r1…, "
            "challenges c1…. `framing` and `challenges` list them."
        )
    return KINDS[match.group(1).lower()], int(match.group(2))


def checked(text: str, what: str, usage: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise Refusal(f"Your {what} is empty; nothing was saved. Usage: `{usage}`.")
    if len(text) > MAX_CONTRIBUTION_CHARS:
        raise Refusal(
            f"Your {what} is {len(text):,} characters long; please keep it within "
            f"{MAX_CONTRIBUTION_CHARS}. Nothing was saved."
        )
    return text


def added_card(added: Contribution, what: str) -> Card:
    return Card(
        f"{what} {added.ref}",
        (
            Text(added.text),
            Text(f"Back it with the button or `back {added.ref}`."),
            Actions((Button(f"Back {added.ref}", agenda_cards.BACK, added.ref),)),
        ),
    )


async def add(ws: Workshop, ctx: Context, kind: Kind, text: str) -> list[Reply]:
    """A hope or a risk, posted in the channel so that others can back it."""
    text = checked(text, kind.value, f"{kind.value} <your answer>")
    await require_open(ws, ctx)
    added = await ws.agenda.contribute(ctx.programme_key, kind, text, None, ctx.who, ctx.where)
    what = "Hope" if kind is Kind.HOPE else "Risk"
    return [Say(added_card(added, what), Delivery.THREAD)]


async def back(ws: Workshop, ctx: Context, typed: str) -> list[Reply]:
    kind, number = parse_ref(typed)
    await require_open(ws, ctx)
    ref = f"{kind.prefix}{number}"
    outcome = await ws.agenda.back(ctx.programme_key, kind, number, ctx.who, ctx.where)
    if outcome is Backed.MISSING:
        raise Refusal(f"There is no {ref}. `{LISTED_BY[kind]}` lists them.")
    if outcome is Backed.ALREADY:
        return [note(f"You already back {ref}; each person backs it once.")]
    found = await ws.agenda.contribution(ctx.programme_key, kind, number)
    backers = found.total if found else 1
    return [note(f"You back {ref} now ({backers} backing it).")]


async def framing(ws: Workshop, ctx: Context) -> list[Reply]:
    """The framing round's answers, most backed first (private)."""
    programme = ctx.programme_key
    hopes = ranked(list(await ws.agenda.contributions(programme, Kind.HOPE)))
    risks = ranked(list(await ws.agenda.contributions(programme, Kind.RISK)))
    step = next((s for s in ws.playbook.agenda if s.kind is StepKind.FRAMING), None)
    card = agenda_cards.framing_card(step, hopes, risks, ws.playbook)
    return [Say(card, Delivery.PRIVATE)]
