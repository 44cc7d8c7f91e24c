"""What every use case shares: playbook, storage roles, clock, notifier, and who may organise.

Storage is handed over role by role (`bot.core.ports`): a use case reaches only the roles it
names (`ws.votes`, `ws.ideas`, …), and a test may give each role its own stand-in."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.core import names
from bot.core.agenda_store import AgendaStore
from bot.core.domain import Idea
from bot.core.grouping import Grouper
from bot.core.interaction import Context
from bot.core.learning import Learner
from bot.core.links import Links
from bot.core.nudges import QuietHours
from bot.core.organisers import NamedOrganisers
from bot.core.plan_views import PlanSummary
from bot.core.playbook import Actor, Audience, Playbook, Stage, Style, Theme
from bot.core.ports import (
    Clock,
    DigestStore,
    EmergingStore,
    ExportStore,
    HousekeepingStore,
    IdeaStore,
    ModerationStore,
    Notifier,
    NudgeStore,
    PeopleStore,
    PersonalDataStore,
    PlanStore,
    PlanViewStore,
    PromptStore,
    ProposalStore,
    Repository,
    ThemeGroupStore,
    TurnStore,
    Unheard,
    VoteStore,
)
from bot.core.rewording import Window, WindowFactory
from bot.core.suggestions import NaiveBayes, Suggester

MAX_IDEA_CHARS = 3000


class Refusal(Exception):
    """A request the user can fix or should know was refused; the message is shown to them."""


def no_such_idea(number: int) -> Refusal:
    return Refusal(f"There is no idea #{number}. `ideas` lists them.")


@dataclass
class Workshop:
    """The core's dependencies, built once by the composition root."""

    playbook: Playbook
    clock: Clock
    people: PeopleStore
    prompts: PromptStore
    ideas: IdeaStore
    votes: VoteStore
    plan: PlanStore
    plan_views: PlanViewStore
    exports: ExportStore
    moderation: ModerationStore
    personal: PersonalDataStore
    digests: DigestStore
    turns: TurnStore
    housekeeping: HousekeepingStore
    agenda: AgendaStore
    proposals: ProposalStore
    emerging: EmergingStore
    nudges: NudgeStore
    themes: ThemeGroupStore
    env_organisers: NamedOrganisers = field(default_factory=NamedOrganisers)  # per programme
    notifier: Notifier = field(default_factory=Unheard)  # the composition root sets the real one
    links: Links | None = None  # signed links to the web view, when configured
    quiet: QuietHours | None = None  # no nudges in these hours (HOWCANWE_QUIET_HOURS)
    idea_locks: dict[str, asyncio.Lock] = field(default_factory=dict)  # one new idea at a time
    suggesters: dict[str, tuple[Suggester, datetime]] = field(default_factory=dict)
    learner: Learner = NaiveBayes  # the composition root may hand in one that reads meaning
    trainings: dict[str, asyncio.Task[None]] = field(default_factory=dict)  # off the loop
    # Assignments made in this process, per programme: a training under way when one is made
    # does not learn from it, so its model is outdated at once.
    lessons: dict[str, int] = field(default_factory=dict)
    playbook_suggester: Suggester | None = None  # the write-up's examples alone, once trained
    playbook_training: asyncio.Task[None] | None = None  # off the loop, under way
    words_suggester: Suggester | None = None  # the examples' words, until the above is ready
    summaries: dict[str, PlanSummary] = field(default_factory=dict)  # per programme, latest
    # per (programme, with backed): the summary being read, and the revision seen before it
    summarising: dict[tuple[str, bool], tuple[int, asyncio.Future[PlanSummary]]] = field(
        default_factory=dict
    )
    grouper: Grouper | None = None  # finds emerging themes in the ideas (bot.clustering)
    rewordings: WindowFactory | None = None  # duplicates by meaning (bot.rewordings), if installed
    reworded: dict[str, Window] = field(default_factory=dict)  # per programme, once filled
    rewording_fills: dict[str, asyncio.Task[None]] = field(default_factory=dict)  # under way
    rewording_unchecked: dict[str, list[str]] = field(default_factory=dict)  # while filling
    # A brought-back sheet's changed cards being rewritten, after its report was answered.
    announcing: set[asyncio.Task[None]] = field(default_factory=set)
    _ready: set[str] = field(default_factory=set)

    @classmethod
    def over(
        cls,
        playbook: Playbook,
        repo: Repository,
        clock: Clock,
        env_organisers: NamedOrganisers | None = None,
        links: Links | None = None,
        quiet: QuietHours | None = None,
    ) -> Workshop:
        """Every role played by one store: the composition root's database."""
        return cls(
            playbook,
            clock,
            people=repo,
            prompts=repo,
            ideas=repo,
            votes=repo,
            plan=repo,
            plan_views=repo,
            exports=repo,
            moderation=repo,
            personal=repo,
            digests=repo,
            turns=repo,
            housekeeping=repo,
            agenda=repo,
            proposals=repo,
            emerging=repo,
            nudges=repo,
            themes=repo,
            env_organisers=env_organisers or NamedOrganisers(),
            links=links,
            quiet=quiet,
        )

    def plan_link(self, programme: str, path: str = "/plan") -> str | None:
        """A signed link to the programme's plan (or another page), or None when links are off."""
        if self.links is None:
            return None
        return self.links.url(programme, self.clock.now(), path)

    async def ready(self, programme_key: str) -> None:
        """Make sure the programme exists (checked once per process and programme)."""
        if programme_key not in self._ready:
            await self.people.ensure_programme(
                programme_key, self.playbook.name, self.playbook.default_audience
            )
            self._ready.add(programme_key)

    async def is_organiser(self, ctx: Context) -> bool:
        """Organisers of the caller's programme only: configured for it, added in its chat, or
        the one who installed its Slack workspace."""
        key, programme = ctx.who.key, ctx.programme_key
        return key in self.env_organisers.of(programme) or key in await self.people.organisers(
            programme
        )

    async def organisers(self, programme_key: str) -> frozenset[str]:
        """`platform:user_id` keys of the programme's organisers."""
        named = self.env_organisers.of(programme_key)
        return named | await self.people.organisers(programme_key)

    async def require_organiser(self, ctx: Context, doing: str) -> None:
        if not await self.is_organiser(ctx):
            raise Refusal(
                f"Only organisers can {doing}. Ask an organiser if you think it's needed."
            )

    async def idea(self, ctx: Context, number: int) -> Idea:
        """The idea numbered `number` in the caller's programme, or a refusal saying so."""
        idea = await self.ideas.idea(ctx.programme_key, number)
        if idea is None:
            raise no_such_idea(number)
        return idea

    def theme(self, typed: str) -> Theme:
        return _resolve(typed, self.playbook.themes, "theme")

    def actor(self, typed: str) -> Actor:
        return _resolve(typed, self.playbook.actors, "actor")

    def style(self, typed: str) -> Style:
        return _resolve(typed, self.playbook.styles, "style of government action")

    def stage(self, typed: str) -> Stage:
        return _resolve(typed, self.playbook.stages, "stage")

    def audience(self, typed: str) -> Audience:
        return _resolve(typed, self.playbook.audiences, "audience")


def _resolve(typed: str, items: Sequence[names.N], kind: str) -> names.N:
    try:
        return names.resolve(typed, items, kind)
    except names.NoMatch as exc:
        raise Refusal(str(exc)) from exc
