"""Web handlers: the health check, and the read-only web view of the plan (pages, charts,
downloads)."""
