"""Cards of the Lab day's steps: the agenda, framing, evidence, challenge proposals, synthesis.

Every button here has a command that does the same, and the card names it, so the console
(which shows no buttons) and screen readers tell people what to type."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.agenda import (
    AgendaStep,
    Contribution,
    EvidenceItem,
    Kind,
    Reaction,
    Standing,
    Synthesis,
    Tally,
)
from bot.core.interaction import Actions, Block, Bullets, Button, Card, Facts, Heading, Text, Tone
from bot.core.playbook import Playbook

BACK = "day.back"  # value: a contribution's ref, e.g. "h3"
REACT = "evidence.react"  # value: "<evidence key> <reaction>"
PUBLISH = "synthesis.publish"

SHOWN = 5  # contributions a card lists, most backed first


def by_audience(counts: Mapping[str, int], book: Playbook) -> str:
    """ "3 — Community 2, Business 1", in the playbook's order of audiences."""
    total = sum(counts.values())
    parts = [f"{a.name} {counts[a.key]}" for a in book.audiences if counts.get(a.key)] + [
        f"{k} {n}" for k, n in counts.items() if n and k not in {a.key for a in book.audiences}
    ]
    return f"{total} — {', '.join(parts)}" if parts else "0"


def agenda_card(book: Playbook, standing: Standing, here: tuple[str, str, str]) -> Card:
    mine = standing.step_of(here)
    lines = []
    for i, step in enumerate(book.agenda, 1):
        at = [
            w
            for w, key in (("programme", standing.step), ("this channel", mine))
            if key == step.key
        ]
        lines.append(f"{i}. {step.title} (`{step.key}`)" + (f" ← {', '.join(at)}" if at else ""))
    blocks: list[Block] = [Bullets(tuple(lines))]
    others = [
        f"{name}: {_title(book, step)}"
        for place, (step, name) in standing.channels.items()
        if place != here
    ]
    if others:
        blocks += [Heading("Channels at their own step"), Bullets(tuple(others))]
    status = "closed" if standing.closed_at else "open"
    blocks.append(
        Text(
            f"The programme is {status}. Organisers move this channel with `step <step>`, "
            "or everyone with `step <step> all`.",
            Tone.MUTED,
        )
    )
    return Card("Agenda", tuple(blocks))


def _title(book: Playbook, key: str) -> str:
    return next((s.title for s in book.agenda if s.key == key), key)


def contribution_lines(items: Sequence[Contribution], book: Playbook) -> tuple[Block, ...]:
    """The top contributions with their Back buttons; the command is named beside each."""
    if not items:
        return ()
    shown = items[:SHOWN]
    facts = Facts(
        tuple(
            (f"{c.ref}", f"{c.text} — backed by {by_audience(c.backers, book)} · `back {c.ref}`")
            for c in shown
        )
    )
    buttons = Actions(tuple(Button(f"Back {c.ref}", BACK, c.ref) for c in shown))
    return facts, buttons


def framing_card(
    step: AgendaStep | None,
    hopes: Sequence[Contribution],
    risks: Sequence[Contribution],
    book: Playbook,
) -> Card:
    blocks: list[Block] = []
    if step and step.text:
        blocks.append(Text(step.text))
    for kind, items, question in (
        (Kind.HOPE, hopes, "What does good look like?"),
        (Kind.RISK, risks, "What are our risks?"),
    ):
        blocks.append(Heading(question))
        blocks.extend(contribution_lines(items, book) or (Text("Nothing yet.", Tone.MUTED),))
        blocks.append(Text(f"Add yours: `{kind.value} <your answer>`", Tone.MUTED))
    title = step.title if step else "What does good look like? What are our risks?"
    return Card(title, tuple(blocks))


def evidence_card(item: EvidenceItem, book: Playbook, tally: Tally) -> Card:
    """One piece of evidence with its reaction buttons and tallies by audience."""
    blocks: list[Block] = [Text(book.theme_title(item.theme_key), Tone.MUTED)]
    if item.points:
        blocks.append(Bullets(item.points))
    for table in item.tables:
        if table.caption:
            blocks.append(Heading(table.caption))
        blocks.append(
            Facts(tuple((row[0], " · ".join(row[1:])) for row in table.rows))
            if len(table.columns) > 1
            else Bullets(tuple(row[0] for row in table.rows))
        )
    if item.source:
        blocks.append(Text(f"Source: {item.source}", Tone.MUTED))
    blocks.append(
        Facts(
            tuple(
                (r.value.capitalize(), by_audience(tally.counts.get(r.value, {}), book))
                for r in Reaction
            )
        )
    )
    blocks.append(
        Actions(
            tuple(Button(r.value.capitalize(), REACT, f"{item.key} {r.value}") for r in Reaction)
        )
    )
    blocks.append(
        Text(f"Or type `react {item.key} interesting|surprising|inspires [comment]`.", Tone.MUTED)
    )
    return Card(item.title, tuple(blocks))


