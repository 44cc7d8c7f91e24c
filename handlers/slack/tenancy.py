"""Which programme a Slack workspace's people work in, when the app is installed by OAuth: its
own, `slack-<team id>` (`slack-<enterprise id>` for an org-wide install), unless the operator
pooled it into a chosen one (HOWCANWE_SLACK_PROGRAMMES)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.organisers import own_programme
from storage.programmes import Install


def programme_for(owner: str, pooled: Mapping[str, str]) -> str:
    """`owner` is the team id of a workspace install, the enterprise id of an org-wide one."""
    return pooled.get(owner) or own_programme(owner)


def owner_of(install: Install) -> str:
    return str(install.enterprise_id if install.org_wide else install.team_id)
