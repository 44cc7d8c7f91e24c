"""The console codec: replies as terminal text; typed text can carry no escape sequences to the
screen."""

from __future__ import annotations

import re

from bot.core.interaction import (
    Actions,
    Button,
    Card,
    Delivery,
    Refresh,
    Rejected,
    Reply,
    Say,
    Select,
    ShowForm,
)
from bot.core.typed import command_for

# C0/C1 control characters (ANSI escapes start with ESC) except newline and tab.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", text)


def card_text(card: Card) -> str:
    """The card's text, then what its buttons and menus do, as the commands that do it."""
    typed: dict[str, str] = {}  # one line per command: an idea's three menus are one `assign`
    for block in card.blocks:
        if isinstance(block, Actions):
            for element in block.elements:
                command = command_for(element)
                if command is not None and command not in typed:
                    typed[command] = f"  {_label(element)} → /{command}"
    return clean("\n".join([card.as_text(), *typed.values()]))


def _label(element: Button | Select) -> str:
    return element.label if isinstance(element, Button) else element.placeholder


def render(reply: Reply) -> str:
    match reply:
        case Rejected(reason=reason):
            return f"! {clean(reason)}"
        case Refresh(card=card) if card is not None:
            return "↻ " + card_text(card)
        case ShowForm(form=form):
            return clean(f"{form.title}: {form.intro}\n(type your idea as a line, or /idea <idea>)")
        case Say(card=card, delivery=Delivery.PRIVATE):
            return "(only you see this)\n" + card_text(card)
        case Say(card=card):
            return card_text(card)
    return ""
