"""The console codec: replies as terminal text; typed text can carry no escape sequences to the
screen."""

from __future__ import annotations

import re

from bot.core.interaction import Card, Delivery, Refresh, Rejected, Reply, Say, ShowForm

# C0/C1 control characters (ANSI escapes start with ESC) except newline and tab.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", text)


def card_text(card: Card) -> str:
    return clean(card.as_text())


def render(reply: Reply) -> str:
    match reply:
        case Rejected(reason=reason):
            return f"! {clean(reason)}"
        case Refresh(card=card) if card is not None:
            return "↻ " + card_text(card)
        case ShowForm(form=form):
            return clean(f"{form.title}: {form.intro}\n(type your idea as a reply to the prompt)")
        case Say(card=card, delivery=Delivery.PRIVATE):
            return "(only you see this)\n" + card_text(card)
        case Say(card=card):
            return card_text(card)
    return ""
