"""Prompts posted in channels and where copies of anchored cards were posted, in memory
(`storage.prompts`)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core import domain
from bot.core.domain import Anchor, AnchorKind
from tests.fakes.memory import Memory, PostRow, PromptRow, place


class MemoryPrompts(Memory):
    """Implements `bot.core.ports.PromptStore`."""

    async def record_prompt(
        self,
        programme: str,
        where: domain.ConversationRef,
        theme_key: str,
        challenge_index: int,
        posted_by: domain.Participant,
    ) -> domain.PostedPrompt:
        self._channel_row(programme, where)
        prompt = domain.PostedPrompt(
            self._next_id(), theme_key, challenge_index, where.channel_id, self._clock.now()
        )
        poster = self._person(posted_by)
        self._prompts[prompt.id] = PromptRow(programme, place(where), prompt, poster)
        self._log(
            programme,
            None,
            posted_by.key,
            "prompt.posted",
            theme=theme_key,
            challenge=challenge_index + 1,
            channel=where.channel_id,
        )
        return prompt

    def _prompts_of(self, programme: str) -> list[PromptRow]:
        """The programme's prompts, oldest first (ids grow, as the database's do)."""
        self._programme(programme)
        return [row for row in self._prompts.values() if row.programme == programme]

    async def posted_challenges(
        self, programme: str, where: domain.ConversationRef, theme_key: str
    ) -> set[int]:
        return {
            row.prompt.challenge_index
            for row in self._prompts_of(programme)
            if row.place == place(where) and row.prompt.theme_key == theme_key
        }

    async def prompt_in_thread(
        self, programme: str, where: domain.ConversationRef
    ) -> domain.PostedPrompt | None:
        if not where.thread_id:
            return None
        self._programme(programme)
        post = self._posts.get((*place(where), where.thread_id))
        if post is None or post.programme != programme or post.anchor.kind is not AnchorKind.PROMPT:
            return None
        row = self._prompts.get(post.anchor.ref)
        return row.prompt if row is not None else None

    async def prompt(self, programme: str, prompt_id: int) -> domain.PostedPrompt | None:
        row = self._prompts.get(prompt_id)
        self._programme(programme)
        return row.prompt if row is not None and row.programme == programme else None

    async def prompts_of_theme(
        self, programme: str, theme_key: str
    ) -> Sequence[domain.PostedPrompt]:
        rows = self._prompts_of(programme)
        return [row.prompt for row in rows if row.prompt.theme_key == theme_key]

    async def latest_prompt(
        self, programme: str, where: domain.ConversationRef
    ) -> domain.PostedPrompt | None:
        here = [row.prompt for row in self._prompts_of(programme) if row.place == place(where)]
        return here[-1] if here else None

    async def record_post(
        self, programme: str, anchor: Anchor, message: domain.PostedMessage
    ) -> None:
        self._programme(programme)
        key = (*place(message), message.message_id)
        self._posts.setdefault(key, PostRow(programme, anchor, message))

    async def posts(self, programme: str, anchor: Anchor) -> Sequence[domain.PostedMessage]:
        self._programme(programme)
        return [
            row.message
            for row in self._posts.values()
            if row.programme == programme and row.anchor == anchor
        ]
