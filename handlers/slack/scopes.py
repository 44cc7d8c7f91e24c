"""The bot token scopes the app needs: manifest.yml asks for exactly these (a test keeps them in
step), the OAuth install requests them, and `howcanwe doctor` checks a token was granted them."""

from __future__ import annotations

BOT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "channels:read",
    "chat:write",
    "commands",
    "groups:history",
    "groups:read",
    "im:write",  # direct messages: reminders and notes to one person (conversations.open)
    "users:read",
)
