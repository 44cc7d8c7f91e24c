"""Emerging themes found in the ideas (`themes emerging`): proposed by the composition root's
grouper, stored with short ids, confirmed, renamed, merged or dropped by organisers; and new
ideas joining the nearest confirmed theme as they arrive."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping, Sequence

from bot.core import cards, theme_cards
from bot.core.domain import (
    Anchor,
    AnchorKind,
    Emerging,
    Idea,
    Participant,
    ProposedTheme,
    ThemeDraft,
    ThemeState,
)
from bot.core.emerging import key_of
from bot.core.grouping import Grouper, Seed
from bot.core.interaction import Context, Delivery, Refresh, Reply, Say, note
from bot.core.usecases import planning
from bot.core.usecases.emerging import MAX_TITLE_CHARS
from bot.core.workshop import Refusal, Workshop

log = logging.getLogger(__name__)

BOT = Participant("bot", "howcanwe", "the bot")  # history's `who` for a tag the bot made
REFRESHED = 20  # idea cards refreshed on a confirm; the rest show the tag when next shown
JOIN_EXAMPLES = 50  # tagged ideas, newest first, that say what a theme means to a new idea
STATES = {
    ThemeState.CONFIRMED: "already confirmed",
    ThemeState.DROPPED: "dropped",
    ThemeState.MERGED: "merged into another proposal",
}


def _grouper(ws: Workshop) -> Grouper:
    if ws.grouper is None:
        raise Refusal("This server has no model to group ideas with. Tag them with `tag <id> …`.")
    return ws.grouper


def _live(ideas: Sequence[Idea]) -> list[Idea]:
    return [i for i in ideas if i.merged_into is None and not i.hidden]


def _seeds(themes: Sequence[Emerging], tagged: Mapping[str, Sequence[str]]) -> list[Seed]:
    """Each emerging theme with the texts of (some of) the ideas tagged to it."""
    return [Seed(t.key, f"{t.name} {t.text}", tuple(tagged.get(t.key, ()))) for t in themes]


def _tagged(themes: Sequence[Emerging], ideas: Sequence[Idea]) -> dict[str, list[str]]:
    return {t.key: [i.text for i in ideas if t.key in i.emerging] for t in themes}


async def find(ws: Workshop, ctx: Context) -> list[Reply]:
    """Group the live ideas not yet tagged: into the emerging themes, then new proposals."""
    grouper = _grouper(ws)
    plan = await planning.action_plan(ws, ctx.programme_key)
    live = _live(plan.ideas)
    pool = [i for i in live if not i.emerging]
    seeds = _seeds(plan.emerging, _tagged(plan.emerging, live))
    groups = await asyncio.to_thread(grouper.group, [i.text for i in pool], seeds)
    names = {e.key: e.name for e in plan.emerging}
    drafts = [
        ThemeDraft(
            names.get(g.seed or "", g.label), tuple(pool[m].number for m in g.members), g.seed
        )
        for g in groups
    ]
    stored = await ws.themes.replace_proposed_themes(ctx.programme_key, drafts, ctx.who)
    log.info(
        "emerging themes proposed",
        extra={"programme": ctx.programme_key, "ideas": len(pool), "proposals": len(stored)},
    )
    by_number = {i.number: i for i in live}
    card = theme_cards.proposals_card(ws.playbook, stored, by_number, names, plan.programme_name)
    return [Say(card, Delivery.PRIVATE)]


def _key(label: str) -> str:
    """ "Homes, land, afford" → "homes-land-afford": a key from the label, without the commas
    key words are joined with, so it can be typed in `tag <id> <key>`."""
    return re.sub(r"[^\w]+", "-", key_of(label)).strip("-")


def _number(ref: str) -> int:
    match = re.fullmatch(r"[tT]?(\d{1,9})", ref.strip())
    if not match:
        raise Refusal(f"'{ref}' is not a proposed theme; they are numbered like t1.")
    return int(match.group(1))


async def _open(ws: Workshop, ctx: Context, ref: str) -> ProposedTheme:
    """The open proposal `ref` names, or a refusal that says why not."""
    await ws.require_organiser(ctx, "sort proposed emerging themes")
    number = _number(ref)
    found = await ws.themes.proposed_theme(ctx.programme_key, number)
    if found is None:
        raise Refusal(f"There is no proposed theme t{number}. `themes emerging` proposes them.")
    if found.state is not ThemeState.OPEN:
        raise Refusal(f"t{number} is {STATES[found.state]}. Nothing changed.")
    return found


def _gone(proposal: ProposedTheme) -> Refusal:
    """Another organiser acted on it a moment ago."""
    return Refusal(f"{proposal.ref} was just sorted by someone else. Nothing changed.")


async def confirm(ws: Workshop, ctx: Context, ref: str) -> list[Reply]:
    """Add the theme (when new) and tag its ideas, in one transaction."""
    proposal = await _open(ws, ctx, ref)
    known = await planning.emerging_themes(ws, ctx.programme_key)
    added = None
    if proposal.emerging_key is not None:
        key = proposal.emerging_key
        name = next((e.name for e in known if e.key == key), proposal.label)
    else:
        key, name = _key(proposal.label), proposal.label
        same = next((e for e in known if e.key == key), None)
        if same is not None:
            raise Refusal(
                f"There is already an emerging theme called “{same.name}”: "
                f"`themes rename {proposal.ref} <label>` first. Nothing changed."
            )
        added = Emerging(key, name, f"Found in the ideas ({proposal.ref}).", added=True)
    tagged = await ws.themes.confirm_proposed_theme(
        ctx.programme_key, proposal.number, key, added, ctx.who
    )
    if tagged is None:
        raise _gone(proposal)
    listed = ", ".join(f"#{n}" for n in tagged) or "no ideas (they left the plan)"
    said = f"Emerging theme “{name}” confirmed ({proposal.ref}): {listed} tagged `{key}`."
    replies: list[Reply] = [note(said, Delivery.PRIVATE)]
    for number in tagged[:REFRESHED]:
        idea = await ws.ideas.idea(ctx.programme_key, number)
        if idea is not None:
            card = cards.idea_card(ws.playbook, idea)
            replies.insert(0, Refresh(Anchor(AnchorKind.IDEA, number), card))
    return replies


async def rename(ws: Workshop, ctx: Context, ref: str, label: str) -> list[Reply]:
    label = label.strip()
    if not _key(label) or "\x00" in label or len(label) > MAX_TITLE_CHARS:
        raise Refusal(f"Please give a label of 1 to {MAX_TITLE_CHARS} characters. Nothing changed.")
    proposal = await _open(ws, ctx, ref)
    if not await ws.themes.rename_proposed_theme(
        ctx.programme_key, proposal.number, label, ctx.who
    ):
        raise _gone(proposal)
    return [note(f"{proposal.ref} is now “{label}”.", Delivery.PRIVATE)]


async def merge(ws: Workshop, ctx: Context, source: str, target: str) -> list[Reply]:
    if _number(source) == _number(target):
        raise Refusal(f"t{_number(source)} cannot be merged into itself. Nothing changed.")
    into = await _open(ws, ctx, target)
    moved = await _open(ws, ctx, source)
    if not await ws.themes.merge_proposed_themes(
        ctx.programme_key, moved.number, into.number, ctx.who
    ):
        raise _gone(moved)
    size = cards.plural(len(set(into.numbers) | set(moved.numbers)), "idea")
    return [note(f"{moved.ref} is now part of {into.ref} ({size}).", Delivery.PRIVATE)]


async def drop(ws: Workshop, ctx: Context, ref: str) -> list[Reply]:
    proposal = await _open(ws, ctx, ref)
    if not await ws.themes.drop_proposed_theme(ctx.programme_key, proposal.number, ctx.who):
        raise _gone(proposal)
    return [note(f"{proposal.ref} dropped: its ideas stay as they are.", Delivery.PRIVATE)]


async def join_nearest(ws: Workshop, programme: str, idea: Idea) -> tuple[Idea, Emerging] | None:
    """A new idea tagged (by the bot) to the confirmed theme it is close enough to, if any.
    Called once the idea is committed; the embedding runs off the loop."""
    if ws.grouper is None:
        return None
    keys = set(await ws.themes.confirmed_theme_keys(programme))
    if not keys:
        return None
    themes = [e for e in await planning.emerging_themes(ws, programme) if e.key in keys]
    # Read, not the plan: this runs for every new idea, and the plan of a big programme is
    # seconds to load. The newest tagged ideas stand for each theme.
    tagged = await ws.emerging.tagged_texts(programme, keys, JOIN_EXAMPLES)
    key = await asyncio.to_thread(ws.grouper.nearest, idea.text, _seeds(themes, tagged))
    if key is None:
        return None
    done = await ws.emerging.tag(programme, idea.number, key, True, BOT)
    if done.idea is None:
        return None
    return done.idea, next(e for e in themes if e.key == key)
