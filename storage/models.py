"""Tables. Constraints, not Python, keep votes single, numbers unique and budgets honest."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

UTC_TIME = DateTime(timezone=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Programme(Base):
    """One workshop's shared plan; ideas are numbered per programme from `last_number`."""

    __tablename__ = "programmes"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    default_audience: Mapped[str] = mapped_column(String(50))
    last_number: Mapped[int] = mapped_column(Integer, default=0)
    # Moved on by every write to the programme: cached plan pages are good while it stands.
    plan_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTC_TIME)
    # Where flags and other notices for organisers go (`organisers here`), on any platform.
    organisers_platform: Mapped[str | None] = mapped_column(String(20))
    organisers_workspace: Mapped[str | None] = mapped_column(String(200))
    organisers_channel: Mapped[str | None] = mapped_column(String(300))
    organisers_channel_name: Mapped[str | None] = mapped_column(String(300))


class Participant(Base):
    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("platform", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200), default="")


class Channel(Base):
    """A channel or chat; `audience` NULL means the programme's default audience."""

    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("programme_id", "platform", "workspace_id", "channel_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(20))
    workspace_id: Mapped[str] = mapped_column(String(200))
    channel_id: Mapped[str] = mapped_column(String(300))
    name: Mapped[str] = mapped_column(String(300), default="")
    audience: Mapped[str | None] = mapped_column(String(50))
    reference: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Prompt(Base):
    __tablename__ = "prompts"
    __table_args__ = (Index(None, "channel_id", "theme_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    theme_key: Mapped[str] = mapped_column(String(100))
    challenge_index: Mapped[int] = mapped_column(Integer)
    posted_by: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    posted_at: Mapped[datetime] = mapped_column(UTC_TIME)


class Post(Base):
    """Where a copy of a prompt or idea card was posted (a prompt's thread, a card to refresh)."""

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("platform", "workspace_id", "channel_id", "message_id"),
        Index(None, "programme_id", "kind", "ref"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    ref: Mapped[int] = mapped_column(Integer)
    platform: Mapped[str] = mapped_column(String(20))
    workspace_id: Mapped[str] = mapped_column(String(200))
    channel_id: Mapped[str] = mapped_column(String(300))
    message_id: Mapped[str] = mapped_column(String(300))


class Idea(Base):
    __tablename__ = "ideas"
    __table_args__ = (
        UniqueConstraint("programme_id", "number"),
        Index(None, "programme_id", "theme_key"),
        # An actor's cells (the styles grid); named, as the convention names by first column.
        Index("ix_ideas_programme_id_actor_key", "programme_id", "actor_key"),
        Index("ix_ideas_created_at", "programme_id", "created_at"),  # a digest's new ideas
        Index("ix_ideas_author", "programme_id", "author_id"),  # the programme's authors, counted
        # The programme's ideas not hidden, read from the index alone (a digest's period).
        Index("ix_ideas_live", "programme_id", "hidden", "id"),
        # A platform's id for the request that brought the idea: a retry or replay adds nothing.
        UniqueConstraint("programme_id", "request_key"),
        # The platform message that created the idea (`<channel>/<message id>`): its edits and
        # deletion follow to the idea.
        UniqueConstraint("programme_id", "platform", "source_message"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    theme_key: Mapped[str] = mapped_column(String(100))
    prompt_id: Mapped[int | None] = mapped_column(ForeignKey("prompts.id", ondelete="SET NULL"))
    # The challenge it answers (its index in the theme): its prompt's, or where it was re-filed.
    challenge_index: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    sketch: Mapped[bytes | None] = mapped_column(LargeBinary)  # bot.core.sketches; None: scored
    author_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    platform: Mapped[str] = mapped_column(String(20))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    audience: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(UTC_TIME)
    actor_key: Mapped[str | None] = mapped_column(String(100))
    style_key: Mapped[str | None] = mapped_column(String(100))
    stage_key: Mapped[str | None] = mapped_column(String(100))
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    assigned_at: Mapped[datetime | None] = mapped_column(UTC_TIME)
    merged_into: Mapped[int | None] = mapped_column(
        ForeignKey("ideas.id", ondelete="SET NULL"), index=True
    )
    suggested_actor: Mapped[str | None] = mapped_column(String(100))
    suggested_style: Mapped[str | None] = mapped_column(String(100))
    # The write-up's examples the suggestion came from: a JSON list of strings.
    suggested_because: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(20))  # set once assigned: an action
    owner: Mapped[str | None] = mapped_column(String(300))
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    request_key: Mapped[str | None] = mapped_column(String(200))
    source_message: Mapped[str | None] = mapped_column(String(400))


class Vote(Base):
    """One participant's vote for one idea; `audience` is the channel's at the time of voting."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("idea_id", "participant_id"),
        # Votes by audience, and voters per audience (the consensus's denominators), counted
        # from the index alone.
        Index(None, "idea_id", "audience", "participant_id"),
        # A digest's period: its votes read from the index alone.
        Index("ix_votes_cast_at", "cast_at", "participant_id", "audience", "platform", "idea_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    audience: Mapped[str] = mapped_column(String(50))
    platform: Mapped[str] = mapped_column(String(20))
    cast_at: Mapped[datetime] = mapped_column(UTC_TIME)


class VoteBudget(Base):
    """Votes a participant has in use per theme: a guarded UPDATE makes the budget race-free."""

    __tablename__ = "vote_budgets"
    __table_args__ = (CheckConstraint("used >= 0", name="used_not_negative"),)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), primary_key=True)
    theme_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    used: Mapped[int] = mapped_column(Integer, default=0)


class Organiser(Base):
    __tablename__ = "organisers"
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    user_key: Mapped[str] = mapped_column(String(250), primary_key=True)
    added_by: Mapped[str] = mapped_column(String(250))
    added_at: Mapped[datetime] = mapped_column(UTC_TIME)


class ProcessedEvent(Base):
    """Inbound event ids already handled, so retries and replays change nothing."""

    __tablename__ = "processed_events"
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTC_TIME, index=True)


class ClockTick(Base):
    """When each clock job last ran, so `howcanwe doctor` can tell a clock that stopped."""

    __tablename__ = "clock_ticks"
    job: Mapped[str] = mapped_column(String(50), primary_key=True)
    ticked_at: Mapped[datetime] = mapped_column(UTC_TIME)


class Draft(Base):
    """An idea held back because it looks like one already there, until its author says
    "Add mine anyway" (or drops it by voting for the other)."""

    __tablename__ = "drafts"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    text: Mapped[str] = mapped_column(Text)
    theme_key: Mapped[str] = mapped_column(String(100))
    prompt_id: Mapped[int | None] = mapped_column(ForeignKey("prompts.id", ondelete="SET NULL"))
    where: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTC_TIME, index=True)


class ThemePhase(Base):
    """A theme's phase when an organiser has changed it from the first, collecting ideas."""

    __tablename__ = "theme_phases"
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    theme_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    phase: Mapped[str] = mapped_column(String(20))
    changed_by: Mapped[str] = mapped_column(String(250))
    changed_at: Mapped[datetime] = mapped_column(UTC_TIME)


class ActionNote(Base):
    """A dated progress note on an action (an assigned idea)."""

    __tablename__ = "action_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(250))
    created_at: Mapped[datetime] = mapped_column(UTC_TIME)


class Flag(Base):
    """A participant's report that an idea needs an organiser's look; `reason` is erased when
    its author asks to be forgotten, and `open` ends when an organiser keeps or hides the idea."""

    __tablename__ = "flags"
    __table_args__ = (UniqueConstraint("idea_id", "participant_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    open: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    flagged_at: Mapped[datetime] = mapped_column(UTC_TIME)


class ActorProposal(Base):
    """A participant's say in who should act on an idea: one per person per idea (a later
    proposal replaces the earlier, by the unique key, so two processes never count one twice)."""

    __tablename__ = "actor_proposals"
    __table_args__ = (UniqueConstraint("idea_id", "participant_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    actor_key: Mapped[str] = mapped_column(String(100))
    style_key: Mapped[str | None] = mapped_column(String(100))
    stage_key: Mapped[str | None] = mapped_column(String(100))
    audience: Mapped[str] = mapped_column(String(50))
    proposed_at: Mapped[datetime] = mapped_column(UTC_TIME)


class EmergingTheme(Base):
    """An emerging theme organisers added to a programme (the playbook's come from the playbook)."""

    __tablename__ = "emerging_themes"
    __table_args__ = (UniqueConstraint("programme_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    added_by: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTC_TIME)


class IdeaTag(Base):
    """An idea tagged (by an organiser) to an emerging theme, by the theme's key."""

    __tablename__ = "idea_tags"
    idea_id: Mapped[int] = mapped_column(
        ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True
    )
    emerging_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    tagged_by: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    tagged_at: Mapped[datetime] = mapped_column(UTC_TIME)


class History(Base):
    """Every state change, who made it and when: an idea's history for organisers."""

    __tablename__ = "history"
    __table_args__ = (
        Index(None, "programme_id", "idea_number"),
        Index("ix_history_at", "programme_id", "at"),  # a digest's decisions, by period
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    idea_number: Mapped[int | None] = mapped_column(Integer)
    who: Mapped[str] = mapped_column(String(250), index=True)
    action: Mapped[str] = mapped_column(String(50))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTC_TIME)


class DigestSubscription(Base):
    """A channel's digest schedule: the database is the calendar (`next_run_at`), APScheduler
    only the metronome. Days are stored as names, never as cron numbers."""

    __tablename__ = "digest_subscriptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), unique=True
    )
    cadence: Mapped[str] = mapped_column(String(10))
    day: Mapped[str | None] = mapped_column(String(3))
    at: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(100))
    next_run_at: Mapped[datetime] = mapped_column(UTC_TIME, index=True)
    period_start: Mapped[datetime] = mapped_column(UTC_TIME)
    state: Mapped[str] = mapped_column(String(10), default="active")
    problem: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(250))
    created_at: Mapped[datetime] = mapped_column(UTC_TIME)


class DigestRun(Base):
    """One digest, claimed before it is sent: the unique (subscription, due time) row is what
    makes it go out once across clock processes, restarts and retried ticks."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("subscription_id", "due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("digest_subscriptions.id", ondelete="CASCADE")
    )
    due_at: Mapped[datetime] = mapped_column(UTC_TIME)
    since: Mapped[datetime] = mapped_column(UTC_TIME)
    until: Mapped[datetime] = mapped_column(UTC_TIME)
    outcome: Mapped[str] = mapped_column(String(10), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    claimed_at: Mapped[datetime] = mapped_column(UTC_TIME)
    finished_at: Mapped[datetime | None] = mapped_column(UTC_TIME)


# The multi-workspace Slack install keeps its installations and OAuth states in slack_sdk's own
# tables (handlers/slack/oauth.py uses its SQLAlchemy stores); declared here, from slack_sdk's
# definitions, so that migrations and `alembic check` cover them too.
SLACK_INSTALLATIONS = SQLAlchemyInstallationStore.build_installations_table(
    Base.metadata, "slack_installations"
)
SLACK_BOTS = SQLAlchemyInstallationStore.build_bots_table(Base.metadata, "slack_bots")
SLACK_OAUTH_STATES = SQLAlchemyOAuthStateStore.build_oauth_states_table(
    Base.metadata, "slack_oauth_states"
)


# The Lab day's, nudges', tallies', plan ranks' and postings' tables, on the same metadata.
from storage import (  # noqa: E402, F401
    brief_tables,
    day_tables,
    nudge_tables,
    posting_table,
    rank_tables,
    tally_tables,
    theme_tables,
)
