"""The workshop's vocabulary: who speaks where, and the ideas and votes they leave behind."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class Claim(StrEnum):
    """Where an inbound turn (a platform's event or activity id) stands: a retry of it is
    handled only when it was never handled and no live claim on it stands."""

    NEW = "new"  # the caller holds the claim: handle it, then mark it handled or release it
    HELD = "held"  # someone is handling it right now: the platform should try again later
    DONE = "done"  # handled already: a retry or replay changes nothing


CLAIM_LEASE = timedelta(minutes=15)  # a send claimed this long ago and never finished died with
LAPSES_KEPT = timedelta(days=1)  # its process; within this long after, it is sent again


@dataclass(frozen=True, slots=True)
class Lapse:
    """Claims of scheduled sends (nudges, digests) that their clock took between `since` and
    `before` and never finished: it died mid-round. Sent again, they reach people late rather
    than never; one that was in flight at the crash may arrive twice. Older ones are let go."""

    since: datetime
    before: datetime

    @classmethod
    def at(cls, now: datetime) -> Lapse:
        return cls(now - CLAIM_LEASE - LAPSES_KEPT, now - CLAIM_LEASE)


FORGOTTEN = "Forgotten participant"  # the display name left when someone asks to be forgotten


@dataclass(frozen=True, slots=True)
class Participant:
    """A person as a platform knows them; `user_id` is unique within `platform`."""

    platform: str
    user_id: str
    display_name: str = ""

    @property
    def key(self) -> str:
        """The `platform:user_id` form used by HOWCANWE_ORGANISERS and the grammar."""
        return f"{self.platform}:{self.user_id}"

    @property
    def name(self) -> str:
        return self.display_name or self.user_id


@dataclass(frozen=True, slots=True)
class ConversationRef:
    """Where a message was said: a channel (or chat), and the thread within it if any."""

    platform: str
    workspace_id: str
    channel_id: str
    channel_name: str = ""
    thread_id: str | None = None

    @property
    def name(self) -> str:
        return self.channel_name or self.channel_id


@dataclass(frozen=True, slots=True)
class Channel:
    """A channel the programme knows, with the audience its voices count for."""

    platform: str
    workspace_id: str
    channel_id: str
    name: str
    audience: str


class AnchorKind(StrEnum):
    PROMPT = "prompt"
    IDEA = "idea"


@dataclass(frozen=True, slots=True)
class Anchor:
    """A card the bot posts and may need to find again: a prompt (by id) or an idea (by number)."""

    kind: AnchorKind
    ref: int


@dataclass(frozen=True, slots=True)
class PostedMessage:
    """Where one copy of an anchored card was posted."""

    platform: str
    workspace_id: str
    channel_id: str
    message_id: str


@dataclass(frozen=True, slots=True)
class PostedPrompt:
    """A challenge question of a theme, as posted into one channel."""

    id: int
    theme_key: str
    challenge_index: int
    channel_id: str
    posted_at: datetime
    message_id: str | None = None


@dataclass(frozen=True, slots=True)
class Assignment:
    """Who should act on an idea, and, for government, in which style and at which stage."""

    actor_key: str
    style_key: str | None = None
    stage_key: str | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The bot's guess at who should act, and why: the write-up's examples closest to it."""

    assignment: Assignment
    because: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Idea:
    """An idea as the plan shows it: its text exactly as typed, where it came from, its support."""

    number: int
    text: str
    theme_key: str
    author: Participant
    platform: str
    channel_name: str
    audience: str
    created_at: datetime
    prompt_id: int | None = None
    challenge: int | None = None  # the challenge it answers: its index in the theme's challenges
    proposed_challenge: str | None = None  # its question, when participants proposed it
    assignment: Assignment | None = None
    votes_by_audience: dict[str, int] = field(default_factory=dict)
    merged_into: int | None = None  # the number of the idea this one became part of
    merged: tuple[MergedIdea, ...] = ()  # ideas merged into this one, with their authors
    suggestion: Assignment | None = None  # the bot's guess, until an organiser decides
    status: Status | None = None  # set once assigned: the idea is then an action
    owner: str | None = None
    latest_note: ActionNote | None = None
    hidden: bool = False  # by organisers: off the plan and the budgets, kept for the record
    proposals: tuple[Proposal, ...] = ()  # participants' say in who should act, most first
    emerging: tuple[str, ...] = ()  # keys of the emerging themes organisers tagged it to
    suggested_because: tuple[str, ...] = ()  # the write-up's examples the suggestion came from

    @property
    def votes(self) -> int:
        return sum(self.votes_by_audience.values())

    @property
    def label(self) -> str:
        return f"#{self.number}"


@dataclass(frozen=True, slots=True)
class Proposal:
    """How many participants proposed one actor (with style and stage) for an idea."""

    assignment: Assignment
    count: int


class ProposalOutcome(StrEnum):
    PROPOSED = "proposed"
    REPLACED = "replaced"  # the person's earlier proposal for the idea was replaced
    SAME = "same"  # they had proposed exactly this already: nothing changed
    NO_SUCH_IDEA = "no_such_idea"
    MERGED = "merged"  # the idea is part of another: propose for that one
    HIDDEN = "hidden"  # hidden by organisers: off the plan, so no proposals


@dataclass(frozen=True, slots=True)
class ProposalResult:
    outcome: ProposalOutcome
    idea: Idea | None = None
    earlier: Assignment | None = None  # REPLACED: what they had proposed before


@dataclass(frozen=True, slots=True)
class Emerging:
    """An emerging theme from across the day: the playbook's, or one organisers added."""

    key: str
    name: str
    text: str
    added: bool = False  # by organisers during the programme, not from the playbook


class ThemeState(StrEnum):
    """Where a proposed emerging theme stands: open until an organiser acts on it."""

    OPEN = "open"
    CONFIRMED = "confirmed"
    DROPPED = "dropped"
    MERGED = "merged"


@dataclass(frozen=True, slots=True)
class ThemeDraft:
    """A group of ideas `themes emerging` proposes: into an existing emerging theme
    (`emerging_key`), or as a new one under `label`."""

    label: str
    numbers: tuple[int, ...]
    emerging_key: str | None = None


@dataclass(frozen=True, slots=True)
class ProposedTheme:
    """A stored proposal, found again by its short id (`t3`) from a later click or command."""

    number: int
    label: str
    numbers: tuple[int, ...]
    emerging_key: str | None
    state: ThemeState

    @property
    def ref(self) -> str:
        return f"t{self.number}"


class Status(StrEnum):
    """Where an action (an assigned idea) stands."""

    PROPOSED = "proposed"
    AGREED = "agreed"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    DROPPED = "dropped"


@dataclass(frozen=True, slots=True)
class ActionNote:
    text: str
    author: str  # platform:user_id of who wrote it
    created_at: datetime


@dataclass(frozen=True, slots=True)
class MergedIdea:
    """An idea that became part of another: its number and author stay credited there."""

    number: int
    author: Participant


@dataclass(frozen=True, slots=True)
class NewIdea:
    """What the core asks storage to record when someone contributes an idea."""

    programme_key: str
    text: str
    theme_key: str
    author: Participant
    where: ConversationRef
    prompt_id: int | None
    suggestion: Assignment | None = None
    request_key: str | None = None  # the platform's id for the request that brought it
    source_message: str | None = None  # `<channel>/<message id>` of the message it came from
    suggested_because: tuple[str, ...] = ()  # the write-up's examples the suggestion came from


class IdeaOutcome(StrEnum):
    """What storage did with a new idea."""

    ADDED = "added"
    REPEATED = "repeated"  # its request was seen before: the idea stored then is returned
    STALE = "stale"  # newer ideas arrived since the near-duplicate check: check them first


@dataclass(frozen=True, slots=True)
class IdeaAdded:
    outcome: IdeaOutcome
    idea: Idea | None = None  # the idea stored (ADDED) or stored earlier (REPEATED)


class Phase(StrEnum):
    """Where a theme is in the workshop: ideas and votes, votes only, or final."""

    COLLECTING = "collecting"
    VOTING = "voting"
    CLOSED = "closed"


class VoteOutcome(StrEnum):
    """What storage did with a vote or unvote."""

    CAST = "cast"
    ALREADY = "already"
    OVER_BUDGET = "over_budget"
    RETRACTED = "retracted"
    NOT_VOTED = "not_voted"
    NO_SUCH_IDEA = "no_such_idea"
    CLOSED = "closed"  # the idea's theme is closed: its plan is final
    HIDDEN = "hidden"  # organisers hid the idea: it takes no votes


class MergeOutcome(StrEnum):
    MERGED = "merged"
    NO_SUCH_IDEA = "no_such_idea"
    ALREADY_MERGED = "already_merged"  # one of the two is already part of another idea
    HIDDEN = "hidden"  # one of the two is hidden by organisers


@dataclass(frozen=True, slots=True)
class VoteResult:
    """The outcome of a vote or unvote: the idea it acted on (the one named, or the one that was
    merged into; None when there is no such idea) and its theme, the voter's votes in use for
    that theme afterwards, and when a vote already there was cast. `idea`, with its tally, only
    when asked for: a burst of clicks needs none."""

    outcome: VoteOutcome
    number: int | None
    theme_key: str | None = None
    used: int = 0
    cast_at: datetime | None = None
    idea: Idea | None = None


@dataclass(frozen=True, slots=True)
class Lookalikes:
    """What a near-duplicate check compares a new idea with: the live ideas that share enough of
    its word stems, as (number, text), and the number of the newest idea stored when they were
    read (`IdeaStore.add_idea`'s `checked_through`)."""

    ideas: tuple[tuple[int, str], ...]
    checked_through: int


@dataclass(frozen=True, slots=True)
class MergeResult:
    outcome: MergeOutcome
    idea: Idea | None = None  # the merged idea, on success
    moved_votes: int = 0
    pooled_voters: int = 0  # voters who had voted for both: one vote kept, one refunded


@dataclass(frozen=True, slots=True)
class ProgrammeStats:
    """Participation figures of a programme, for the plan's headline."""

    ideas: int
    votes: int
    participants: int


class Outcome(StrEnum):
    """What storage did with a flag, a hide or an unhide."""

    DONE = "done"
    ALREADY = "already"  # flagged by them before; already hidden; not hidden
    NO_SUCH_IDEA = "no_such_idea"
    MERGED = "merged"  # the idea is part of another: act on that one


@dataclass(frozen=True, slots=True)
class Flag:
    """Someone's report that an idea needs an organiser's look."""

    number: int
    reason: str
    by: Participant
    flagged_at: datetime


@dataclass(frozen=True, slots=True)
class ModerationResult:
    outcome: Outcome
    idea: Idea | None = None
    voters: int = 0  # hide: voters refunded; unhide: voters charged again
    uncharged: int = 0  # unhide: voters at their limit, whose vote stays without a charge


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One recorded state change: what, by whom (`platform:user_id`), when."""

    number: int | None
    who: str
    action: str
    detail: dict[str, object]
    at: datetime


@dataclass(frozen=True, slots=True)
class PersonalData:
    """Everything stored about one participant, for `my data`."""

    participant: Participant
    ideas: tuple[dict[str, object], ...]
    votes: tuple[dict[str, object], ...]
    flags: tuple[dict[str, object], ...]
    day: tuple[dict[str, object], ...] = ()  # hopes, risks, challenges, backings, reactions
    proposals: tuple[dict[str, object], ...] = ()  # who they said should act, per idea
    nudges: dict[str, bool] | None = None  # muted, notified, personal chat kept (None: never set)


@dataclass(frozen=True, slots=True)
class Forgotten:
    """What `forget me` did."""

    deleted: tuple[int, ...]  # numbers of the ideas deleted (their posted cards say so)
    merged_or_assigned: int  # of those, ideas that were merged or assigned
    votes_removed: int  # others' votes on the deleted ideas, refunded to them
    votes_kept: int  # the person's votes on others' ideas, kept as anonymous totals
    flags_erased: int
    contributions_deleted: int = 0  # hopes, risks and proposed challenges not yet promoted


class SubscriptionState(StrEnum):
    ACTIVE = "active"
    STOPPED = "stopped"  # the channel could not be reached (archived, bot removed): not retried


@dataclass(frozen=True, slots=True)
class Subscription:
    """A channel's standing order for digests: its schedule and the period not yet reported."""

    id: int
    programme: str
    where: ConversationRef
    cadence: str
    day: str | None
    at: str  # "HH:MM", local to `timezone`
    timezone: str
    next_run_at: datetime
    period_start: datetime  # the next digest covers from here
    state: SubscriptionState = SubscriptionState.ACTIVE
    problem: str | None = None  # why it stopped


@dataclass(frozen=True, slots=True)
class DigestRun:
    """One digest claimed for sending: exactly one row per (subscription, due time)."""

    id: int
    subscription: Subscription
    due_at: datetime
    since: datetime
    until: datetime
    attempts: int


class RunOutcome(StrEnum):
    CLAIMED = "claimed"  # being sent (or the process died sending it: never sent twice)
    POSTED = "posted"
    FAILED = "failed"  # a transient failure: tried again at the next ticks, a few times
    GONE = "gone"  # the channel cannot be reached any more; the subscription stopped
