"""Use cases, one module per job; each takes the Workshop and the caller's Context."""
