"""The action plan as data: JSON (the public export format), CSV and Markdown, each streamed a
batch of ideas at a time from one snapshot of the plan (`PlanStream`), in constant memory.

Later versions add fields; they never rename or remove one. The README documents the format.
"""

from __future__ import annotations

import asyncio
import csv
import io
import itertools
import json
import re
import secrets
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from bot.core import cards
from bot.core.agenda import Day
from bot.core.day_export import day_data
from bot.core.domain import Idea, Status
from bot.core.plan import backed_across, consensus, least_backers
from bot.core.plan_export import Listing, PlanStream
from bot.core.plan_views import UNASSIGNED
from bot.core.playbook import Playbook

FORMAT_VERSION = 1
FORMATS = ("json", "csv", "md")
IDEA_FIELDS = (
    "id",
    "text",
    "theme",
    "author",
    "platform",
    "channel",
    "audience",
    "created_at",
    "votes",
    "votes_by_audience",
    "actor",
    "style",
    "stage",
    "merged_into",
    "consensus",
    "status",
    "owner",
    "latest_note",
    "suggested_actor",
    "suggested_style",
    "hidden",
    "challenge",
    "challenge_text",
    "proposals",
    "emerging",
)
JSON_CELLS = ("votes_by_audience", "proposals", "emerging")  # CSV cells holding JSON
# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SLOT_MARK = "\ue000"  # a private-use character, then a nonce: no typed text can pass for a slot
T = TypeVar("T")


def idea_record(playbook: Playbook, idea: Idea, consensus: float | None = None) -> dict[str, Any]:
    assignment = idea.assignment
    return {
        "id": idea.number,
        "text": idea.text,
        "theme": idea.theme_key,
        "author": cards.author_text(playbook, idea),
        "platform": idea.platform,
        "channel": idea.channel_name,
        "audience": idea.audience,
        "created_at": _iso(idea.created_at),
        "votes": idea.votes,
        "votes_by_audience": {
            a.key: idea.votes_by_audience.get(a.key, 0) for a in playbook.audiences
        }
        | {k: v for k, v in idea.votes_by_audience.items() if k not in _audience_keys(playbook)},
        "actor": assignment.actor_key if assignment else None,
        "style": assignment.style_key if assignment else None,
        "stage": assignment.stage_key if assignment else None,
        "merged_into": idea.merged_into,
        "consensus": None if consensus is None else round(consensus, 3),
        "status": idea.status.value if idea.status else None,
        "owner": idea.owner,
        "latest_note": idea.latest_note.text if idea.latest_note else None,
        "suggested_actor": idea.suggestion.actor_key if idea.suggestion else None,
        "suggested_style": idea.suggestion.style_key if idea.suggestion else None,
        "hidden": idea.hidden,
        "challenge": None if idea.challenge is None else idea.challenge + 1,
        "challenge_text": cards.challenge_question(playbook, idea),
        "proposals": [
            {
                "actor": p.assignment.actor_key,
                "style": p.assignment.style_key,
                "stage": p.assignment.stage_key,
                "count": p.count,
            }
            for p in idea.proposals
        ],
        "emerging": list(idea.emerging),
    }


async def render(
    fmt: str, plan: PlanStream, exported_at: datetime, day: Day | None = None
) -> AsyncIterator[str]:
    """The plan in one of FORMATS, a piece at a time: what `howcanwe export` writes and the web
    view streams. Each batch of ideas is rendered on a worker thread, never on the event loop."""
    if fmt == "json":
        pieces = to_json(plan, exported_at, day)
    elif fmt == "csv":
        pieces = to_csv(plan)
    elif fmt == "md":
        pieces = to_markdown(plan)
    else:
        raise ValueError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}")
    async for piece in pieces:
        yield piece


def _skeleton(
    plan: PlanStream, exported_at: datetime, day: Day | None, mark: str
) -> dict[str, Any]:
    """The JSON export with a numbered slot (`mark` and its number) where each long list of
    ideas goes."""
    playbook, stats = plan.playbook, plan.head.stats
    slots = itertools.count()
    return {
        "format": FORMAT_VERSION,
        "programme": {
            "key": playbook.key,
            "name": playbook.name,
            "source": playbook.source,
            "exported_at": _iso(exported_at),
            "votes_per_theme": playbook.votes_per_theme,
            "ideas": stats.ideas,
            "votes": stats.votes,
            "participants": stats.participants,
            "audiences": [{"key": a.key, "name": a.name} for a in playbook.audiences],
            "actors": [{"key": a.key, "name": a.name} for a in playbook.actors],
            "styles": [{"key": s.key, "name": s.name} for s in playbook.styles],
            "stages": [{"key": s.key, "name": s.name} for s in playbook.stages],
        },
        "themes": [
            {
                "key": theme.key,
                "title": theme.title,
                "phase": plan.phase(theme).value,
                "prompts": list(theme.challenges),
                "voters_by_audience": plan.voters(theme.key),
                "ideas": [f"{mark}{next(slots)}"],
            }
            for theme in plan.themes
        ],
        "emerging_themes": [
            {
                "key": e.key,
                "title": e.name,
                "text": e.text,
                "added": e.added,
                "ideas": [f"{mark}{next(slots)}"],
            }
            for e in plan.emerging
        ],
        "by_actor": [
            {
                "key": actor.key,
                "name": actor.name,
                "question": actor.question,
                "ideas": [f"{mark}{next(slots)}"],
            }
            for actor in (playbook.actors if plan.themes else ())
        ],
    } | ({"day": day_data(playbook, day)} if day is not None else {})


