"""The Lab day's steps in the JSON export (its `day` object): agenda, framing, evidence
reactions, proposed challenges and the published synthesis. Fields are added, never renamed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.agenda import Contribution, Day, Reaction, Tally
from bot.core.playbook import Playbook


def day_data(playbook: Playbook, day: Day) -> dict[str, Any]:
    standing = day.standing
    return {
        "agenda": {
            "steps": [
                {"key": s.key, "kind": s.kind.value, "title": s.title} for s in playbook.agenda
            ],
            "step": standing.step,
            "channels": [
                {"platform": p, "channel": name, "step": step}
                for (p, _, _), (step, name) in standing.channels.items()
            ],
            "closed_at": _iso(standing.closed_at),
        },
        "framing": {
            "hopes": [_contribution(c) for c in day.hopes],
            "risks": [_contribution(c) for c in day.risks],
        },
        "evidence": [
            {
                "key": item.key,
                "theme": item.theme_key,
                "title": item.title,
                "reactions": _reactions(day.tallies.get(item.key, Tally())),
                "comments": [
                    {"audience": audience, "text": text}
                    for audience, text in day.tallies.get(item.key, Tally()).comments
                ],
            }
            for item in playbook.evidence
        ],
        "challenges": [_contribution(c) | {"promoted": c.promoted} for c in day.challenges],
        "synthesis": (
            {"text": day.synthesis.published, "published_at": _iso(day.synthesis.published_at)}
            if day.synthesis
            else None
        ),
    }


def _contribution(c: Contribution) -> dict[str, Any]:
    return {
        "id": c.ref,
        "text": c.text,
        "theme": c.theme_key,
        "audience": c.audience,
        "created_at": _iso(c.created_at),
        "backers": c.total,
        "backers_by_audience": dict(c.backers),
    }


def _reactions(tally: Tally) -> dict[str, dict[str, int]]:
    return {r.value: dict(tally.counts.get(r.value, {})) for r in Reaction}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None
