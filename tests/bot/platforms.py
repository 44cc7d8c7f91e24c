"""A stand-in for the platforms behind the core's Notifier port, for use-case tests."""

from __future__ import annotations

from datetime import datetime

from bot.core.domain import ConversationRef, PostedMessage
from bot.core.interaction import Card
from bot.core.ports import Clock, Sent


class Platforms:
    """Stands in for the platforms behind the Notifier port: records each post, and answers
    what a channel is scripted to answer (POSTED unless told otherwise)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.sent: list[tuple[ConversationRef, Card, datetime]] = []
        self.answers: dict[str, list[Sent]] = {}

    async def send(self, where: ConversationRef, card: Card) -> Sent:
        answers = self.answers.get(where.channel_id)
        answer = answers.pop(0) if answers else Sent.POSTED
        if answer is Sent.POSTED:
            self.sent.append((where, card, self.clock.now()))
        return answer

    async def update(self, message: PostedMessage, card: Card) -> bool:
        return False

    def to(self, channel: str) -> list[Card]:
        return [card for where, card, _ in self.sent if where.channel_id == channel]
