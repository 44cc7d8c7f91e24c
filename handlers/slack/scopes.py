"""The bot token scopes the app needs: manifest.yml asks for exactly these (a test keeps them in
step), and `howcanwe doctor` checks an installed token has them all."""

from __future__ import annotations

BOT_SCOPES = frozenset(
    {
        "app_mentions:read",
        "channels:history",
        "channels:read",
        "chat:write",
        "commands",
        "groups:history",
        "groups:read",
        "users:read",
    }
)
