"""Saying who should act on an idea: an actor, and for government a style and a stage."""

from __future__ import annotations

from bot.core import cards
from bot.core.domain import Anchor, AnchorKind, Assignment
from bot.core.interaction import Context, Delivery, Refresh, Reply, note
from bot.core.usecases import suggesting
from bot.core.workshop import Refusal, Workshop, no_such_idea


async def assign(
    ws: Workshop, ctx: Context, number: int, actor: str, style: str | None, stage: str | None
) -> list[Reply]:
    await ws.require_organiser(ctx, "assign ideas")
    chosen = ws.actor(actor)
    style_key = ws.style(style).key if style else None
    stage_key = ws.stage(stage).key if stage else None
    if (style_key or stage_key) and not chosen.government:
        raise Refusal(
            f"Styles of government action and stages apply to the {_government(ws)} only; "
            f"assign #{number} to {chosen.name} without them."
        )
    return await save(ws, ctx, number, Assignment(chosen.key, style_key, stage_key))


async def unassign(ws: Workshop, ctx: Context, number: int) -> list[Reply]:
    await ws.require_organiser(ctx, "assign ideas")
    return await save(ws, ctx, number, None)


async def menu_choice(ws: Workshop, ctx: Context, value: str) -> list[Reply]:
    """One of the idea card's menus: `<number>:<actor|style|stage>:<key or none>`."""
    await ws.require_organiser(ctx, "assign ideas")
    number_text, _, rest = value.partition(":")
    part, _, key = rest.partition(":")
    if not number_text.isdigit() or part not in ("actor", "style", "stage"):
        raise Refusal("That menu is out of date; please use `assign <id> <actor>` instead.")
    number = int(number_text)
    idea = await ws.idea(ctx, number)
    current = idea.assignment
    if part == "actor":
        if key == cards.NONE:
            return await save(ws, ctx, number, None)
        actor = ws.actor(key)
        keep = current if current and actor.government else None
        new = Assignment(
            actor.key, keep.style_key if keep else None, keep.stage_key if keep else None
        )
        return await save(ws, ctx, number, new)
    government = next((a for a in ws.playbook.actors if a.government), None)
    if government is None:
        raise Refusal("This programme has no styles of government action.")
    base = (
        current if current and current.actor_key == government.key else Assignment(government.key)
    )
    chosen = (
        None if key == cards.NONE else (ws.style(key) if part == "style" else ws.stage(key)).key
    )
    new = (
        Assignment(base.actor_key, chosen, base.stage_key)
        if part == "style"
        else Assignment(base.actor_key, base.style_key, chosen)
    )
    return await save(ws, ctx, number, new)


async def confirm(ws: Workshop, ctx: Context, number: int) -> list[Reply]:
    """The idea card's Confirm button: the bot's suggestion becomes the assignment."""
    await ws.require_organiser(ctx, "assign ideas")
    idea = await ws.ideas.idea(ctx.programme_key, number)
    if idea is None or idea.suggestion is None:
        raise Refusal(f"#{number} has no suggestion to confirm; use `assign {number} <actor>`.")
    return await save(ws, ctx, number, idea.suggestion)


async def save(
    ws: Workshop, ctx: Context, number: int, assignment: Assignment | None
) -> list[Reply]:
    idea = await ws.plan.assign(ctx.programme_key, number, assignment, ctx.who)
    suggesting.forget(ws, ctx.programme_key)
    if idea is None:
        raise no_such_idea(number)
    what = cards.assignment_text(ws.playbook, idea.assignment)
    said = f"#{number} is now {what}." if assignment else f"#{number} is no longer assigned."
    return [
        Refresh(Anchor(AnchorKind.IDEA, number), cards.idea_card(ws.playbook, idea)),
        note(said, Delivery.THREAD),
    ]


def _government(ws: Workshop) -> str:
    return next((a.name for a in ws.playbook.actors if a.government), "government")
