"""Prompts posted in channels and where copies of anchored cards were posted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core import domain
from bot.core.domain import Anchor, AnchorKind
from bot.core.ports import Clock
from storage import models as m
from storage import vote_queries as votes_sql
from storage.batcher import Batcher
from storage.database import as_utc as _utc
from storage.store import Store

PROMPT_COLUMNS = (
    m.Prompt.id,
    m.Prompt.theme_key,
    m.Prompt.challenge_index,
    m.Prompt.posted_at,
)


class SqlPrompts(Store):
    """Implements `bot.core.ports.PromptStore`."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        super().__init__(engine, clock)
        self._posts: Batcher[str, Anchor, list[domain.PostedMessage]] = Batcher(
            self._find_posts, self._side_by_side
        )

    async def close(self) -> None:
        await self._posts.idle()
        await super().close()

    async def record_prompt(
        self,
        programme: str,
        where: domain.ConversationRef,
        theme_key: str,
        challenge_index: int,
        posted_by: domain.Participant,
    ) -> domain.PostedPrompt:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            channel_id, _, _ = self._channel_row(conn, pid, where)
            row = conn.execute(
                insert(m.Prompt)
                .values(
                    programme_id=pid,
                    channel_id=channel_id,
                    theme_key=theme_key,
                    challenge_index=challenge_index,
                    posted_by=self._participant_id(conn, posted_by),
                    posted_at=self._clock.now(),
                )
                .returning(*PROMPT_COLUMNS)
            ).one()
            self._log(
                conn,
                pid,
                None,
                posted_by.key,
                "prompt.posted",
                theme=theme_key,
                challenge=challenge_index + 1,
                channel=where.channel_id,
            )
            return self._prompt(row, where.channel_id)

        return await self._write(tx)

    @staticmethod
    def _prompt(row: Any, channel_id: str) -> domain.PostedPrompt:
        return domain.PostedPrompt(
            id=row.id,
            theme_key=row.theme_key,
            challenge_index=row.challenge_index,
            channel_id=channel_id,
            posted_at=_utc(row.posted_at),
        )

    def _prompts_here(
        self, pid: int, where: domain.ConversationRef
    ) -> Select[int, str, int, datetime]:
        return (
            select(*PROMPT_COLUMNS)
            .join(m.Channel, m.Channel.id == m.Prompt.channel_id)
            .where(
                m.Prompt.programme_id == pid,
                m.Channel.platform == where.platform,
                m.Channel.workspace_id == where.workspace_id,
                m.Channel.channel_id == where.channel_id,
            )
        )

    async def posted_challenges(
        self, programme: str, where: domain.ConversationRef, theme_key: str
    ) -> set[int]:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            query = self._prompts_here(pid, where).where(m.Prompt.theme_key == theme_key)
            return {p.challenge_index for p in conn.execute(query)}

        return await self._read(tx)

    async def prompt_in_thread(
        self, programme: str, where: domain.ConversationRef
    ) -> domain.PostedPrompt | None:
        if not where.thread_id:
            return None

        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            ref = conn.scalar(
                select(m.Post.ref).where(
                    m.Post.programme_id == pid,
                    m.Post.kind == AnchorKind.PROMPT.value,
                    m.Post.platform == where.platform,
                    m.Post.workspace_id == where.workspace_id,
                    m.Post.channel_id == where.channel_id,
                    m.Post.message_id == where.thread_id,
                )
            )
            if ref is None:
                return None
            row = conn.execute(select(*PROMPT_COLUMNS).where(m.Prompt.id == ref)).first()
            return self._prompt(row, where.channel_id) if row else None

        return await self._read(tx)

    async def prompt(self, programme: str, prompt_id: int) -> domain.PostedPrompt | None:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            found = conn.execute(
                select(*PROMPT_COLUMNS, m.Channel.channel_id.label("channel_key"))
                .join(m.Channel, m.Channel.id == m.Prompt.channel_id)
                .where(m.Prompt.id == prompt_id, m.Prompt.programme_id == pid)
            ).first()
            return self._prompt(found, found.channel_key) if found else None

        return await self._read(tx)

    async def prompts_of_theme(
        self, programme: str, theme_key: str
    ) -> Sequence[domain.PostedPrompt]:
        def tx(conn: Connection) -> list[domain.PostedPrompt]:
            pid = self._programme_id(conn, programme)
            rows = conn.execute(
                select(*PROMPT_COLUMNS, m.Channel.channel_id.label("channel_key"))
                .join(m.Channel, m.Channel.id == m.Prompt.channel_id)
                .where(m.Prompt.programme_id == pid, m.Prompt.theme_key == theme_key)
                .order_by(m.Prompt.id)
            )
            return [self._prompt(row, row.channel_key) for row in rows]

        return await self._read(tx)

    async def latest_prompt(
        self, programme: str, where: domain.ConversationRef
    ) -> domain.PostedPrompt | None:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            query = self._prompts_here(pid, where).order_by(m.Prompt.id.desc()).limit(1)
            row = conn.execute(query).first()
            return self._prompt(row, where.channel_id) if row else None

        return await self._read(tx)

    async def record_post(
        self, programme: str, anchor: Anchor, message: domain.PostedMessage
    ) -> None:
        def tx(conn: Connection) -> Any:
            pid = self._programme_id(conn, programme)
            stmt = self._insert(m.Post).values(
                programme_id=pid,
                kind=anchor.kind.value,
                ref=anchor.ref,
                platform=message.platform,
                workspace_id=message.workspace_id,
                channel_id=message.channel_id,
                message_id=message.message_id,
            )
            conn.execute(stmt.on_conflict_do_nothing())

        return await self._write(tx)

    async def posts(self, programme: str, anchor: Anchor) -> Sequence[domain.PostedMessage]:
        """Read on every vote (the card copies to refresh), so lookups that arrive together
        are answered by one query."""
        return await self._posts.submit(programme, anchor)

    async def _find_posts(
        self, programme: str, anchors: list[Anchor]
    ) -> list[list[domain.PostedMessage]]:
        def tx(conn: Connection) -> list[list[domain.PostedMessage]]:
            pid = self._programme_id(conn, programme)
            params = {
                "pid": pid,
                "kinds": sorted({a.kind.value for a in anchors}),
                "refs": sorted({a.ref for a in anchors}),
            }
            found: dict[tuple[str, int], list[domain.PostedMessage]] = {}
            for r in conn.execute(votes_sql.posts(self._dialect), params):
                message = domain.PostedMessage(
                    r.platform, r.workspace_id, r.channel_id, r.message_id
                )
                found.setdefault((r.kind, r.ref), []).append(message)
            return [found.get((a.kind.value, a.ref), []) for a in anchors]

        return await self._read(tx)
