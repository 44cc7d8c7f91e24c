"""The platform-neutral core: no chat SDK, database, web or scheduler imports (import-linter)."""
