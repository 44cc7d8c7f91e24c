"""What the role contracts share: a new idea, as the core would ask storage for one."""

from __future__ import annotations

from bot.core.domain import Assignment, ConversationRef, NewIdea, Participant
from tests.conftest import in_channel, person
from tests.contracts.conftest import PROGRAMME


def new_idea(
    text: str,
    theme: str = "health",
    author: Participant | None = None,
    where: ConversationRef | None = None,
    request_key: str | None = None,
    source: str | None = None,
    suggestion: Assignment | None = None,
) -> NewIdea:
    return NewIdea(
        PROGRAMME,
        text,
        theme,
        author or person("ada"),
        where or in_channel(),
        None,
        suggestion,
        request_key,
        source,
    )


async def add(store, text: str, **kwargs) -> int:
    """Add an idea; its number."""
    added = await store.add_idea(new_idea(text, **kwargs))
    assert added.idea is not None
    return int(added.idea.number)