def evidence_list_card(book: Playbook, tallies: Mapping[str, Tally]) -> Card:
    lines = []
    for item in book.evidence:
        tally = tallies.get(item.key, Tally())
        counts = ", ".join(f"{tally.total(r)} {r.value}" for r in Reaction)
        lines.append(f"`{item.key}` — {item.title} ({counts})")
    blocks: list[Block] = (
        [Bullets(tuple(lines))] if lines else [Text("No evidence in the playbook.")]
    )
    blocks.append(
        Text(
            "Organisers post one here with `evidence <item>`; "
            "react with `react <item> <reaction>`.",
            Tone.MUTED,
        )
    )
    return Card("Evidence", tuple(blocks))


def challenges_card(
    step: AgendaStep | None, book: Playbook, proposals: Sequence[Contribution]
) -> Card:
    blocks: list[Block] = [Text(step.text)] if step and step.text else []
    for theme in book.themes:
        mine = [p for p in proposals if p.theme_key == theme.key]
        blocks.append(Heading(f"{theme.title}: How can we…"))
        blocks.append(
            Text(f"{len(theme.challenges)} from the Lab (`themes` lists them)", Tone.MUTED)
        )
        blocks.extend(contribution_lines(mine, book))
    blocks.append(
        Text(
            "Propose one: `challenge <theme> How can we …?` · back one: `back c<number>`",
            Tone.MUTED,
        )
    )
    title = step.title if step else "Challenges proposed"
    return Card(title, tuple(blocks))


def framing_head(hopes: Sequence[Contribution], risks: Sequence[Contribution]) -> list[Block]:
    """The framing round's top hopes and risks, as they head the plan; nothing before it ran."""
    blocks: list[Block] = []
    for title, items in (("What good looks like", hopes), ("What could get in the way", risks)):
        if items:
            lines = [f"{c.ref} {c.text} — backed by {c.total}" for c in items]
            blocks += [Heading(title), Bullets(tuple(lines))]
    return blocks


def step_text_card(step: AgendaStep, extra: Sequence[str] = ()) -> Card:
    """A step whose card is its text (ideas, actors), with what to type."""
    blocks: list[Block] = [Text(step.text)] if step.text else []
    if extra:
        blocks.append(Bullets(tuple(extra)))
    return Card(step.title, tuple(blocks))


def synthesis_card(synthesis: Synthesis | None, draft: bool, text: str) -> Card:
    """'What we heard', rendered from its lines: `## ` opens a section, `- ` is a point."""
    blocks = list(synthesis_blocks(text))
    if draft:
        blocks.append(
            Text(
                "A draft, seen only by you. Change it with `synthesis edit <text>` "
                "(the whole text), publish it with `synthesis publish`.",
                Tone.MUTED,
            )
        )
        blocks.append(Actions((Button("Publish", PUBLISH, "", primary=True),)))
    elif synthesis and synthesis.published_at:
        blocks.append(Text(f"Published {synthesis.published_at:%d %b %Y %H:%M} UTC", Tone.MUTED))
    return Card("What we heard", tuple(blocks))


def synthesis_blocks(text: str) -> tuple[Block, ...]:
    blocks: list[Block] = []
    points: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("- "):
            points.append(line[2:].strip())
            continue
        if points:
            blocks.append(Bullets(tuple(points)))
            points = []
        if line.startswith("## "):
            blocks.append(Heading(line[3:].strip()))
        elif line:
            blocks.append(Text(line))
    if points:
        blocks.append(Bullets(tuple(points)))
    return tuple(blocks)


def sections(text: str) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """The synthesis as (heading, paragraphs, points) for the web view."""
    out: list[tuple[str, list[str], list[str]]] = [("", [], [])]
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("## "):
            out.append((line[3:].strip(), [], []))
        elif line.startswith("- "):
            out[-1][2].append(line[2:].strip())
        elif line:
            out[-1][1].append(line)
    return tuple((h, tuple(p), tuple(b)) for h, p, b in out if h or p or b)
