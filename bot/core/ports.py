"""What the core needs from the outside world, as Protocols: storage, a clock and a notifier.

Storage comes as small roles (`IdeaStore`, `VoteStore`, …), so that each use case depends on the
few it uses and a test can stand in for one role at a time (see docs/architecture.md). Each role
method is one transaction and one use-case step, so that a vote, an idea number or a budget is
decided atomically inside storage's transaction rather than by read-then-write across several.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any, Literal, Protocol

from bot.core.action_sheet import ActionChange
from bot.core.agenda_store import AgendaStore
from bot.core.brief import BriefFigures
from bot.core.digest import DigestFigures
from bot.core.domain import (
    ActionNote,
    Anchor,
    Assignment,
    Channel,
    Claim,
    ConversationRef,
    DigestRun,
    Emerging,
    Flag,
    Forgotten,
    HistoryEntry,
    Idea,
    IdeaAdded,
    Lapse,
    Lookalikes,
    MergeResult,
    ModerationResult,
    NewIdea,
    Participant,
    PersonalData,
    Phase,
    PostedMessage,
    PostedPrompt,
    ProgrammeStats,
    ProposalResult,
    ProposedTheme,
    RunOutcome,
    Status,
    Subscription,
    ThemeDraft,
    VoteResult,
)
from bot.core.interaction import Card
from bot.core.nudges import (
    AskKind,
    AskSchedule,
    Finished,
    FollowUp,
    NewNudge,
    Nudge,
    PersonNudges,
    PhaseSchedule,
    Recipient,
)
from bot.core.participation import HourCount
from bot.core.plan_export import ExportHead, Listing
from bot.core.plan_views import CellKey, Cursor, Grid, Tops
from bot.core.schedule import Schedule
from bot.core.sketches import Screen
from bot.core.suggestions import Confirmed

log = logging.getLogger(__name__)


class StoreUnavailable(Exception):
    """Storage could not be reached, even after retrying for a while: nothing was changed."""


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class Sent(Enum):
    """How an unprompted post ended."""

    POSTED = "posted"
    FAILED = "failed"  # for now (throttled, unreachable, a server error): worth trying later
    GONE = "gone"  # for good (channel archived or deleted, bot removed): do not try again


class Notifier(Protocol):
    async def send(self, where: ConversationRef, card: Card) -> Sent:
        """Post a card, unprompted, to a conversation on any platform (e.g. the organisers'
        channel, a digest). Transient failures are retried with backoff before FAILED;
        a delivery failure is logged, never raised."""
        ...

    async def update(self, message: PostedMessage, card: Card) -> bool:
        """Rewrite a copy of a card posted on any platform (a vote cast in Teams updates the
        idea's card in Slack). True if updated; failures are logged, never raised."""
        ...

    async def direct(self, where: ConversationRef, user_id: str, card: Card) -> Sent:
        """Post a card to one person, unprompted, on `where`'s platform: `where` is how they
        are reached (a channel of their Slack workspace; their 1:1 chat with the bot in Teams).
        Retried and logged as `send`; never raised."""
        ...


class Unheard:
    """Delivers nothing (console, tests without platforms): the core then falls back on what
    users can ask for themselves, such as `flags`."""

    async def send(self, where: ConversationRef, card: Card) -> Sent:
        log.info("notice not delivered", extra={"platform": where.platform})
        return Sent.FAILED

    async def update(self, message: PostedMessage, card: Card) -> bool:
        return False

    async def direct(self, where: ConversationRef, user_id: str, card: Card) -> Sent:
        log.info("direct message not delivered", extra={"platform": where.platform})
        return Sent.FAILED


class PeopleStore(Protocol):
    """The programme, its channels and organisers, and how to reach a conversation later."""

    async def ensure_programme(self, key: str, name: str, default_audience: str) -> None:
        """Create the programme if it is new; idempotent."""

    async def channel(self, programme: str, where: ConversationRef) -> Channel:
        """The channel as the programme knows it, registering it on first sight."""

    async def set_channel_audience(
        self, programme: str, where: ConversationRef, audience: str, by: Participant
    ) -> Channel: ...

    async def organisers(self, programme: str) -> set[str]:
        """`platform:user_id` keys of organisers added in chat (the environment's come on top)."""

    async def set_organiser(
        self, programme: str, user_key: str, add: bool, by: Participant
    ) -> bool:
        """Add or remove an organiser; False when that changed nothing."""

    async def save_reference(
        self, programme: str, where: ConversationRef, reference: Mapping[str, Any]
    ) -> None:
        """Remember how to reach a conversation later (e.g. a Teams ConversationReference)."""

    async def reference(self, programme: str, where: ConversationRef) -> dict[str, Any] | None: ...

    async def set_organisers_channel(
        self, programme: str, where: ConversationRef, by: Participant
    ) -> None:
        """Make `where` the channel that gets flags and other notices for organisers."""

    async def organisers_channel(self, programme: str) -> ConversationRef | None: ...


class PromptStore(Protocol):
    """Prompts posted in channels, and where copies of anchored cards were posted."""

    async def record_prompt(
        self,
        programme: str,
        where: ConversationRef,
        theme_key: str,
        challenge_index: int,
        posted_by: Participant,
    ) -> PostedPrompt: ...

    async def posted_challenges(
        self, programme: str, where: ConversationRef, theme_key: str
    ) -> set[int]:
        """Indices of the theme's challenges already posted in this channel."""

    async def prompt_in_thread(self, programme: str, where: ConversationRef) -> PostedPrompt | None:
        """The prompt whose message starts `where.thread_id`, if any."""

    async def prompt(self, programme: str, prompt_id: int) -> PostedPrompt | None: ...

    async def prompts_of_theme(self, programme: str, theme_key: str) -> Sequence[PostedPrompt]:
        """Every prompt of the theme posted anywhere, oldest first."""

    async def latest_prompt(self, programme: str, where: ConversationRef) -> PostedPrompt | None:
        """The most recent prompt posted in this channel."""

    async def record_post(self, programme: str, anchor: Anchor, message: PostedMessage) -> None:
        """Remember where a copy of an anchored card was posted."""

    async def posts(self, programme: str, anchor: Anchor) -> Sequence[PostedMessage]: ...


class IdeaStore(Protocol):
    """Ideas: added under the next number, read, edited, held back as drafts and merged."""

    async def add_idea(self, new: NewIdea, checked_through: int | None = None) -> IdeaAdded:
        """Record an idea under the programme's next number, with the channel's audience.
        Atomic with two checks: a request seen before (`new.request_key`) stores nothing and
        returns the idea it stored (REPEATED); with `checked_through`, an idea stored after
        that number, which the near-duplicate check has not seen, stores nothing (STALE).
        So a replayed request adds nothing, and the check and the insert are one decision."""

    async def idea(self, programme: str, number: int) -> Idea | None:
        """The idea by number, merged or not (a merged idea carries `merged_into`)."""

    async def ideas_numbered(self, programme: str, numbers: Collection[int]) -> Sequence[Idea]:
        """The ideas among `numbers`, merged or not, read whole (a sheet brought back names
        its ideas: as many reads as it has rows, never the programme's every idea)."""

    async def idea_of_request(self, programme: str, request_key: str) -> Idea | None:
        """The idea stored by the request with this key, if one was."""

    async def idea_of_message(self, programme: str, platform: str, source: str) -> Idea | None:
        """The idea created by the platform message `source` (`<channel>/<message id>`), if any."""

    async def edit_idea(
        self, programme: str, number: int, text: str, by: Participant
    ) -> Idea | None:
        """Replace the idea's text, keeping the old one in its history; None if there is no
        such idea."""

    async def idea_texts(
        self, programme: str, after: int, newest: int | None = None
    ) -> Sequence[tuple[int, int, str]]:
        """(storage id, number, text) of ideas not merged, stored after storage id `after`,
        oldest first; with `newest`, only that many of the most recent: the check by meaning
        fills its window of the newest ideas, and catches up with other processes', from it."""

    async def lookalikes(
        self, programme: str, stems: Collection[str], needed: int, screen: Screen | None = None
    ) -> Lookalikes:
        """The live ideas (neither merged nor hidden) whose current text has at least `needed`
        of `stems` (`bot.core.similarity.Fingerprint.stems`), oldest first, and the number of
        the newest idea stored when they were read: a near-duplicate check's candidates, found
        from an index kept with the ideas, which every process shares. With `screen`, storage
        may leave out the ideas whose sketch it rules out (`bot.core.sketches`)."""

    async def save_draft(self, new: NewIdea) -> int:
        """Hold an idea back (it looks like another); returns the draft's id."""

    async def take_draft(
        self, programme: str, draft_id: int, author: Participant
    ) -> NewIdea | None:
        """The author's held-back idea, removed from the drafts; None if not theirs or gone."""

    async def merge(self, programme: str, source: int, target: int, by: Participant) -> MergeResult:
        """Make idea `source` part of `target`: votes pooled, a voter of both counted once and
        refunded the other vote, `source`'s author credited on `target`; atomic."""

    async def ideas(self, programme: str, theme_key: str | None = None) -> Sequence[Idea]:
        """Ideas with their votes by audience, most votes first, then oldest first; ideas
        merged into others are included, with `merged_into` set."""


class VoteStore(Protocol):
    """Votes: read and written in the transaction that `bot.core.ballots` decides them in."""

    async def vote(
        self,
        programme: str,
        number: int,
        voter: Participant,
        where: ConversationRef,
        budget: int,
        tally: bool = False,
    ) -> VoteResult:
        """Cast a vote unless already cast (then `cast_at` says when), the voter's budget for
        the idea's theme is spent, or the theme is closed. The vote counts for the audience
        of the channel it came from. With `tally`, the result carries the idea as it reads
        afterwards (read in the same transaction)."""

    async def unvote(
        self, programme: str, number: int, voter: Participant, tally: bool = False
    ) -> VoteResult: ...

    async def toggle(
        self,
        programme: str,
        number: int,
        voter: Participant,
        where: ConversationRef,
        budget: int,
        at: datetime,
        double_click: timedelta,
    ) -> VoteResult:
        """The Vote button, decided in one transaction: cast the vote (stamped `at`, when the
        click arrived) or, when it is there already, take it back (RETRACTED), unless it was
        cast less than `double_click` before `at`: the second click of a double-click is
        folded into the first (ALREADY), whichever process each click reached first."""


class PlanStore(Protocol):
    """The plan's bookkeeping: assignments, phases, actions and notes, and the figures."""

    async def assign(
        self, programme: str, number: int, assignment: Assignment | None, by: Participant
    ) -> Idea | None: ...

    async def phases(self, programme: str) -> dict[str, Phase]:
        """Themes whose phase was changed; every other theme is collecting."""

    async def set_phase(
        self, programme: str, theme_key: str, phase: Phase, by: Participant
    ) -> None: ...

    async def confirmed(self, programme: str, limit: int) -> Sequence[Confirmed]:
        """The latest `limit` assignments organisers made: training data for suggestions."""

    async def update_action(
        self,
        programme: str,
        number: int,
        status: Status | None,
        owner: str | None,
        by: Participant,
    ) -> Idea | None:
        """Change an action's status and/or owner (None leaves it); None if no such idea."""

    async def add_note(
        self, programme: str, number: int, text: str, by: Participant
    ) -> Idea | None: ...

    async def apply_actions(
        self, programme: str, changes: Sequence[ActionChange], by: Participant
    ) -> int:
        """Every change (status, owner, a new note) in one transaction, each with its history
        entry: all of them or none. The number of ideas changed."""

    async def notes(self, programme: str, number: int) -> Sequence[ActionNote]:
        """An action's progress notes, oldest first."""

    async def stats(self, programme: str) -> ProgrammeStats: ...

    async def theme_voters(self, programme: str) -> dict[str, dict[str, int]]:
        """Distinct voters per theme and audience: the denominators of consensus."""

    async def theme_votes(self, programme: str) -> dict[tuple[str, str], int]:
        """Votes per (theme, audience) for ideas not hidden (the web view's charts), from the
        kept tallies."""

    async def participation(self, programme: str) -> Sequence[HourCount]:
        """New ideas and votes per day (UTC) and audience, oldest day first, counted by the
        database; hidden ideas and the votes on them are left out, as on the plan."""


class PlanViewStore(Protocol):
    """The plan at a glance for programmes of any size: counted and ranked by the database."""

    async def plan_revision(self, programme: str) -> int:
        """A number every write to the programme moves on, in the write's own transaction:
        what was read at one revision stands while the revision does, in every process."""

    async def plan_tops(
        self, programme: str, grid: Grid, top: int, backed: bool = False
    ) -> tuple[Tops, frozenset[str], int]:
        """Every cell's `top` ideas (ranked as `bot.core.plan.rank`) and count; with `backed`,
        each theme's ideas backed across audiences (it counts every voter: asked for by chat's
        card only); the themes ideas on the plan carry; the revision all of it was read at."""

    async def plan_cell(
        self, programme: str, cell: CellKey, grid: Grid, after: Cursor | None, limit: int
    ) -> Sequence[Idea]:
        """Up to `limit` of a cell's ideas, in rank order, those ranked after `after`."""

    async def owned_actions(self, programme: str, statuses: Collection[Status]) -> Sequence[Idea]:
        """The ideas on the plan with an owner and one of `statuses`, by number, read whole:
        a follow-up round's actions (as many as organisers gave owners, never every idea)."""

    async def unheard(
        self, programme: str, audience: str, closed: Collection[str], limit: int
    ) -> Sequence[Idea]:
        """Up to `limit` ideas on the plan with votes, none of them from `audience`, outside
        the themes `closed`, ranked as on the plan: what a quiet audience is offered."""

    async def merged_into(
        self, programme: str, theme: str, numbers: Collection[int]
    ) -> Sequence[Idea]:
        """The theme's ideas merged into any of the ideas `numbers`, read whole: the credits
        a page of the theme's ideas lists under each."""

    async def merged_away(self, programme: str, theme: str) -> Sequence[Idea]:
        """The theme's ideas merged into an idea not on the theme's plan (another theme's, or
        a hidden one), read whole. As many as organisers merged: never the theme's ideas."""


class PlanReader(Protocol):
    """The plan of one programme as it stood when the export began (one read-only snapshot)."""

    async def head(self) -> ExportHead:
        """The figures an export states before its ideas."""

    async def theme_votes(self) -> Mapping[tuple[str, str], int]:
        """Votes for ideas on the plan per (theme, audience): the workbook's sheet of them."""

    def ideas(self, listing: Listing) -> AsyncIterator[Sequence[Idea]]:
        """The listing's ideas, read whole, a batch at a time, in its order."""


class ExportStore(Protocol):
    """The whole plan for a full export, read in constant memory."""

    def plan_export(self, programme: str, grid: Grid) -> AbstractAsyncContextManager[PlanReader]:
        """A reader over one snapshot of the programme's plan, held open until it is left."""


class ModerationStore(Protocol):
    """Flags, hidden ideas and the record of what happened to an idea."""

    async def flag(
        self, programme: str, number: int, who: Participant, reason: str
    ) -> ModerationResult:
        """Record a flag unless `who` flagged the idea before (ALREADY)."""

    async def open_flags(self, programme: str) -> Sequence[Flag]:
        """Flags no organiser has acted on yet, oldest first."""

    async def keep(self, programme: str, number: int, by: Participant) -> int | None:
        """Dismiss an idea's open flags; how many, or None if there is no such idea."""

    async def set_hidden(
        self, programme: str, number: int, hidden: bool, by: Participant, budget: int
    ) -> ModerationResult:
        """Hide an idea (its voters refunded, its flags closed) or unhide it (its voters charged
        again up to `budget`); atomic."""

    async def move(
        self,
        programme: str,
        number: int,
        theme_key: str,
        challenge: int | None,
        by: Participant,
        budget: int,
    ) -> ModerationResult:
        """Re-file an idea (and the ideas merged into it) under `theme_key`, answering challenge
        index `challenge` (None: no particular one). Its votes follow it: each voter's charge
        leaves the old theme's budget and is taken from the new one's, up to `budget` (a voter
        already at the limit keeps the vote without a charge; `uncharged` counts them); a hidden
        idea holds no charges. Recorded in the history; atomic. MERGED: move the other idea."""

    async def history(self, programme: str, number: int) -> Sequence[HistoryEntry]:
        """The idea's recorded state changes, oldest first."""


class PersonalDataStore(Protocol):
    """What is stored of a person, and forgetting them."""

    async def personal_data(
        self, programme: str, platform: str, user_id: str
    ) -> PersonalData | None: ...

    async def forget(
        self, programme: str, platform: str, user_id: str, by: Participant, new_id: str
    ) -> Forgotten | None:
        """Erase a participant within the programme (their ideas; their votes kept as anonymous
        totals under `new_id`; their organiser role); their platform id and name go everywhere
        once nothing of theirs is left in another programme. None if nothing was stored here."""

    async def forget_everywhere(
        self, platform: str, user_id: str, by: Participant
    ) -> dict[str, Forgotten]:
        """`forget` in every programme at once (an operator's tool, never a chat command): what
        was done, by programme key, where something was stored."""


class DigestStore(Protocol):
    """Digest subscriptions, the claim that sends each digest once, and their figures."""

    async def subscribe(
        self,
        programme: str,
        where: ConversationRef,
        schedule: Schedule,
        next_run_at: datetime,
        since: datetime,
        by: Participant,
    ) -> Subscription:
        """Set a channel's digest schedule (replacing any, restarting a stopped one); a new
        subscription's first digest covers from `since`, a changed one's from its last."""

    async def subscription(self, programme: str, where: ConversationRef) -> Subscription | None: ...

    async def unsubscribe(self, programme: str, where: ConversationRef, by: Participant) -> bool:
        """Stop a channel's digests; False if it had none."""

    async def lose_access(
        self, programme: str, where: ConversationRef, whole_workspace: bool, problem: str
    ) -> Sequence[Subscription]:
        """The bot can no longer post to `where` (or to any channel of its workspace): forget
        how to reach it and stop its active digests, saying why; the subscriptions stopped."""

    async def restart_period(self, subscription_id: int, since: datetime) -> None:
        """The next digest covers from `since` (one was just sent by hand)."""

    async def due_digests(self, now: datetime) -> Sequence[Subscription]:
        """Active subscriptions of every programme whose digest is due at `now`."""

    async def claim_digest(
        self, subscription: Subscription, until: datetime, next_run_at: datetime
    ) -> DigestRun | None:
        """Claim the due digest, covering up to `until`, and move the schedule on to
        `next_run_at`, atomically; None when another process or tick already claimed it."""

    async def reclaim_failed_digests(
        self, max_attempts: int, lapsed: Lapse | None = None
    ) -> Sequence[DigestRun]:
        """Claim again digests that failed transiently and have attempts left; with `lapsed`,
        also those claimed within it and never finished."""

    async def finish_digest(
        self, run: DigestRun, outcome: RunOutcome, problem: str | None = None
    ) -> None:
        """Record how a digest ended; GONE also stops the subscription, saying why."""

    async def digest_figures(
        self, programme: str, since: datetime, until: datetime
    ) -> DigestFigures:
        """A digest's figures for [since, until), by aggregate queries."""

    async def record_brief(
        self, programme: str, at: datetime, route: str, via: str
    ) -> datetime | None:
        """Record a brief made at `at` through `route` on credential `via`; when the one
        before it was made (None for the programme's first)."""

    async def brief_figures(self, programme: str, since: datetime, until: datetime) -> BriefFigures:
        """A one-page brief's figures: the plan's counts now, what changed in [since, until)."""


class TurnStore(Protocol):
    """Inbound platform events claimed and recorded, so each is handled once."""

    async def claim(self, platform: str, event_id: str, lease: timedelta) -> Claim:
        """NEW when the caller is to handle this inbound event now (and holds its claim until
        `handled` or `release`); DONE when it was handled; HELD while someone else's claim
        younger than `lease` stands. Stored, so it holds across processes and restarts."""

    async def handled(self, platform: str, event_id: str) -> None:
        """The claimed event is handled: a retry or replay of it is ignored from now on."""

    async def release(self, platform: str, event_id: str) -> None:
        """Handling the claimed event failed: the platform's retry of it may claim it again."""


class HousekeepingStore(Protocol):
    """Health checks, and dropping what no one needs any more."""

    async def ping(self) -> None:
        """Raise if storage cannot be reached (for health checks)."""

    async def forget_events(self, seen_before: datetime) -> int:
        """Drop event ids older than any retry could be; returns how many were dropped."""

    async def forget_drafts(self, saved_before: datetime) -> int:
        """Drop held-back ideas nobody added; returns how many were dropped."""


class ProposalStore(Protocol):
    """Participants' proposals of who should act on an idea."""

    async def propose(
        self,
        programme: str,
        number: int,
        who: Participant,
        where: ConversationRef,
        assignment: Assignment,
    ) -> ProposalResult:
        """Record `who`'s proposal for the idea, replacing their earlier one (one per person per
        idea, by a unique key: concurrent proposals never count twice); counted for the audience
        of `where`; recorded in the history. Refused for a merged or hidden idea."""

    async def proposal_of(self, programme: str, number: int, who: Participant) -> Assignment | None:
        """What `who` proposed for the idea, if anything."""


class EmergingStore(Protocol):
    """Emerging themes organisers add, and ideas tagged to emerging themes."""

    async def added_emerging(self, programme: str) -> Sequence[Emerging]:
        """The emerging themes organisers added, in the order added."""

    async def add_emerging(self, programme: str, emerging: Emerging, by: Participant) -> bool:
        """Add an emerging theme; False (nothing added) when its key is taken."""

    async def tag(
        self, programme: str, number: int, key: str, tagged: bool, by: Participant
    ) -> ModerationResult:
        """Tag the idea to emerging theme `key` (or untag it); ALREADY when it was (not)
        tagged; MERGED for an idea that is part of another. Recorded in the history."""

    async def tag_counts(self, programme: str) -> dict[str, int]:
        """How many ideas on the plan (not merged or hidden) each emerging theme has, by key:
        a digest's figure, counted without loading the ideas."""

    async def tagged_texts(
        self, programme: str, keys: Collection[str], newest: int
    ) -> dict[str, list[str]]:
        """The texts of the `newest` ideas on the plan tagged to each of `keys`, newest first:
        what a theme means to the grouper, read without loading the plan."""


class ThemeGroupStore(Protocol):
    """Emerging themes the bot proposes from the ideas (`themes emerging`), kept until an
    organiser confirms, renames, merges or drops them."""

    async def replace_proposed_themes(
        self, programme: str, drafts: Sequence[ThemeDraft], by: Participant
    ) -> Sequence[ProposedTheme]:
        """Store `drafts` in place of every proposal not confirmed, numbered after every
        number used before (an old id never names a new proposal)."""

    async def proposed_themes(self, programme: str) -> Sequence[ProposedTheme]:
        """The open proposals, in number order."""

    async def proposed_theme(self, programme: str, number: int) -> ProposedTheme | None:
        """One stored proposal, in whatever state."""

    async def confirmed_theme_keys(self, programme: str) -> Sequence[str]:
        """The emerging-theme keys of the confirmed proposals: the themes new ideas may join."""

    async def rename_proposed_theme(
        self, programme: str, number: int, label: str, by: Participant
    ) -> bool:
        """Relabel an open proposal; False when it is no longer open."""

    async def merge_proposed_themes(
        self, programme: str, source: int, target: int, by: Participant
    ) -> bool:
        """Move the source's ideas into the target; False unless both are open."""

    async def drop_proposed_theme(self, programme: str, number: int, by: Participant) -> bool:
        """Set an open proposal aside; False when it is no longer open."""

    async def confirm_proposed_theme(
        self, programme: str, number: int, key: str, added: Emerging | None, by: Participant
    ) -> Sequence[int] | None:
        """In one transaction: add `added` (when the theme is new), tag each of the proposal's
        ideas still on the plan to `key` (in its history) and mark it confirmed. The numbers
        tagged; None when the proposal is no longer open."""


class NudgeStore(Protocol):
    """Nudges queued and claimed once, phase changes set for later, channels that muted nudges."""

    async def schedule_phase(
        self,
        programme: str,
        theme_key: str,
        phase: Phase,
        due_at: datetime,
        remind_at: datetime,
        by: Participant,
    ) -> PhaseSchedule:
        """Set a theme's phase change for `due_at` (replacing one set before and not yet made),
        with its reminder at `remind_at`."""

    async def due_phase_steps(self, now: datetime) -> Sequence[PhaseSchedule]:
        """Scheduled phase changes, in every programme, whose reminder or change is due."""

    async def claim_phase_step(self, schedule_id: int, step: Literal["remind", "apply"]) -> bool:
        """Claim a schedule's reminder or its change; False when it was claimed before. Claiming
        the change also claims a reminder not yet sent (it would come too late)."""

    async def queue_nudges(self, nudges: Sequence[NewNudge]) -> int:
        """Queue nudges; one whose key its programme has queued before adds nothing. Returns
        how many were new."""

    async def claim_nudges(
        self,
        now: datetime,
        limit: int,
        platforms: frozenset[str] | None = None,
        lapsed: Lapse | None = None,
    ) -> Sequence[Nudge]:
        """Claim up to `limit` queued nudges due at `now` (to channels on `platforms`, or on
        any), oldest first, each for one caller; with `lapsed`, also those claimed within it
        and never finished. Each claim counts as an attempt."""

    async def finish_nudges(self, finished: Sequence[Finished]) -> None:
        """Record how claimed nudges ended, in one transaction (a tick's round of sends); one
        with `retry_at` goes back in the queue until then."""

    async def set_muted(
        self, programme: str, where: ConversationRef, muted: bool, by: Participant
    ) -> bool:
        """Mute or unmute nudges in a channel; False when that changed nothing."""

    async def muted_channels(self, programme: str) -> frozenset[tuple[str, str, str]]:
        """(platform, workspace, channel) of the programme's channels that muted nudges."""

    async def set_person_nudges(
        self,
        programme: str,
        person: Participant,
        *,
        muted: bool | None = None,
        notified: bool | None = None,
    ) -> bool:
        """Mute or unmute nudges to one person, or opt them in or out of notes on ideas they
        backed (None leaves a setting as it is); False when that changed nothing."""

    async def person_nudges(self, programme: str, person_key: str) -> PersonNudges:
        """A person's own settings (all off for someone never seen)."""

    async def keep_personal(
        self, programme: str, person: Participant, where: ConversationRef
    ) -> None:
        """Remember `where` as the person's 1:1 chat with the bot (a Teams personal chat)."""

    async def muted_people(self, programme: str) -> frozenset[str]:
        """`platform:user_id` of the people who muted nudges to themselves."""

    async def with_votes_left(
        self, programme: str, theme_key: str, budget: int
    ) -> Sequence[Recipient]:
        """Everyone who has taken part in the programme (voted or added an idea in any theme)
        and has fewer than `budget` votes in use in `theme_key`, except people who muted."""

    async def opted_in_backers(self, programme: str, number: int) -> Sequence[Recipient]:
        """The people who voted for idea `number` and asked to be told (`notify me`), except
        people who muted."""

    async def recipient(self, programme: str, person_key: str) -> Recipient | None:
        """The person as a recipient of direct nudges; None when they muted them."""

    async def set_asks(
        self,
        programme: str,
        where: ConversationRef,
        kind: AskKind,
        schedule: Schedule | None,
        next_run_at: datetime,
        by: Participant,
    ) -> bool:
        """Set (or, with None, stop) when the channel is sent this kind of nudge; False when
        stopping changed nothing."""

    async def asks(
        self, programme: str, kind: AskKind, where: ConversationRef | None = None
    ) -> Sequence[AskSchedule]:
        """The programme's schedules of this kind (in `where` only, when given)."""

    async def due_asks(self, now: datetime) -> Sequence[AskSchedule]:
        """Schedules of every kind and programme that are due at `now`."""

    async def claim_ask(self, ask: AskSchedule, next_run_at: datetime) -> bool:
        """Move the schedule on from its due time to `next_run_at`; False when another process
        or tick did first (then it is not this caller's to send)."""

    async def record_follow_ups(
        self, programme: str, round_at: datetime, asked: Sequence[FollowUp]
    ) -> None:
        """Remember who was asked about which action in the round due at `round_at`."""

    async def answer_follow_up(self, programme: str, number: int, at: datetime) -> bool:
        """The action's owner answered: its open asks are answered; False if none was open."""

    async def unanswered(self, programme: str) -> tuple[datetime, Sequence[FollowUp]] | None:
        """The latest round's time and the asks in it not answered yet; None before any."""


class Repository(
    AgendaStore,
    ProposalStore,
    EmergingStore,
    ThemeGroupStore,
    PeopleStore,
    PromptStore,
    IdeaStore,
    VoteStore,
    PlanStore,
    PlanViewStore,
    ExportStore,
    ModerationStore,
    PersonalDataStore,
    DigestStore,
    TurnStore,
    HousekeepingStore,
    NudgeStore,
    Protocol,
):
    """Every role at once: what the composition root builds (`storage.repository`). Use
    cases never take it whole; each uses the roles it needs through `Workshop`."""
