"""Which programme a Slack workspace's people work in, when the app is installed by OAuth."""

from __future__ import annotations

from storage.programmes import Install


def programme_of_install(install: Install) -> str:
    """`slack-<team id>` for a workspace, `slack-<enterprise id>` for an org-wide install."""
    owner = install.enterprise_id if install.org_wide else install.team_id
    return f"slack-{owner}"