async def to_json(
    plan: PlanStream, exported_at: datetime, day: Day | None = None
) -> AsyncIterator[str]:
    """The JSON export, byte for byte `json.dumps(…, ensure_ascii=False, indent=2)` of the whole
    document: the document is dumped with a slot for each list of ideas, and each slot filled
    with its ideas as they are read."""
    mark = f"{SLOT_MARK}{secrets.token_hex(8)}-"
    text = json.dumps(_skeleton(plan, exported_at, day, mark), ensure_ascii=False, indent=2)
    parts = re.split(r'\[\n( *)"' + re.escape(mark) + r'(\d+)"\n *\]', text + "\n")
    playbook = plan.playbook
    slots = [(parts[3 * n + 1], parts[3 * n + 3]) for n in range(len(parts) // 3)]

    def records(indent: str) -> Callable[[Sequence[Idea]], str]:
        def render(ideas: Sequence[Idea]) -> str:
            inner = "\n" + indent
            return ("," + inner).join(
                json.dumps(
                    idea_record(playbook, i, plan.consensus(i)), ensure_ascii=False, indent=2
                ).replace("\n", inner)
                for i in ideas
            )

        return render

    def numbers(indent: str) -> Callable[[Sequence[Idea]], str]:
        return lambda ideas: (",\n" + indent).join(str(i.number) for i in ideas)

    # Each slot's ideas (read when the slot is reached) and how they are written.
    lists = [(plan.recorded(t.key), records) for t in plan.themes]
    lists += [(plan.ideas(Listing(emerging=e.key)), numbers) for e in plan.emerging]
    lists += [(plan.ideas(Listing(actor=a.key)), numbers) for a in playbook.actors if plan.themes]
    yield parts[0]
    for (ideas, items), (indent, literal) in zip(lists, slots, strict=True):
        yield "["
        first = True
        async for text in _rendered(ideas, items(indent)):
            yield ("\n" if first else ",\n") + indent + text
            first = False
        yield "]" if first else "\n" + indent[:-2] + "]"
        yield literal


async def _rendered(
    batches: AsyncIterator[Sequence[Idea]], render: Callable[[Sequence[Idea]], T]
) -> AsyncIterator[T]:
    """Each batch rendered on a worker thread: a big export never stalls other requests."""
    async for batch in batches:
        yield await asyncio.to_thread(render, batch)


async def to_csv(plan: PlanStream) -> AsyncIterator[str]:
    """One row per idea, the JSON fields plus one `votes_<audience>` column per audience."""
    playbook = plan.playbook
    audiences = [a.key for a in playbook.audiences]

    def rows(ideas: Sequence[Idea]) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        for idea in ideas:
            record = idea_record(playbook, idea, plan.consensus(idea))
            by_audience = record["votes_by_audience"]
            row = [
                json.dumps(record[name]) if name in JSON_CELLS else record[name]
                for name in IDEA_FIELDS
            ]
            writer.writerow([_cell(v) for v in [*row, *(by_audience.get(a, 0) for a in audiences)]])
        return out.getvalue()

    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(
        [*IDEA_FIELDS, *(f"votes_{a}" for a in audiences)]
    )
    yield out.getvalue()
    for theme in plan.themes:
        async for text in _rendered(plan.recorded(theme.key), rows):
            yield text


async def to_markdown(plan: PlanStream) -> AsyncIterator[str]:
    """The action grid for people (what a policy team pastes into a report): one section per
    theme, one list per actor; each idea carries its action (status, owner, latest note), its
    consensus, style and stage and the challenge it answers, so a dropped idea never reads as a
    live action."""
    playbook = plan.playbook

    def lines(*found: str) -> str:
        return "".join(line + "\n" for line in found)

    async def items(listing: Listing, with_theme: bool = False) -> AsyncIterator[str]:
        def render(ideas: Sequence[Idea]) -> str:
            return lines(
                *(
                    line
                    for i in ideas
                    for line in _md_idea(playbook, i, plan.consensus(i), with_theme)
                )
            )

        async for text in _rendered(plan.ideas(listing), render):
            yield text

    async def listed(listing: Listing, none: str, with_theme: bool = False) -> AsyncIterator[str]:
        empty = True
        async for text in items(listing, with_theme):
            empty = empty and not text
            yield text
        if empty:
            yield lines(none)

    yield lines(
        f"# Action plan — {plan.programme_name}",
        "",
        cards.figures_text(plan.head.stats),
        "",
        "| Theme | " + " | ".join(a.name for a in playbook.actors) + " | Not yet assigned |",
        "|---" * (len(playbook.actors) + 2) + "|",
        *(
            f"| {_md(t.title)} | "
            + " | ".join(
                [str(plan.count(t.key, a.key)) for a in playbook.actors]
                + [str(plan.unassigned(t.key))]
            )
            + " |"
            for t in plan.themes
        ),
    )
    for theme in plan.themes:
        yield lines("", f"## {_md(theme.title)} ({plan.phase(theme).value})")
        backed = await _backed(plan, theme.key)
        if backed:
            yield lines(
                "", f"### {cards.BACKED_HEADING}", "", f"_Consensus: {cards.BACKED_MEASURE}._"
            )
            yield lines(
                "",
                *(
                    f"- **#{i.number}** {_md(i.text)} (consensus {cards.consensus_text(c)})"
                    for i, c in backed
                ),
            )
        for actor in playbook.actors:
            yield lines("", f"### {_md(actor.name)}", "")
            async for text in listed(Listing(theme.key, actor.key), "_No ideas yet._"):
                yield text
        if plan.unassigned(theme.key):
            yield lines("", "### Not yet assigned", "")
            async for text in items(Listing(theme.key, UNASSIGNED)):
                yield text
    if plan.emerging:
        yield lines("", "## Emerging themes from across the day")
    for e in plan.emerging:
        yield lines("", f"### {_md(e.name)}", "", _md(e.text), "")
        async for text in listed(Listing(emerging=e.key), "_No ideas tagged yet._", True):
            yield text
    yield lines("", "## By actor")
    for actor in playbook.actors if plan.themes else ():
        yield lines("", f"### {_md(actor.question)}", "")
        async for text in listed(Listing(actor=actor.key), "_No ideas yet._", True):
            yield text


async def _backed(plan: PlanStream, theme_key: str) -> list[tuple[Idea, float]]:
    """The theme's ideas backed across audiences, highest consensus first
    (`ThemePlan.broadly_backed`). Few, whatever the programme's size: each needs a third of
    every audience's voters, and each voter has a budget of votes per theme."""
    voters = plan.voters(theme_key)
    least = tuple((a, least_backers(n)) for a, n in sorted(voters.items()) if n > 0)
    if len(least) < 2:  # backed across audiences takes two of them
        return []
    found: list[tuple[Idea, float]] = []
    async for batch in plan.ideas(Listing(theme_key, backers=least)):
        found += [
            (i, consensus(i.votes_by_audience, voters) or 0.0)
            for i in batch
            if backed_across(i.votes_by_audience, voters)
        ]
    found.sort(key=lambda pair: (-pair[1], pair[0].number))
    return found


# How a closed action is marked, so that it never reads as a live one.
CLOSED_MARKS = {Status.DROPPED: "DROPPED", Status.DONE: "DONE"}


def _md_idea(
    playbook: Playbook, idea: Idea, consensus: float | None, with_theme: bool = False
) -> list[str]:
    """An idea's line, then its action, style and stage, and challenge as sub-items."""
    by = _md(cards.author_text(playbook, idea))
    votes = cards.votes_text(playbook, idea)
    filed = cards.filed_text(playbook, idea, with_theme)
    where = f"; {_md(filed)}" if filed else ""
    text = _md(idea.text)
    mark = CLOSED_MARKS.get(idea.status) if idea.status else None
    if idea.status is Status.DROPPED:
        text = f"~~{text}~~"
    head = f"- **#{idea.number}**" + (f" **[{mark}]**" if mark else "") + f" {text}"
    lines = [f"{head} ({votes}; consensus {cards.consensus_text(consensus)}; by {by}{where})"]
    if idea.assignment is not None:
        lines.append(f"  - Actor: {_md(cards.assignment_text(playbook, idea.assignment))}")
    if idea.status is not None:
        lines.append(f"  - Action: {_md(cards.action_text(idea))}")
    lines.append(f"  - Challenge: {_md(cards.challenge_text(playbook, idea))}")
    return lines


def _md(text: str) -> str:
    """Escape Markdown and HTML so typed text reads as typed: no links, no markup, one line."""
    flat = " ".join(text.split())
    for ch in "\\`*_{}[]()<>#+!|~":
        flat = flat.replace(ch, "\\" + ch)
    return flat.replace("&", "&amp;")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _audience_keys(playbook: Playbook) -> set[str]:
    return {a.key for a in playbook.audiences}
