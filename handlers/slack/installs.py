"""OAuth mode's installations: which one reaches a channel, and forgetting one that is gone.

A Slack channel's workspace (`ConversationRef.workspace_id`) is the key of the installation it
is reached through (`origin.Authority.key`): a team id, or an enterprise id for an org-wide
install. slack_sdk's store finds an installation by enterprise and team together, so the key
is first matched against the stored installations to learn the other half (a workspace of an
Enterprise Grid organisation is stored with its enterprise).
"""

from __future__ import annotations

import logging

from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from sqlalchemy import and_, desc, false, or_, select, true

from handlers.slack.origin import Authority

log = logging.getLogger(__name__)


def authority_of(installation: Installation) -> Authority:
    """The installation's own workspace or organisation, to remove it by."""
    return Authority(
        installation.team_id or "",
        installation.enterprise_id or "",
        bool(installation.is_enterprise_install),
    )


class Installs:
    """Lookups and removals on slack_sdk's installation store, by installation key."""

    def __init__(self, store: AsyncSQLAlchemyInstallationStore) -> None:
        self._store = store

    async def find(self, key: str) -> Installation | None:
        """The newest installation of a workspace (team id) or of an org-wide install
        (enterprise id); None when it was never installed or has been uninstalled."""
        found = await self._authority(key)
        if found is None:
            return None
        return await self._store.async_find_installation(
            enterprise_id=found.enterprise_id or None,
            team_id=None if found.org_wide else found.team_id,
            is_enterprise_install=found.org_wide,
        )

    async def forget(self, authority: Authority, why: str) -> None:
        """Delete every installation and bot token of a workspace or organisation, so no call
        is ever made with its tokens again. Its programme's data stays in the database."""
        await self._store.async_delete_all(
            enterprise_id=authority.enterprise_id or None,
            team_id=None if authority.org_wide else authority.team_id or None,
        )
        log.info("slack installation removed", extra={"installation": authority.key, "why": why})

    async def _authority(self, key: str) -> Authority | None:
        if not key:
            return None
        c = self._store.installations.c
        query = (
            select(c.enterprise_id, c.team_id, c.is_enterprise_install)
            .where(
                c.client_id == self._store.client_id,
                or_(
                    and_(c.team_id == key, c.is_enterprise_install == false()),
                    and_(c.enterprise_id == key, c.is_enterprise_install == true()),
                ),
            )
            .order_by(desc(c.installed_at))
            .limit(1)
        )
        async with self._store.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return None
        return Authority(
            row.team_id or "", row.enterprise_id or "", bool(row.is_enterprise_install)
        )
