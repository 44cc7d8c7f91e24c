"""Reading who should act as typed (an actor, and for government a style and a stage): the same
check for an organiser's assignment and a participant's proposal."""

from __future__ import annotations

from bot.core.domain import Assignment
from bot.core.workshop import Refusal, Workshop


def chosen(
    ws: Workshop, number: int, actor: str, style: str | None, stage: str | None
) -> Assignment:
    """An actor (with style and stage for government) as typed, checked against the playbook."""
    picked = ws.actor(actor)
    style_key = ws.style(style).key if style else None
    stage_key = ws.stage(stage).key if stage else None
    if (style_key or stage_key) and not picked.government:
        government = next((a.name for a in ws.playbook.actors if a.government), "government")
        raise Refusal(
            f"Styles of government action and stages apply to the {government} only; "
            f"name {picked.name} for #{number} without them."
        )
    return Assignment(picked.key, style_key, stage_key)
