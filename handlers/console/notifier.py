"""The core's `Notifier` port for the console: what the clock says unprompted (reminders, "you
said, we did", digests) to a console channel, or to the console's person directly, is printed for
the person at the terminal."""

from __future__ import annotations

from typing import TextIO

from bot.core.domain import ConversationRef, PostedMessage
from bot.core.interaction import Card, Delivery, Say
from bot.core.ports import Sent
from handlers.console.codec import render


class ConsoleNotifier:
    """Prints a card sent to any console channel, marked with the channel it was for."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    async def send(self, where: ConversationRef, card: Card) -> Sent:
        return self._print(where.channel_id, card)

    async def direct(self, where: ConversationRef, user_id: str, card: Card) -> Sent:
        """The console has one person: a direct message is printed for them, marked as theirs."""
        return self._print(f"to you, {user_id}", card)

    def _print(self, label: str, card: Card) -> Sent:
        text = render(Say(card, Delivery.CHANNEL))
        print(f"[{label}] {text}", file=self._out, flush=True)
        print(file=self._out)
        return Sent.POSTED

    async def update(self, message: PostedMessage, card: Card) -> bool:
        """A card printed earlier cannot be rewritten; the next `/ideas` or `/plan` shows it."""
        return False
