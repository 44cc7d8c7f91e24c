"""Saying who should act on an idea: an actor, and for government a style and a stage."""

from __future__ import annotations

from bot.core import cards, proposed
from bot.core.domain import Anchor, AnchorKind, Assignment
from bot.core.interaction import Context, Delivery, Refresh, Reply, note
from bot.core.usecases import proposals, suggesting
from bot.core.usecases.actors import chosen
from bot.core.workshop import Refusal, Workshop, no_such_idea

MENU_PARTS = ("actor", "style", "stage")


async def assign(
    ws: Workshop, ctx: Context, number: int, actor: str, style: str | None, stage: str | None
) -> list[Reply]:
    return await save(ws, ctx, number, chosen(ws, number, actor, style, stage))


async def unassign(ws: Workshop, ctx: Context, number: int) -> list[Reply]:
    return await save(ws, ctx, number, None)


async def menu_choice(ws: Workshop, ctx: Context, value: str) -> list[Reply]:
    """One of the idea card's menus: `<number>:<actor|style|stage>:<key or none>`. An
    organiser's choice changes the assignment; anyone else's changes their own proposal."""
    number_text, _, rest = value.partition(":")
    part, _, key = rest.partition(":")
    if not number_text.isdigit() or part not in MENU_PARTS:
        raise Refusal("That menu is out of date; please use `assign <id> <actor>` instead.")
    number = int(number_text)
    idea = await ws.idea(ctx, number)
    if not await ws.is_organiser(ctx):
        if key == cards.NONE:
            raise Refusal(f"To change your proposal for #{number}, choose an actor.")
        mine = await ws.proposals.proposal_of(ctx.programme_key, number, ctx.who)
        return await proposals.record(ws, ctx, number, _changed(ws, mine, part, key))
    if part == "actor" and key == cards.NONE:
        return await save(ws, ctx, number, None)
    return await save(ws, ctx, number, _changed(ws, idea.assignment, part, key))


def _changed(ws: Workshop, current: Assignment | None, part: str, key: str) -> Assignment:
    """`current` with one menu's choice applied: a new actor keeps the style and stage only for
    government; a style or stage makes it government's."""
    if part == "actor":
        actor = ws.actor(key)
        keep = current if current and actor.government else None
        return Assignment(
            actor.key, keep.style_key if keep else None, keep.stage_key if keep else None
        )
    government = next((a for a in ws.playbook.actors if a.government), None)
    if government is None:
        raise Refusal("This programme has no styles of government action.")
    base = (
        current if current and current.actor_key == government.key else Assignment(government.key)
    )
    picked = (
        None if key == cards.NONE else (ws.style(key) if part == "style" else ws.stage(key)).key
    )
    if part == "style":
        return Assignment(base.actor_key, picked, base.stage_key)
    return Assignment(base.actor_key, base.style_key, picked)


async def confirm(ws: Workshop, ctx: Context, number: int) -> list[Reply]:
    """The idea card's Confirm button: the bot's suggestion becomes the assignment."""
    await ws.require_organiser(ctx, "assign ideas")
    idea = await ws.ideas.idea(ctx.programme_key, number)
    if idea is None or idea.suggestion is None:
        raise Refusal(f"#{number} has no suggestion to confirm; use `assign {number} <actor>`.")
    return await save(ws, ctx, number, idea.suggestion)


async def confirm_proposal(ws: Workshop, ctx: Context, value: str) -> list[Reply]:
    """A Confirm button under participants' proposals: that proposal becomes the assignment."""
    await ws.require_organiser(ctx, "assign ideas")
    decoded = proposed.decode(value)
    if decoded is None:
        raise Refusal("That button is out of date; please use `assign <id> <actor>` instead.")
    number, said = decoded
    return await save(ws, ctx, number, chosen(ws, number, *_keys(said)))


def _keys(said: Assignment) -> tuple[str, str | None, str | None]:
    return said.actor_key, said.style_key, said.stage_key


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
