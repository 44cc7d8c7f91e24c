"""The near-duplicate index's table: for each word stem of a programme, the storage ids of the
ideas whose text has it. Declared on the models' metadata (`storage.models` imports this module,
so migrations and `alembic check` see it)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base

STEM_CHARS = 100  # a stem is kept to this many characters: no word is longer


class StemPosting(Base):
    """One chunk of a stem's postings: idea ids in ascending order, packed as little-endian
    32-bit integers, every one at least `first_id` and below the next chunk's `first_id`.
    Packed rather than a row per (stem, idea): a check reads tens of thousands of ids in a
    few rows, and counts them at once (storage.postings)."""

    __tablename__ = "stem_postings"
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    stem: Mapped[str] = mapped_column(String(STEM_CHARS), primary_key=True)
    first_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ideas: Mapped[bytes] = mapped_column(LargeBinary)
