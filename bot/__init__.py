"""howcanwe: the platform-neutral core (bot.core) and the composition root (app, config, CLI)."""
