"""The Microsoft Teams edge: Bot Framework activities at /api/messages, Adaptive Cards out."""

from __future__ import annotations

from handlers.teams.edge import TEAMS, Notifier, mount, outbound

__all__ = ["TEAMS", "Notifier", "mount", "outbound"]
