"""SQLAlchemy implementation of the core's storage role ports, and the Alembic migrations."""
