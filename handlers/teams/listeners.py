"""The Teams listeners: botbuilder's activity handler, activities in, the core's intents through
`Engine.handle`, replies out.

Teams re-sends an activity when the bot is slow (about 15 s); each activity is acted on once,
remembered in the database so that a second process or a restart cannot act on it again. An
idea is remembered with its activity in the idea's own transaction, so a re-send after a crash
stores it then; every other activity is claimed before it is acted on and recorded as handled
after (handlers.turns), so a re-send after a failure is handled then. Either way the HTTP
answer goes out only once the turn, and what it stored, is done.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import replace

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount
from botbuilder.schema.teams import ChannelInfo, TeamInfo

from bot.core.domain import Claim, ConversationRef
from bot.core.engine import Engine
from bot.core.interaction import Card, Context, MessagePosted, Rejected, Reply, Text, Tone
from handlers import turns
from handlers.coalescer import Coalescer
from handlers.teams import codec
from handlers.teams.connector import Connectors
from handlers.teams.delivery import Deliveries, Outbox
from handlers.teams.origin import PLATFORM, Origin, origin

log = logging.getLogger(__name__)

FOLLOWED = frozenset({ActivityTypes.message_update, ActivityTypes.message_delete})
REMEMBERED = 10_000  # conversations whose reference this process has checked
STALE = "That card is out of date. Type `help` (after mentioning me) to see what you can do."
NOTHING_CHOSEN = "Nothing changed: choose a different actor, style or stage, then press Save."


class WorkshopBot(TeamsActivityHandler):  # type: ignore[misc]  # botbuilder has no types: its base class is Any
    """One per process; every conversation in every team, chat and 1:1 shares one programme."""

    def __init__(
        self, engine: Callable[[], Engine], programme_key: str, connectors: Connectors
    ) -> None:
        self._engine = engine
        self.programme_key = programme_key
        self.connectors = connectors
        self.deliveries = Deliveries()
        self.coalescer = Coalescer(self.deliveries.spawn)
        self._remembered: set[str] = set()

    @property
    def engine(self) -> Engine:
        return self._engine()

    async def on_turn(self, turn_context: TurnContext) -> None:
        """A re-sent activity is handled again only if its first sending failed or its
        handler died (see handlers.turns); an idea carries its activity's key itself."""
        activity = turn_context.activity
        key = None if _is_idea(activity) else _request_key(activity)
        async with turns.handling(self.engine.turns, PLATFORM, key) as claim:
            if claim is Claim.NEW:
                await super().on_turn(turn_context)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        where = origin(activity)
        ctx = replace(where.context(self.programme_key), request_key=_request_key(activity))
        log.debug(
            "teams message",
            extra={
                "user": where.user_id,
                "user_name": where.user_name,
                "conversation": where.conversation_id,
            },
        )
        await self._remember(turn_context, where)  # before any effect: a failure here is
        if activity.value is not None:  # retried on Teams' re-send, never doubled
            replies = await self._submitted(ctx, activity.value)
        else:
            intent = codec.message_intent(activity, where)
            if intent is None:
                return
            replies = await self.engine.handle(ctx, intent)
        if replies:
            self.deliveries.spawn(self.outbox(turn_context, where).deliver(ctx, replies))

    async def on_teams_message_edit(self, turn_context: TurnContext) -> None:
        await self._follow(turn_context, deleted=False)

    async def on_teams_message_soft_delete(self, turn_context: TurnContext) -> None:
        await self._follow(turn_context, deleted=True)

    async def _follow(self, turn_context: TurnContext, deleted: bool) -> None:
        """A message edited or deleted: the idea it created, if any, follows."""
        activity = turn_context.activity
        intent = codec.change_intent(activity, deleted)
        if intent is None:
            return
        where = origin(activity)
        ctx = where.context(self.programme_key)
        replies = await self.engine.handle(ctx, intent)
        if replies:
            self.deliveries.spawn(self.outbox(turn_context, where).deliver(ctx, replies))

    async def on_teams_members_added_dispatch(
        self,
        members_added: list[ChannelAccount],
        team_info: TeamInfo,
        turn_context: TurnContext,
    ) -> None:
        """Only the bot's own arrival matters; botbuilder would look every other new member up
        through the connector first, a wasted call per person joining a team."""
        await self.on_members_added_activity(members_added, turn_context)

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        bot_id = turn_context.activity.recipient.id
        if any(member.id == bot_id for member in members_added):
            await self._welcome(turn_context)

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        await self._welcome(turn_context)

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        """The app was uninstalled from a team, a group chat or someone's personal scope."""
        await self._removed(origin(turn_context.activity).where())

    async def on_teams_members_removed_dispatch(
        self,
        members_removed: list[ChannelAccount],
        team_info: TeamInfo,
        turn_context: TurnContext,
    ) -> None:
        """Only the bot's own removal matters: the conversation is out of reach from now on."""
        bot_id = turn_context.activity.recipient.id
        if any(member.id == bot_id for member in members_removed):
            await self._removed(origin(turn_context.activity).where())

    async def on_teams_channel_deleted(
        self, channel_info: ChannelInfo, team_info: TeamInfo, turn_context: TurnContext
    ) -> None:
        if channel_info and channel_info.id:
            place = origin(turn_context.activity).where()
            await self._removed(replace(place, channel_id=channel_info.id))

    async def _removed(self, place: ConversationRef) -> None:
        """Stop digests to a conversation the bot can no longer post to, and forget how to
        reach it; adding the bot again remembers it anew. (Other channels of a team the bot
        left stop theirs at their next digest, which Teams refuses.)"""
        self._remembered.discard(place.channel_id)
        await self.engine.lost_access(self.programme_key, place)
        log.info("teams conversation left", extra={"conversation": place.channel_id})

    def outbox(self, turn_context: TurnContext, where: Origin) -> Outbox:
        return Outbox(turn_context, where, self.engine, self.connectors, self.coalescer)

    async def _post(self, turn_context: TurnContext, where: Origin, card: Card) -> None:
        await self.outbox(turn_context, where).post(card)

    async def _submitted(self, ctx: Context, value: object) -> list[Reply]:
        intents = codec.intents(value)
        if intents is None:
            return [Rejected(STALE)]
        if not intents:
            return [Rejected(NOTHING_CHOSEN)]
        replies: list[Reply] = []
        for intent in intents:
            replies += await self.engine.handle(ctx, intent)
        return replies

    async def _welcome(self, turn_context: TurnContext) -> None:
        """Say hello once per conversation, and remember how to reach it for digests."""
        where = origin(turn_context.activity)
        if not await self._save_reference(turn_context, where):
            self.deliveries.spawn(self._post(turn_context, where, self.welcome_card(where)))

    def welcome_card(self, where: Origin) -> Card:
        how = (
            "Type `help` to see what you can do."
            if where.personal
            else "Mention me with a command, e.g. `@howcanwe help`; reply to a prompt to add ideas."
        )
        return Card(
            f"howcanwe — {self.engine.playbook.name}",
            (
                Text("Hello! I run this programme's “How can we…?” workshop here."),
                Text(how, Tone.MUTED),
            ),
        )

    async def _remember(self, turn_context: TurnContext, where: Origin) -> None:
        """Keep how to reach this conversation later (digests, flags for organisers) even when
        the bot missed being added to it, say because it was down then: once per conversation
        and process."""
        if where.conversation_id not in self._remembered:
            await self._save_reference(turn_context, where)

    async def _save_reference(self, turn_context: TurnContext, where: Origin) -> bool:
        """Store how to reach the conversation (its channel, not a reply chain) with the
        latest service URL; True if it was known before."""
        place = where.where()
        reference = TurnContext.get_conversation_reference(turn_context.activity)
        reference.conversation.id = where.conversation_id
        known = await self.engine.keep_reference(self.programme_key, place, reference.serialize())
        if where.personal and where.user_id:  # a 1:1 chat: direct nudges reach them here
            who = where.context(self.programme_key).who
            await self.engine.keep_personal(self.programme_key, who, place)
        log.info("teams conversation remembered", extra={"conversation": place.channel_id})
        if len(self._remembered) >= REMEMBERED:
            self._remembered.clear()
        self._remembered.add(where.conversation_id)
        return known


def _request_key(activity: Activity) -> str | None:
    """The activity's id within its conversation: the same on Teams' re-sends. An edit or a
    deletion carries the id of the message it changes, so it has none of its own (acting on
    it again changes nothing more)."""
    if not activity.id or activity.type in FOLLOWED:
        return None
    key = hashlib.sha256(f"{_conversation(activity)}|{activity.id}".encode()).hexdigest()
    return f"activity:{key}"


def _conversation(activity: Activity) -> str:
    return activity.conversation.id if activity.conversation else ""


def _is_idea(activity: Activity) -> bool:
    """A typed message that may be an idea: the idea carries the activity's key itself."""
    if activity.type != ActivityTypes.message or activity.value is not None:
        return False
    return isinstance(codec.message_intent(activity, origin(activity)), MessagePosted)
