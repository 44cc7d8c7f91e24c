"""The action plan as data: JSON (the public export format), CSV and Markdown.

Later versions add fields; they never rename or remove one. The README documents the format.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from bot.core import cards
from bot.core.agenda import Day
from bot.core.by_actor import by_actor
from bot.core.day_export import day_data
from bot.core.domain import Idea, Status
from bot.core.emerging import gather
from bot.core.plan import ActionPlan
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


def to_data(
    playbook: Playbook, plan: ActionPlan, exported_at: datetime, day: Day | None = None
) -> dict[str, Any]:
    """The JSON export; with `day`, the day's steps as its `day` object."""
    return {
        "format": FORMAT_VERSION,
        "programme": {
            "key": playbook.key,
            "name": playbook.name,
            "source": playbook.source,
            "exported_at": _iso(exported_at),
            "votes_per_theme": playbook.votes_per_theme,
            "ideas": plan.stats.ideas,
            "votes": plan.stats.votes,
            "participants": plan.stats.participants,
            "audiences": [{"key": a.key, "name": a.name} for a in playbook.audiences],
            "actors": [{"key": a.key, "name": a.name} for a in playbook.actors],
            "styles": [{"key": s.key, "name": s.name} for s in playbook.styles],
            "stages": [{"key": s.key, "name": s.name} for s in playbook.stages],
        },
        "themes": [
            {
                "key": tp.theme.key,
                "title": tp.theme.title,
                "phase": tp.phase.value,
                "prompts": list(tp.theme.challenges),
                "voters_by_audience": dict(tp.voters),
                "ideas": [idea_record(playbook, i, tp.consensus(i)) for i in tp.recorded],
            }
            for tp in plan.themes
        ],
        "emerging_themes": [
            {
                "key": found.emerging.key,
                "title": found.emerging.name,
                "text": found.emerging.text,
                "added": found.emerging.added,
                "ideas": [i.number for i in found.ideas],
            }
            for found in gather(plan.emerging, plan.ideas)
        ],
        "by_actor": [
            {
                "key": ap.actor.key,
                "name": ap.actor.name,
                "question": ap.actor.question,
                "ideas": [i.number for i in ap.ideas],
            }
            for ap in by_actor(plan)
        ],
    } | ({"day": day_data(playbook, day)} if day is not None else {})


def render(
    fmt: str, playbook: Playbook, plan: ActionPlan, exported_at: datetime, day: Day | None = None
) -> str:
    """The plan in one of FORMATS: what `howcanwe export` writes and the web view downloads."""
    if fmt == "json":
        return to_json(playbook, plan, exported_at, day)
    if fmt == "csv":
        return to_csv(playbook, plan)
    if fmt == "md":
        return to_markdown(playbook, plan)
    raise ValueError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}")


def to_json(
    playbook: Playbook, plan: ActionPlan, exported_at: datetime, day: Day | None = None
) -> str:
    data = to_data(playbook, plan, exported_at, day)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_csv(playbook: Playbook, plan: ActionPlan) -> str:
    """One row per idea, the JSON fields plus one `votes_<audience>` column per audience."""
    audiences = [a.key for a in playbook.audiences]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*IDEA_FIELDS, *(f"votes_{a}" for a in audiences)])
    for theme_plan in plan.themes:
        for idea in theme_plan.recorded:
            record = idea_record(playbook, idea, theme_plan.consensus(idea))
            by_audience = record["votes_by_audience"]
            row = [
                json.dumps(record[name]) if name in JSON_CELLS else record[name]
                for name in IDEA_FIELDS
            ]
            writer.writerow([_cell(v) for v in [*row, *(by_audience.get(a, 0) for a in audiences)]])
    return out.getvalue()


def to_markdown(playbook: Playbook, plan: ActionPlan) -> str:
    """The action grid for people (what a policy team pastes into a report): one section per
    theme, one list per actor; each idea carries its action (status, owner, latest note), its
    consensus, style and stage and the challenge it answers, so a dropped idea never reads as a
    live action."""
    consensus = {i.number: tp.consensus(i) for tp in plan.themes for i in tp.ideas}

    def items(ideas: tuple[Idea, ...], with_theme: bool = False) -> list[str]:
        return [
            line
            for i in ideas
            for line in _md_idea(playbook, i, consensus.get(i.number), with_theme)
        ]

    lines = [
        f"# Action plan — {plan.programme_name}",
        "",
        cards.stats_text(plan),
        "",
        "| Theme | " + " | ".join(a.name for a in playbook.actors) + " | Not yet assigned |",
        "|---" * (len(playbook.actors) + 2) + "|",
    ]
    for tp in plan.themes:
        counts = [str(len(c.ideas)) for c in tp.cells] + [str(len(tp.unassigned))]
        lines.append(f"| {_md(tp.theme.title)} | " + " | ".join(counts) + " |")
    for tp in plan.themes:
        lines += ["", f"## {_md(tp.theme.title)} ({tp.phase.value})"]
        backed = tp.broadly_backed(None)
        if backed:
            lines += ["", f"### {cards.BACKED_HEADING}", ""]
            lines += [f"_Consensus: {cards.BACKED_MEASURE}._"]
            lines += [""] + [
                f"- **#{i.number}** {_md(i.text)} (consensus "
                f"{cards.consensus_text(tp.consensus(i))})"
                for i in backed
            ]
        for cell in tp.cells:
            lines += ["", f"### {_md(cell.actor.name)}", ""]
            lines += items(cell.ideas) or ["_No ideas yet._"]
        if tp.unassigned:
            lines += ["", "### Not yet assigned", ""]
            lines += items(tp.unassigned)
    gathered = gather(plan.emerging, plan.ideas)
    if gathered:
        lines += ["", "## Emerging themes from across the day"]
    for found in gathered:
        lines += ["", f"### {_md(found.emerging.name)}", "", _md(found.emerging.text), ""]
        lines += items(found.ideas, with_theme=True) or ["_No ideas tagged yet._"]
    lines += ["", "## By actor"]
    for ap in by_actor(plan):
        lines += ["", f"### {_md(ap.actor.question)}", ""]
        lines += items(ap.ideas, with_theme=True) or ["_No ideas yet._"]
    return "\n".join(lines) + "\n"


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
