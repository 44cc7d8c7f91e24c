"""When each one-page brief was made, per programme: the next brief's "what changed since the last
brief" starts there. Declared on the models' metadata (`storage.models` imports this module)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import UTC_TIME, Base


class BriefMade(Base):
    """One brief handed out: when, through which route (`/plan.pdf`, `export`) and on which
    credential (`link`, `token`, `cli`). No person is named, so nothing here needs forgetting."""

    __tablename__ = "briefs"
    __table_args__ = (Index("ix_briefs_programme_made", "programme_id", "made_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    made_at: Mapped[datetime] = mapped_column(UTC_TIME)
    route: Mapped[str] = mapped_column(String(20))
    via: Mapped[str] = mapped_column(String(20))
