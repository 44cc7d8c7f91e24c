"""The one door into the core: an intent from any platform in, replies out.

Handlers call `handle`; they never reach a use case directly, so every platform gets the same
rules, the same refusals and the same logging.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.core import agenda_cards, cards, grammar, typed
from bot.core.action_sheet import SheetRow
from bot.core.agenda import Day
from bot.core.brief import Brief
from bot.core.domain import (
    Anchor,
    AnchorKind,
    ConversationRef,
    Participant,
    PostedMessage,
)
from bot.core.interaction import (
    ADD_ANYWAY,
    ADD_IDEA,
    ASSIGN,
    CONFIRM,
    CONFIRM_PROPOSAL,
    FORGET,
    HIDE,
    KEEP,
    POST_PROMPT,
    PROPOSE,
    SEE_IDEAS,
    THEME_CONFIRM,
    THEME_DROP,
    VOTE,
    VOTE_FOR,
    ButtonPressed,
    Card,
    Command,
    Context,
    Delivery,
    FormSubmitted,
    Intent,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    Refresh,
    Rejected,
    Reply,
)
from bot.core.participation import Series
from bot.core.plan_export import PlanStream
from bot.core.plan_views import CellKey, CellPage, Cursor, PlanSummary, ThemePage
from bot.core.playbook import Playbook
from bot.core.ports import StoreUnavailable, TurnStore
from bot.core.usecases import (
    action_import,
    agenda,
    assignment,
    briefs,
    contributions,
    digests,
    editing,
    evidence,
    exports,
    ideas,
    moderation,
    people,
    personal,
    phases,
    plan_views,
    planning,
    prompts,
    proposals,
    synthesis,
    theme_finding,
    votes,
)
from bot.core.usecases.action_import import ImportReport
from bot.core.workshop import Refusal, Workshop

log = logging.getLogger(__name__)

SORRY = (
    "Sorry, something went wrong on our side and nothing was changed. "
    "Please try again in a moment; organisers can find the details in the bot's log."
)

UNAVAILABLE = (
    "The workshop can't reach its database just now, so nothing was changed. "
    "Please try again in a moment."
)


class Engine:
    """Routes intents to use cases and turns every refusal into a friendly reply."""

    def __init__(self, workshop: Workshop) -> None:
        self.workshop = workshop

    @property
    def playbook(self) -> Playbook:
        return self.workshop.playbook

    async def handle(self, ctx: Context, intent: Intent) -> list[Reply]:
        """Decide, then spread: the replies with every copy of each refreshed card found."""
        return await self.spread(ctx, await self.decide(ctx, intent))

    async def decide(self, ctx: Context, intent: Intent) -> list[Reply]:
        """What the intent changes, committed, and the replies that say so; copies of refreshed
        cards not yet looked up. An edge that must answer its platform quickly (Slack's 3 s
        ack) answers after this and calls `spread` afterwards."""
        try:
            await self.workshop.ready(ctx.programme_key)
            return await self._route(ctx, intent)
        except (Refusal, grammar.GrammarError) as refusal:
            return [Rejected(str(refusal))]
        except StoreUnavailable as error:
            log.warning(
                "storage unavailable", extra={"programme": ctx.programme_key, "error": str(error)}
            )
            return [Rejected(UNAVAILABLE)]
        except Exception:
            log.exception(
                "intent failed",
                extra={
                    "intent": type(intent).__name__,
                    "platform": ctx.where.platform,
                    "channel": ctx.where.channel_id,
                    "user": ctx.who.key,
                    "programme": ctx.programme_key,
                },
            )
            return [Rejected(SORRY)]

    async def home(self, ctx: Context) -> Card:
        """A personal overview (Slack App Home, a Teams personal tab): the live plan, and for
        organisers one button per theme that posts its next prompt (value: the theme key)."""
        await self.workshop.ready(ctx.programme_key)
        return await planning.home_card(self.workshop, ctx)

    async def installed(self, programme_key: str, installer: Participant) -> None:
        """A workspace installed the app: its installer becomes the programme's first organiser.
        The install stands if this fails (logged); organisers can then be named in
        HOWCANWE_ORGANISERS."""
        try:
            await self.workshop.ready(programme_key)
            await people.installed(self.workshop, programme_key, installer)
        except Exception:
            log.exception(
                "installer not made organiser",
                extra={"programme": programme_key, "user": installer.key},
            )

    # ---- the door for edges: what they read and keep, without reaching into the workshop ----

    @property
    def turns(self) -> TurnStore:
        """Which inbound turns were handled: an edge's exactly-once record (handlers.turns)."""
        return self.workshop.turns

    def now(self) -> datetime:
        return self.workshop.clock.now()

    async def reference(self, programme_key: str, where: ConversationRef) -> dict[str, Any] | None:
        """How a platform reaches `where` unprompted (a Teams conversation reference), if known."""
        await self.workshop.ready(programme_key)
        return await self.workshop.people.reference(programme_key, where)

    async def keep_reference(
        self, programme_key: str, where: ConversationRef, reference: Mapping[str, Any]
    ) -> bool:
        """Store (or refresh) how to reach `where` unprompted; True if it was known before."""
        known = await self.reference(programme_key, where) is not None
        await self.workshop.people.save_reference(programme_key, where, reference)
        return known

    async def keep_personal(
        self, programme_key: str, who: Participant, where: ConversationRef
    ) -> None:
        """`where` is `who`'s 1:1 chat with the bot (a Teams personal chat, whose reference is
        kept too): reminders and notes for them can go there."""
        await self.workshop.ready(programme_key)
        await self.workshop.nudges.keep_personal(programme_key, who, where)

    async def theme_page(
        self, programme_key: str, theme_key: str, after: Cursor | None
    ) -> ThemePage | None:
        """A page of a theme's ideas, with what the theme page states (the web view)."""
        return await plan_views.theme_page(self.workshop, programme_key, theme_key, after)

    def plan_stream(self, programme_key: str) -> AbstractAsyncContextManager[PlanStream]:
        """The whole plan for a full export (the downloads and `howcanwe export`): read a batch
        of ideas at a time from one snapshot, held until the block is left."""
        return exports.plan_stream(self.workshop, programme_key)

    async def plan_summary(self, programme_key: str) -> PlanSummary:
        """The plan at a glance, each cell's top ideas and count (the web view's /plan)."""
        return await plan_views.plan_summary(self.workshop, programme_key)

    async def plan_revision(self, programme_key: str) -> int:
        """The plan's revision: pages made at it are still good (ETag)."""
        await self.workshop.ready(programme_key)
        return await self.workshop.plan_views.plan_revision(programme_key)

    async def plan_cell(self, programme_key: str, cell: CellKey, after: Cursor | None) -> CellPage:
        """A page of one cell's ideas (the web view's "see all")."""
        return await plan_views.plan_cell(self.workshop, programme_key, cell, after)

    async def brief(self, programme_key: str, route: str, via: str) -> Brief:
        """The one-page brief, recorded as made (`briefs.make`)."""
        return await briefs.make(self.workshop, programme_key, route, via)

    async def day(self, programme_key: str) -> Day:
        """The day's steps: framing, evidence reactions, challenges, the published synthesis."""
        await self.workshop.ready(programme_key)
        return await agenda.day(self.workshop, programme_key)

    async def theme_votes(self, programme_key: str) -> Mapping[tuple[str, str], int]:
        """Votes per (theme, audience), from the kept tallies (the web view's chart)."""
        await self.workshop.ready(programme_key)
        return await self.workshop.plan.theme_votes(programme_key)

    async def participation(self, programme_key: str) -> Series:
        """Each audience's ideas and votes so far, day by day (the web view's chart)."""
        await self.workshop.ready(programme_key)
        return await planning.participation(self.workshop, programme_key)

    async def import_actions(
        self, programme_key: str, rows: Sequence[SheetRow], by: Participant
    ) -> ImportReport:
        """Organisers' action updates from the workbook (the CLI and the web view's upload):
        every row checked, then all applied in one transaction, or none."""
        return await action_import.import_actions(self.workshop, programme_key, rows, by)

    async def announced(self, within: float | None = None) -> None:
        """Wait for brought-back sheets' cards to be rewritten (`import_actions` answers first):
        for good before a one-shot command exits, for at most `within` seconds when stopping."""
        await action_import.announced(self.workshop, within)

    async def lost_access(
        self, programme_key: str, where: ConversationRef, whole_workspace: bool = False
    ) -> None:
        """A platform said the bot was removed from `where` (uninstalled from a team or chat,
        or from the whole workspace, or its token revoked): its digests stop now and organisers
        are told. The platform's event is answered either way, so a failure is logged."""
        try:
            await self.workshop.ready(programme_key)
            await digests.lost_access(self.workshop, programme_key, where, whole_workspace)
        except Exception:
            log.exception(
                "digests of a removed conversation not stopped",
                extra={
                    "programme": programme_key,
                    "platform": where.platform,
                    "channel": where.channel_id,
                },
            )

    async def latest_thread(self, programme_key: str, where: ConversationRef) -> str | None:
        """The message id of the latest prompt's copy in `where` (the thread a plain console
        line replies in), from the database: any session may reply to a prompt another posted."""
        await self.workshop.ready(programme_key)
        prompt = await self.workshop.prompts.latest_prompt(programme_key, where)
        if prompt is None:
            return None
        copies = await self.copies(programme_key, Anchor(AnchorKind.PROMPT, prompt.id))
        place = (where.platform, where.workspace_id, where.channel_id)
        here = [c for c in copies if (c.platform, c.workspace_id, c.channel_id) == place]
        return here[-1].message_id if here else None

    def reads_as_command(self, text: str) -> bool:
        """A plain line that is a command typed without its `/` (see `bot.core.typed`)."""
        return typed.reads_as_command(text, self.playbook)

    async def posted(self, ctx: Context, anchor: Anchor, message_id: str) -> None:
        """A handler reports where it posted an anchored card (a prompt's thread, an idea card)."""
        where = ctx.where
        message = PostedMessage(where.platform, where.workspace_id, where.channel_id, message_id)
        await self.workshop.prompts.record_post(ctx.programme_key, anchor, message)

    async def card(self, programme_key: str, anchor: Anchor) -> Card | None:
        """The anchored card as it reads now. Refreshes that race (a burst of votes) are sent
        from this rather than from the Refresh itself, so the newest state always wins."""
        if anchor.kind is AnchorKind.IDEA:
            idea = await self.workshop.ideas.idea(programme_key, anchor.ref)
            # Ideas are only ever deleted when their author asks to be forgotten.
            return cards.idea_card(self.playbook, idea) if idea else cards.removed_card(anchor.ref)
        prompt = await self.workshop.prompts.prompt(programme_key, anchor.ref)
        return await phases.prompt_card(self.workshop, programme_key, prompt) if prompt else None

    async def spread(self, ctx: Context, replies: list[Reply]) -> list[Reply]:
        """Find every copy of each refreshed card once: the acting edge gets its platform's
        copies on the Refresh; copies on other platforms (an idea posted in Slack, voted on in
        Teams) are rewritten here through their notifiers. What was decided stands if this
        fails: the cards then stay as they were until their next refresh."""
        try:
            return await self._spread(ctx, replies)
        except Exception:
            log.exception("refreshing card copies failed", extra={"programme": ctx.programme_key})
            return [r for r in replies if not isinstance(r, Refresh)]

    async def _spread(self, ctx: Context, replies: list[Reply]) -> list[Reply]:
        spread: list[Reply] = []
        for reply in replies:
            if isinstance(reply, Refresh):
                reply = replace(reply, copies=await self.refresh_copies(ctx, reply))
            spread.append(reply)
        return spread

    async def refresh_copies(self, ctx: Context, refresh: Refresh) -> tuple[PostedMessage, ...]:
        """Every copy of a refreshed card: those on other platforms than the acting one are
        rewritten here, through their notifiers; those on the acting platform are returned,
        for its edge to update. An edge that coalesces a burst of refreshes calls this once
        per burst, when it sends its update."""
        copies = await self.copies(ctx.programme_key, refresh.anchor)
        here = tuple(c for c in copies if c.platform == ctx.where.platform)
        others = [c for c in copies if c.platform != ctx.where.platform]
        if others:
            card = await self.card(ctx.programme_key, refresh.anchor) or refresh.card
            if card is not None:
                for copy in others:
                    await self.workshop.notifier.update(copy, card)
        return here

    async def copies(self, programme_key: str, anchor: Anchor) -> Sequence[PostedMessage]:
        """Where copies of an anchored card were posted, for refreshing them in place."""
        return await self.workshop.prompts.posts(programme_key, anchor)

    async def _route(self, ctx: Context, intent: Intent) -> list[Reply]:
        ws = self.workshop
        match intent:
            case Command(text=text):
                return await grammar.enact(ws, ctx, text)
            case MessagePosted(text=text, message_id=message_id):
                return await ideas.thread_reply(ws, ctx, text, message_id)
            case MessageEdited(message_id=message_id, text=text):
                return await editing.message_edited(ws, ctx, message_id, text)
            case MessageDeleted(message_id=message_id):
                return await editing.message_deleted(ws, ctx, message_id)
            case ButtonPressed(action_id=action, value=value):
                return await self._button(ctx, action, value)
            case FormSubmitted(action_id=action, fields=fields, metadata=metadata):
                if action == ADD_IDEA:
                    return await ideas.form_submitted(ws, ctx, metadata, fields.get("idea", ""))
        log.warning("unrouted intent", extra={"intent": repr(intent)[:200]})
        raise Refusal("That button or form is out of date. Type `help` to see what you can do.")

    async def _button(self, ctx: Context, action: str, value: str) -> list[Reply]:
        ws = self.workshop
        if action == VOTE:
            return await votes.toggle(ws, ctx, grammar.idea_number(value))
        if action == VOTE_FOR:
            return await votes.vote_for(ws, ctx, grammar.idea_number(value))
        if action == ADD_ANYWAY:
            return await ideas.add_anyway(ws, ctx, value)
        if action == CONFIRM:
            return await assignment.confirm(ws, ctx, grammar.idea_number(value, "confirm"))
        if action == PROPOSE:
            return await proposals.propose_button(ws, ctx, value)
        if action == CONFIRM_PROPOSAL:
            return await assignment.confirm_proposal(ws, ctx, value)
        if action == ASSIGN:
            return await assignment.menu_choice(ws, ctx, value)
        if action == ADD_IDEA:
            return await prompts.open_idea_form(ws, ctx, value)
        if action == SEE_IDEAS:
            return await ideas.list_ideas(ws, ctx, value or None)
        if action == POST_PROMPT:
            return await prompts.post_prompt(ws, ctx, value, None)
        if action in (HIDE, KEEP):  # the buttons on a flag in the organisers' channel
            number = grammar.idea_number(value, "hide")
            if action == HIDE:
                return await moderation.hide(ws, ctx, number, True, Delivery.REPLACE)
            return await moderation.keep(ws, ctx, number)
        if action == FORGET:
            return await personal.forget(ws, ctx, value or None, confirmed=True)
        if action == THEME_CONFIRM:  # the proposals card of `themes emerging`
            return await theme_finding.confirm(ws, ctx, value)
        if action == THEME_DROP:
            return await theme_finding.drop(ws, ctx, value)
        if action == agenda_cards.BACK:  # the day's steps: each button has its command
            return await contributions.back(ws, ctx, value)
        if action == agenda_cards.REACT:
            item, _, reaction = value.partition(" ")
            return await evidence.react(ws, ctx, item, reaction, None, Delivery.REPLACE)
        if action == agenda_cards.PUBLISH:
            await ws.require_organiser(ctx, "publish the synthesis")
            return await synthesis.publish(ws, ctx)
        log.warning("unknown action", extra={"action_id": action})
        raise Refusal("That button is out of date. Type `help` to see what you can do.")
