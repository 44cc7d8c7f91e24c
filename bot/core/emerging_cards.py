"""Emerging themes as neutral cards and card sections: the plan's, the digest's, `emerging`."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core import cards
from bot.core.emerging import EmergingIdeas
from bot.core.interaction import Bullets, Card, Heading, Text, Tone

IDEAS_SHOWN = 3  # ideas named under an emerging theme in the plan
THEMES_SHOWN = 12  # emerging themes on one card (organisers may add many); the rest are counted


def section(
    gathered: Sequence[EmergingIdeas], shown: int = IDEAS_SHOWN
) -> list[Text | Heading | Bullets]:
    """ "Emerging themes from across the day": each with what it means and its leading ideas."""
    if not gathered:
        return []
    blocks: list[Text | Heading | Bullets] = [Heading("Emerging themes from across the day")]
    for found in gathered[:THEMES_SHOWN]:
        ideas = found.ideas
        title = f"{found.emerging.name} ({cards.plural(found.count, 'idea')})"
        blocks.append(Text(title, Tone.STRONG))
        lines = [cards.clip(found.emerging.text)] + [
            f"{i.label} {cards.clip(i.text, 120)} — {cards.plural(i.votes, 'vote')}"
            for i in ideas[:shown]
        ]
        if found.count > shown:
            lines.append(cards.more_text(found.count - shown, "type `emerging` to see them all"))
        blocks.append(Bullets(tuple(lines)))
    if len(gathered) > THEMES_SHOWN:
        rest = cards.more_text(len(gathered) - THEMES_SHOWN, "the web view's plan lists them all")
        blocks.append(Text(rest, Tone.MUTED))
    return blocks


def emerging_card(gathered: Sequence[EmergingIdeas], programme_name: str) -> Card:
    blocks: list[Text | Heading | Bullets] = [
        *section(gathered, shown=cards.LIST_LIMIT),
        Text("Organisers tag ideas with `tag <id> <emerging theme>`.", Tone.MUTED),
    ]
    return Card(f"Emerging themes — {programme_name}", tuple(blocks))
