"""SQLAlchemy implementation of the core's Repository port, and the Alembic migrations."""
