"""Where a Teams activity came from: who spoke, in which tenant, conversation and reply chain.

A pure function of a botbuilder `Activity`, read once from its loosely-typed fields; what the
activity means (a command, an idea, a card submit) is the codec's to say.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from botbuilder.schema import Activity

from bot.core.domain import ConversationRef, Participant
from bot.core.interaction import Context

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
