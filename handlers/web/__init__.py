"""Web handlers: health checks now; the read-only plan pages later."""
