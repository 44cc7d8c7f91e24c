"""Action follow-through: on a schedule organisers set, each action's owner (when the owner is a
participant, `owner "slack:U123"`) is asked for an update on their open actions, directly where
they can be reached; their `progress <id> <text>` becomes a dated note, and organisers see who
has not answered."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from bot.core import cards
from bot.core.digest_cards import moment_text
from bot.core.domain import Idea, Status
from bot.core.interaction import Context, Reply
from bot.core.nudges import (
    AskSchedule,
    FollowUp,
    NewNudge,
    NudgeKind,
    owner_key,
    reach,
    shorten,
)
from bot.core.usecases import actions
from bot.core.workshop import Refusal, Workshop

OPEN = (Status.PROPOSED, Status.AGREED, Status.IN_PROGRESS)
TITLE = "How are your actions going?"


async def progress(ws: Workshop, ctx: Context, number: int, text: str) -> list[Reply]:
    """`progress <id> <text>`: the owner's (or an organiser's) update, a dated note."""
    idea = await ws.idea(ctx, number)
    if owner_key(idea.owner) != ctx.who.key and not await ws.is_organiser(ctx):
        raise Refusal(
            f"Only #{number}'s owner or an organiser can post its progress. "
            f"`action {number}` shows its notes."
        )
    replies = await actions.add_note(ws, ctx, number, text)
    await ws.nudges.answer_follow_up(ctx.programme_key, number, ws.clock.now())
    return replies


async def waiting(ws: Workshop, ctx: Context) -> str:
    """Who has not answered the latest round, for organisers."""
    found = await ws.nudges.unanswered(ctx.programme_key)
    if found is None:
        return "No owner has been asked for an update yet."
    asked_at, open_asks = found
    when = moment_text(asked_at, ws.playbook.timezone)
    if not open_asks:
        return f"Every owner asked {when} has answered."
    by_owner: dict[str, list[int]] = defaultdict(list)
    for ask in open_asks:
        by_owner[ask.owner].append(ask.number)
    owed = "; ".join(
        f"{owner} ({', '.join(f'#{n}' for n in numbers)})" for owner, numbers in by_owner.items()
    )
    return f"Asked {when}, not answered yet: {owed}."


async def ask_round(ws: Workshop, ask: AskSchedule, actions: Sequence[Idea]) -> list[NewNudge]:
    """One message per owner of the open `actions`, when the owner is a participant: to them
    directly where they can be reached (`bot.core.nudges.reach`), else in the schedule's
    channel; an owner who muted nudges is not asked. The round is recorded so that organisers
    can see who has not answered."""
    by_owner: dict[str, list[Idea]] = defaultdict(list)
    for idea in actions:
        if owner := owner_key(idea.owner):
            by_owner[owner].append(idea)
    asking: list[NewNudge] = []
    for owner, own in sorted(by_owner.items()):
        person = await ws.nudges.recipient(ask.programme, owner)
        if person is None:
            del by_owner[owner]
            continue
        direct = reach(person, [ask.where])
        asking.append(
            NewNudge(
                ask.programme,
                f"follow-up:{ask.next_run_at.isoformat()}:{owner}",
                NudgeKind.FOLLOW_UP,
                direct or ask.where,
                TITLE,
                _asking(owner, own),
                ws.clock.now(),
                to=owner if direct else None,
            )
        )
    asked = [FollowUp(owner, idea.number) for owner, own in by_owner.items() for idea in own]
    await ws.nudges.record_follow_ups(ask.programme, ask.next_run_at, asked)
    return asking


def _asking(owner: str, own: Sequence[Idea]) -> str:
    lines = [f"{owner}, what's new on your actions?"]
    lines += [f"#{i.number} “{shorten(i.text, 80)}” — {cards.action_text(i)}" for i in own]
    first = own[0].number
    lines.append(f'Answer with `progress {first} "what happened"`: it becomes a dated note.')
    return "\n".join(lines)
