"""The console channel: the workshop in a terminal, speaking the same grammar as Slack and Teams."""
