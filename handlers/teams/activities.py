"""Reading Teams activities: who spoke, in which conversation and reply chain, and what they meant.

Pure functions of a botbuilder `Activity`: a message that @mentions the bot (or any message in a
1:1 chat) is a command; a reply in a prompt's chain without a mention is a plain message (an idea);
a card submit is whatever the card's data says (see `adaptive_cards.intents`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from botbuilder.schema import Activity

from bot.core.domain import ConversationRef, Participant
from bot.core.interaction import (
    Command,
    Context,
    Intent,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
)

PLATFORM = "teams"
THREAD_MARK = ";messageid="
PERSONAL = "personal"
DEFAULT_TENANT = "default"


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a Teams activity came from, read once from its loosely-typed fields."""

    user_id: str
    user_name: str
    tenant_id: str
    conversation_id: str  # without the `;messageid=` reply-chain suffix
    channel_name: str
    thread_id: str | None  # the reply chain's root message id
    personal: bool

    @property
    def known_tenant(self) -> str | None:
        return None if self.tenant_id == DEFAULT_TENANT else self.tenant_id

    def where(self) -> ConversationRef:
        return ConversationRef(
            PLATFORM, self.tenant_id, self.conversation_id, self.channel_name, self.thread_id
        )

    def context(self, programme_key: str) -> Context:
        who = Participant(PLATFORM, self.user_id, self.user_name)
        return Context(who, self.where(), programme_key)


def origin(activity: Activity) -> Origin:
    sender = activity.from_property
    conversation = activity.conversation
    raw_id = (conversation.id if conversation else "") or ""
    conversation_id, mark, root = raw_id.partition(THREAD_MARK)
    data = _mapping(activity.channel_data)
    return Origin(
        user_id=(sender.id if sender else "") or "",
        user_name=(sender.name if sender else "") or "",
        tenant_id=_tenant(data, conversation),
        conversation_id=conversation_id,
        channel_name=str(_mapping(data.get("channel")).get("name") or ""),
        thread_id=root if mark and root else None,
        personal=(conversation.conversation_type if conversation else None) == PERSONAL,
    )


def _tenant(data: Mapping[str, Any], conversation: Any) -> str:
    """Teams names the tenant in channelData; the conversation's `tenantId` (which botbuilder's
    model, expecting `tenantID`, leaves among its unknown properties) is the fallback."""
    tenant = _mapping(data.get("tenant")).get("id")
    if not tenant and conversation is not None:
        extra = _mapping(getattr(conversation, "additional_properties", None))
        tenant = conversation.tenant_id or extra.get("tenantId")
    return str(tenant or DEFAULT_TENANT)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def mentions_bot(activity: Activity) -> bool:
    return bool(_bot_mentions(activity))


def _bot_mentions(activity: Activity) -> list[str]:
    """The texts (`<at>howcanwe</at>`) of the entities that mention the recipient (the bot)."""
    bot_id = activity.recipient.id if activity.recipient else None
    found = []
    for entity in activity.entities or []:
        if (entity.type or "").lower() != "mention":
            continue
        props = entity.additional_properties or {}
        mentioned = _mapping(props.get("mentioned"))
        if bot_id and mentioned.get("id") == bot_id:
            found.append(str(props.get("text") or f"<at>{mentioned.get('name', '')}</at>"))
    return found


def message_text(activity: Activity) -> str:
    """The message as typed, without the bot's mention (a literal cut, not a pattern), as
    plain text: Teams sends what people type as HTML (`<p>…<strong>…</strong></p>`, `&nbsp;`
    from mobile clients) even when it says `textFormat: plain`."""
    text = activity.text or ""
    for mention in _bot_mentions(activity):
        text = text.replace(mention, " ")
    return _plain(text)


class _Text(HTMLParser):
    """Collects an HTML fragment's text; a block or a line break becomes a line break."""

    BREAKS = frozenset({"br", "p", "div", "li", "ul", "ol", "tr", "h1", "h2", "h3", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _plain(text: str) -> str:
    """HTML reduced to its text: tags dropped, entities decoded, spaces and lines tidied."""
    parser = _Text()
    parser.feed(text)
    parser.close()
    lines = ("".join(parser.parts).replace("\xa0", " ")).splitlines()
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())


def message_intent(activity: Activity, where: Origin) -> Intent | None:
    """A typed message as an intent, or None when it is not addressed to the workshop."""
    text = message_text(activity)
    if mentions_bot(activity) or (where.personal and where.thread_id is None):
        return Command(text or "help")
    if not text:
        return None
    return MessagePosted(text, activity.id or None)


def change_intent(activity: Activity, deleted: bool) -> MessageEdited | MessageDeleted | None:
    """A `messageUpdate` (edit) or `messageDelete` (soft delete) activity names the message it
    changes by its own id; an edited message that now mentions the bot is a command, which
    creates no idea to follow."""
    if not activity.id:
        return None
    if deleted:
        return MessageDeleted(activity.id)
    if mentions_bot(activity):
        return None
    return MessageEdited(activity.id, message_text(activity))
