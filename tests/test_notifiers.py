"""The composition root's Notifier: a notice goes to its platform's edge, and a failing or
missing edge means "not delivered", never an exception in the use case that sent it."""

from __future__ import annotations

from bot.core.domain import ConversationRef
from bot.core.interaction import Card
from bot.core.ports import Sent
from bot.notifiers import Notifiers

WHERE = ConversationRef("teams", "tenant-1", "19:organisers@thread.tacv2", "organisers")


class Delivers:
    def __init__(self) -> None:
        self.sent: list[ConversationRef] = []

    async def send(self, where: ConversationRef, card: Card) -> Sent:
        self.sent.append(where)
        return Sent.POSTED


class Breaks:
    async def send(self, where: ConversationRef, card: Card) -> Sent:
        raise RuntimeError("connector down")


async def test_a_notice_goes_to_the_notifier_of_its_platform() -> None:
    notifiers, teams, slack = Notifiers(), Delivers(), Delivers()
    notifiers.register("teams", teams)
    notifiers.register("slack", slack)
    assert await notifiers.send(WHERE, Card("#1 was flagged")) is Sent.POSTED
    assert teams.sent == [WHERE] and slack.sent == []


async def test_a_missing_or_failing_edge_is_not_delivered(caplog) -> None:
    notifiers = Notifiers()
    assert await notifiers.send(WHERE, Card("x")) is Sent.FAILED
    notifiers.register("teams", Breaks())
    assert await notifiers.send(WHERE, Card("x")) is Sent.FAILED
    assert "notice failed" in caplog.text
