"""The proposals card of `themes emerging`: each proposed emerging theme with its ideas and
votes by audience, Confirm and Drop buttons, and the typed commands for renaming and merging."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core import cards
from bot.core.domain import Idea, ProposedTheme
from bot.core.interaction import (
    THEME_CONFIRM,
    THEME_DROP,
    Actions,
    Block,
    Bullets,
    Button,
    Card,
    Text,
    Tone,
)
from bot.core.playbook import Playbook

PROPOSALS_SHOWN = 10  # three blocks each: well inside Slack's 50 blocks and Teams' card size
IDEAS_SHOWN = 5


def heading(proposal: ProposedTheme, names: Mapping[str, str]) -> str:
    size = cards.plural(len(proposal.numbers), "idea")
    if proposal.emerging_key is not None:
        into = names.get(proposal.emerging_key, proposal.emerging_key)
        return f"{proposal.ref} · into “{into}” ({size})"
    return f"{proposal.ref} · new: {proposal.label} ({size})"


def proposals_card(
    playbook: Playbook,
    proposals: Sequence[ProposedTheme],
    ideas: Mapping[int, Idea],
    names: Mapping[str, str],
    programme_name: str,
) -> Card:
    """`names`: emerging theme key → title, for proposals into an existing theme."""
    title = f"Emerging themes proposed — {programme_name}"
    if not proposals:
        return Card(
            title,
            (
                Text(
                    "No ideas to group yet: every live idea is tagged already, or "
                    "there are too few to form a theme.",
                    Tone.MUTED,
                ),
            ),
        )
    blocks: list[Block] = []
    for proposal in proposals[:PROPOSALS_SHOWN]:
        blocks.append(Text(cards.clip(heading(proposal, names), 150), Tone.STRONG))
        lines = [
            f"#{n} {cards.clip(ideas[n].text, 100)} — {cards.votes_text(playbook, ideas[n])}"
            for n in proposal.numbers[:IDEAS_SHOWN]
            if n in ideas
        ]
        if len(proposal.numbers) > IDEAS_SHOWN:
            lines.append(cards.more_text(len(proposal.numbers) - IDEAS_SHOWN, "confirm to tag all"))
        blocks.append(Bullets(tuple(lines)))
        blocks.append(
            Actions(
                (
                    Button(f"Confirm {proposal.ref}", THEME_CONFIRM, proposal.ref, primary=True),
                    Button(f"Drop {proposal.ref}", THEME_DROP, proposal.ref),
                )
            )
        )
    if len(proposals) > PROPOSALS_SHOWN:
        rest = cards.more_text(len(proposals) - PROPOSALS_SHOWN, "confirm or drop these first")
        blocks.append(Text(rest, Tone.MUTED))
    blocks.append(
        Text(
            "Organisers: `themes confirm t1` · `themes rename t1 <label>` · "
            "`themes merge t2 into t1` · `themes drop t1`.",
            Tone.MUTED,
        )
    )
    return Card(title, tuple(blocks))
