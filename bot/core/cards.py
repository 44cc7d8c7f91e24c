"""How the workshop looks, as neutral cards: prompts, ideas, lists, the plan, help."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core import proposed
from bot.core.domain import ActionNote, Assignment, Idea, Participant, Phase, ProgrammeStats
from bot.core.emerging import key_of
from bot.core.interaction import (
    ADD_ANYWAY,
    ADD_IDEA,
    ASSIGN,
    CONFIRM,
    CONFIRM_PROPOSAL,
    PROPOSE,
    SEE_IDEAS,
    VOTE,
    VOTE_FOR,
    Actions,
    Bullets,
    Button,
    Card,
    Facts,
    Form,
    Heading,
    Link,
    Option,
    Select,
    Text,
    TextField,
    Tone,
)
from bot.core.names import Named
from bot.core.plan import BACKED_SHARE, ActionPlan
from bot.core.plan_views import PlanSummary
from bot.core.playbook import Playbook, Theme

PHASE_NAMES = {
    Phase.COLLECTING: "collecting ideas",
    Phase.VOTING: "voting",
    Phase.CLOSED: "closed, final",
}
EVIDENCE_SHOWN = 3
LIST_LIMIT = 20  # items in a list card; the rest are counted in a "…and N more" line
CELL_LIMIT = 5
MERGED_NAMED = 5  # co-authors named on an idea card
NAME_CHARS = 80  # of a person's name in a list line
NONE = "none"
PROPOSALS_SHOWN = 3  # proposals named on an idea card; the rest are counted
PROPOSALS_CONFIRMABLE = 2  # leading proposals an organiser can confirm with one click


def prompt_card(playbook: Playbook, theme: Theme, index: int, prompt_id: int, phase: str) -> Card:
    blocks: list[Text | Heading | Bullets | Actions] = [Text(f"Phase: {phase}", Tone.MUTED)]
    if theme.evidence:
        blocks += [Heading("What the evidence says"), Bullets(theme.evidence[:EVIDENCE_SHOWN])]
    blocks += [
        Heading("How can we…"),
        Text(theme.challenges[index], Tone.STRONG),
        Text(
            f"Reply in this thread with your ideas, or press Add an idea. Everyone has "
            f"{playbook.votes_per_theme} votes for {theme.title}.",
            Tone.MUTED,
        ),
        Actions(
            (
                Button("Add an idea", ADD_IDEA, str(prompt_id), primary=True),
                Button("See ideas", SEE_IDEAS, theme.key),
            )
        ),
    ]
    title = f"{theme.title} — challenge {index + 1} of {len(theme.challenges)}"
    return Card(title, tuple(blocks))


def idea_form(theme: Theme, challenge: str, prompt_id: int) -> Form:
    return Form(
        title="Add an idea",
        action_id=ADD_IDEA,
        submit_label="Add idea",
        intro=f"{theme.title}: how can we… {challenge}",
        fields=(TextField("idea", "Your idea", "What could we do? Who could do it?"),),
        metadata=str(prompt_id),
    )


def more_text(hidden: int, how: str) -> str:
    """The line that ends a shortened list: how many are not shown, and where to see them."""
    return f"…and {hidden:,} more — {how}"


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 vote", "2 votes" ("1 person", "2 people" with `many`)."""
    return f"{count} {word}" if count == 1 else f"{count:,} {many or word + 's'}"


def stats_text(plan: ActionPlan) -> str:
    return figures_text(plan.stats)


def figures_text(stats: ProgrammeStats) -> str:
    """The programme's figures in a sentence: ideas, votes, participants."""
    return (
        f"{plural(stats.ideas, 'idea')}, {plural(stats.votes, 'vote')} from "
        f"{plural(stats.participants, 'participant')}."
    )


BACKED_HEADING = "Backed across audiences"
BACKED_MEASURE = (
    f"at least {round(BACKED_SHARE * 100)}% of every audience that voted in the theme backs it"
)


def consensus_text(consensus: float | None) -> str:
    return "—" if consensus is None else f"{round(consensus * 100)}%"


def votes_text(playbook: Playbook, idea: Idea) -> str:
    if not idea.votes:
        return "no votes yet"
    names = {a.key: a.name.lower() for a in playbook.audiences}
    parts = [
        f"{names.get(k, k)} {n}" for k, n in sorted(idea.votes_by_audience.items(), key=_by_count)
    ]
    return f"{plural(idea.votes, 'vote')} — " + ", ".join(parts)


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return (-item[1], item[0])


def assignment_text(playbook: Playbook, assignment: Assignment | None) -> str:
    """ "Combined authority · as Funder · Scaling: Grants and subsidies"."""
    if assignment is None:
        return "not assigned yet"
    actor = next((a.name for a in playbook.actors if a.key == assignment.actor_key), None)
    return " · ".join(
        filter(None, [actor or assignment.actor_key, style_text(playbook, assignment)])
    )


def style_text(playbook: Playbook, assignment: Assignment | None) -> str:
    """The style of government action and stage, with the grid cell's name; "" when unset."""
    if assignment is None:
        return ""
    style = next((s for s in playbook.styles if s.key == assignment.style_key), None)
    stage = next((s for s in playbook.stages if s.key == assignment.stage_key), None)
    parts = [f"as {style.name}"] if style else []
    if stage:
        cell = style.cell(stage.key) if style else None
        parts.append(stage.name + (f": {cell.name}" if cell else ""))
    return " · ".join(parts)


def author_text(playbook: Playbook, idea: Idea) -> str:
    return _author(playbook, idea.author)


def _author(playbook: Playbook, who: Participant) -> str:
    return "a participant" if playbook.anonymous else who.name


def idea_card(playbook: Playbook, idea: Idea) -> Card:
    theme_title = playbook.theme_title(idea.theme_key)
    if idea.merged_into is not None:
        return Card(
            title=f"{idea.label} · {theme_title} — now part of #{idea.merged_into}",
            blocks=(
                Text(idea.text, Tone.MUTED),
                Text(f"Votes for this idea now count for #{idea.merged_into}.", Tone.MUTED),
                Actions(
                    (Button(f"Vote for #{idea.merged_into}", VOTE_FOR, str(idea.merged_into)),)
                ),
            ),
        )
    if idea.hidden:
        return Card(
            title=f"{idea.label} · {theme_title} — withdrawn by its author or hidden by organisers",
            blocks=(Text("This idea is off the plan and takes no votes.", Tone.MUTED),),
        )
    current = idea.assignment
    by = f"{author_text(playbook, idea)} ({idea.audience})"
    if idea.merged:
        named = idea.merged[:MERGED_NAMED]
        others = ", ".join(f"{_author(playbook, m.author)} (#{m.number})" for m in named)
        rest = len(idea.merged) - len(named)
        by += f", with {others}" + (f" and {plural(rest, 'other')}" if rest > 0 else "")
    return Card(
        title=f"{idea.label} · {theme_title}",
        blocks=(
            Text(idea.text),
            Facts(
                (
                    ("Challenge", challenge_text(playbook, idea)),
                    ("By", by),
                    ("Votes", votes_text(playbook, idea)),
                    ("Actor", assignment_text(playbook, current)),
                    *((("Action", action_text(idea)),) if idea.status else ()),
                    *_suggested_fact(playbook, idea),
                    *((("Proposed", proposals_text(playbook, idea)),) if idea.proposals else ()),
                    *((("Emerging", emerging_text(playbook, idea)),) if idea.emerging else ()),
                )
            ),
            Actions(
                (
                    Button(f"Vote ({idea.votes})", VOTE, str(idea.number), primary=True),
                    *_confirm_button(playbook, idea),
                    *_propose_button(playbook, idea),
                    *_confirm_proposal_buttons(playbook, idea),
                )
            ),
            Actions(_assign_menus(playbook, idea.number, current)),
        ),
    )


def challenge_question(playbook: Playbook, idea: Idea) -> str | None:
    """The question of the challenge an idea answers; None when it answers none in particular."""
    if idea.proposed_challenge is not None:
        return idea.proposed_challenge
    theme = next((t for t in playbook.themes if t.key == idea.theme_key), None)
    if theme is None or idea.challenge is None or idea.challenge >= len(theme.challenges):
        return None
    return theme.challenges[idea.challenge]


def challenge_text(playbook: Playbook, idea: Idea) -> str:
    """The challenge an idea answers, numbered as `themes` lists them."""
    question = challenge_question(playbook, idea)
    if question is None or idea.challenge is None:
        return "none in particular"
    return f"{idea.challenge + 1}. {question}"


def filed_text(playbook: Playbook, idea: Idea, with_theme: bool = False) -> str:
    """ "challenge 3" (or "Inclusive growth, challenge 3"): where a plan line's idea is filed."""
    parts = [playbook.theme_title(idea.theme_key)] if with_theme else []
    if idea.challenge is not None:
        parts.append(f"challenge {idea.challenge + 1}")
    return ", ".join(parts)


def plan_line(playbook: Playbook, idea: Idea, with_theme: bool = False) -> str:
    """One idea of the plan: text, votes, where it is filed, then its style and action."""
    filed = filed_text(playbook, idea, with_theme)
    return (
        _idea_line(playbook, idea)
        + (f" · {filed}" if filed else "")
        + _style_suffix(playbook, idea)
    )


def emerging_text(playbook: Playbook, idea: Idea) -> str:
    """The emerging themes an idea is tagged to, by title (an added one's from its key)."""
    titles = {key_of(e.title): e.title for e in playbook.emerging_themes}
    return ", ".join(titles.get(k, k.replace("-", " ").capitalize()) for k in idea.emerging)


def proposals_text(playbook: Playbook, idea: Idea) -> str:
    """ "Combined authority · as Funder (3), Organisations and businesses (1)": most first."""
    shown = [
        f"{assignment_text(playbook, p.assignment)} ({p.count})"
        for p in idea.proposals[:PROPOSALS_SHOWN]
    ]
    rest = len(idea.proposals) - len(shown)
    return ", ".join(shown) + (f" and {plural(rest, 'other')}" if rest > 0 else "")


def _propose_button(playbook: Playbook, idea: Idea) -> tuple[Button, ...]:
    """Anyone's one click to propose the bot's suggestion, while the idea waits for an actor."""
    if idea.assignment is not None or idea.suggestion is None:
        return ()
    label = f"Propose: {assignment_text(playbook, idea.suggestion)}"
    return (Button(label, PROPOSE, proposed.encode(idea.number, idea.suggestion)),)


def _confirm_proposal_buttons(playbook: Playbook, idea: Idea) -> tuple[Button, ...]:
    """Organisers' one click to make one of the leading proposals the assignment."""
    return tuple(
        Button(
            f"Confirm: {assignment_text(playbook, p.assignment)} ({p.count})",
            CONFIRM_PROPOSAL,
            proposed.encode(idea.number, p.assignment),
        )
        for p in idea.proposals[:PROPOSALS_CONFIRMABLE]
        if p.assignment != idea.assignment
    )


def _confirm_button(playbook: Playbook, idea: Idea) -> tuple[Button, ...]:
    """Organisers' one click to accept the bot's suggestion (never applied silently); once
    participants have proposed, their proposals are what organisers confirm."""
    if idea.assignment is not None or idea.suggestion is None or idea.proposals:
        return ()
    return (
        Button(f"Confirm: {_actor_name(playbook, idea.suggestion)}", CONFIRM, str(idea.number)),
    )


def _actor_name(playbook: Playbook, assignment: Assignment) -> str:
    return next(
        (a.name for a in playbook.actors if a.key == assignment.actor_key), assignment.actor_key
    )


def _suggested_fact(playbook: Playbook, idea: Idea) -> tuple[tuple[str, str], ...]:
    if idea.assignment is not None or idea.suggestion is None:
        return ()
    suggested = (("Suggested", assignment_text(playbook, idea.suggestion)),)
    if not idea.suggested_because:
        return suggested
    return (*suggested, ("Because it reads like", because_text(idea.suggested_because)))


def because_text(examples: Sequence[str]) -> str:
    """The write-up's examples a suggestion came from, quoted."""
    return "; ".join(f"“{text}”" for text in examples)


def action_text(idea: Idea) -> str:
    """ "agreed · owner Bath Spa University · 2 Mar 2026: pilot funded"."""
    parts = [idea.status.value if idea.status else "not an action"]
    if idea.owner:
        parts.append(f"owner {idea.owner}")
    if idea.latest_note:
        parts.append(f"{_day(idea.latest_note.created_at)}: {clip(idea.latest_note.text, 120)}")
    return " · ".join(parts)


def history_card(idea: Idea, notes: Sequence[ActionNote]) -> Card:
    """The latest notes only: an action's recent progress is what its reader came for."""
    shown = notes[-LIST_LIMIT:]
    lines = tuple(f"{_day(n.created_at)} — {n.text} ({n.author})" for n in shown)
    earlier = len(notes) - len(shown)
    blocks: list[Text | Bullets] = [Text(idea.text)]
    if earlier:
        blocks.append(Text(f"{plural(earlier, 'earlier note')} not shown.", Tone.MUTED))
    blocks.append(Bullets(lines) if lines else Text("No progress notes yet.", Tone.MUTED))
    return Card(f"{idea.label} — {action_text(idea)}", tuple(blocks))


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y}"


def removed_card(number: int) -> Card:
    """What a posted copy of an idea says once its author asked to be forgotten."""
    return Card(
        f"#{number} — removed", (Text("Its author asked for it to be deleted.", Tone.MUTED),)
    )


def duplicate_card(playbook: Playbook, similar: Idea, yours: str, draft_id: int) -> Card:
    """Shown only to the author of an idea that nearly repeats one already there."""
    return Card(
        title=f"This looks like {similar.label}",
        blocks=(
            Text(similar.text, Tone.STRONG),
            Facts((("Votes", votes_text(playbook, similar)),)),
            Text(f"Your idea: {clip(yours)}", Tone.MUTED),
            Actions(
                (
                    Button(
                        f"Vote for {similar.label} instead", VOTE_FOR, str(similar.number), True
                    ),
                    Button("Add mine anyway", ADD_ANYWAY, str(draft_id)),
                )
            ),
        ),
    )


def _assign_menus(
    playbook: Playbook, number: int, current: Assignment | None
) -> tuple[Select, ...]:
    """Organisers' menus; a participant who uses them is told, privately, that they cannot."""
    menus: tuple[tuple[str, str, Sequence[Named], str | None], ...] = (
        ("actor", "Assign actor…", playbook.actors, current.actor_key if current else None),
        ("style", "Style of action…", playbook.styles, current.style_key if current else None),
        ("stage", "Stage…", playbook.stages, current.stage_key if current else None),
    )
    return tuple(
        _menu(number, part, placeholder, ((i.key, i.name) for i in items), chosen)
        for part, placeholder, items, chosen in menus
        if items
    )


def _menu(
    number: int,
    part: str,
    placeholder: str,
    choices: Iterable[tuple[str, str]],
    initial: str | None,
) -> Select:
    prefix = f"{number}:{part}:"
    options = (
        *(Option(name, prefix + key) for key, name in choices),
        Option("(none)", prefix + NONE),
    )
    return Select(ASSIGN, placeholder, options, prefix + initial if initial else None)


def ideas_card(
    playbook: Playbook, leading: Sequence[Idea], count: int, theme: Theme | None
) -> Card:
    """The `leading` ideas (most votes first) of the `count` on the plan, in a theme or all."""
    scope = theme.title if theme else playbook.name
    if not leading:
        return Card(f"Ideas — {scope}", (Text("No ideas yet. Be the first!"),))
    lines = tuple(_idea_line(playbook, i) for i in leading)
    blocks: list[Text | Bullets] = [Bullets(lines)]
    if count > len(leading):
        blocks.append(
            Text(f"…and {count - len(leading)} more. `plan` shows the whole grid.", Tone.MUTED)
        )
    blocks.append(Text("Vote with `vote <id>`, e.g. `vote 12`.", Tone.MUTED))
    return Card(f"Ideas — {scope} ({count})", tuple(blocks))


def _idea_line(playbook: Playbook, idea: Idea) -> str:
    return f"{idea.label} {clip(idea.text)} — {votes_text(playbook, idea)}"


def clip(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class PlanRow:
    """A theme's part of the plan card: its most backed ideas (with consensus), and per actor
    (then "Not yet assigned") the ideas shown and how many the cell holds."""

    theme: Theme
    phase: Phase
    backed: tuple[tuple[Idea, float | None], ...]
    cells: tuple[tuple[str, tuple[Idea, ...], int], ...]
    unassigned: tuple[tuple[Idea, ...], int]


def summary_card(
    playbook: Playbook, summary: PlanSummary, theme_key: str | None = None, link: str | None = None
) -> Card:
    """The plan card from the plan at a glance (each cell's top ideas and count): what chat
    shows, however big the programme."""
    rows = tuple(
        PlanRow(
            row.theme,
            row.phase,
            row.backed,
            tuple((a.name, t.ideas[:CELL_LIMIT], t.count) for a, t in row.cells),
            (row.unassigned.ideas[:CELL_LIMIT], row.unassigned.count),
        )
        for row in summary.themes
        if theme_key in (None, row.theme.key)
    )
    blocks = _plan_blocks(playbook, summary.stats, rows, link)
    return Card(f"Action plan — {summary.programme_name}", blocks)


def _plan_blocks(
    playbook: Playbook, stats: ProgrammeStats, rows: tuple[PlanRow, ...], link: str | None
) -> tuple[Text | Heading | Bullets | Link, ...]:
    blocks: list[Text | Heading | Bullets | Link] = [Text(figures_text(stats), Tone.MUTED)]
    if link:
        # Handed out only to organisers and stakeholders: it opens the whole plan, names included.
        blocks.append(Link("Open the plan in the browser, to print or download", link))
        blocks.append(
            Text("The link expires; share it only with people who may see the plan.", Tone.MUTED)
        )
    for row in rows:
        blocks.append(Heading(f"{row.theme.title} — {PHASE_NAMES[row.phase]}"))
        if row.backed:
            blocks.append(Text(BACKED_HEADING, Tone.STRONG))
            blocks.append(Text(f"Consensus: {BACKED_MEASURE}.", Tone.MUTED))
            blocks.append(
                Bullets(
                    tuple(
                        f"{_idea_line(playbook, i)} · consensus {consensus_text(consensus)}"
                        for i, consensus in row.backed
                    )
                )
            )
        rest = _rest_of(row.theme, link)
        for actor_name, shown, count in row.cells:
            lines = [plan_line(playbook, i) for i in shown]
            blocks.append(Text(f"{actor_name} ({count})", Tone.STRONG))
            blocks.append(_shortened(lines or ["—"], count, rest))
        shown, count = row.unassigned
        if count:
            blocks.append(Text(f"Not yet assigned ({count})", Tone.STRONG))
            lines = [plan_line(playbook, i) for i in shown]
            blocks.append(_shortened(lines, count, rest))
    return tuple(blocks)


def _rest_of(theme: Theme, link: str | None) -> str:
    """Where a reader finds the ideas a plan card leaves out."""
    if link:
        return "open the plan in the browser to see them all"
    return f"type `ideas {theme.key}` to list them"


def _shortened(lines: list[str], total: int, how: str) -> Bullets:
    hidden = total - len(lines)
    return Bullets((*lines, more_text(hidden, how)) if hidden > 0 else tuple(lines))


def _style_suffix(playbook: Playbook, idea: Idea) -> str:
    parts = [style_text(playbook, idea.assignment), action_text(idea) if idea.status else ""]
    shown = "; ".join(p for p in parts if p)
    return f" [{shown}]" if shown else ""


def themes_card(playbook: Playbook, phases: Mapping[str, Phase]) -> Card:
    blocks: list[Text | Heading | Bullets] = []
    for theme in playbook.themes:
        phase = phases.get(theme.key, Phase.COLLECTING)
        blocks.append(Heading(f"{theme.title} (`{theme.key}`) — {PHASE_NAMES[phase]}"))
        blocks.append(Bullets(tuple(f"{n}. {c}" for n, c in enumerate(theme.challenges, 1))))
    blocks.append(Text("Organisers post one with `prompt <theme> [n]`.", Tone.MUTED))
    return Card(f"Themes — {playbook.name}", tuple(blocks))


def help_card(playbook: Playbook, lines: tuple[str, ...], organiser: bool) -> Card:
    """`lines`: the commands this user may use, as bot.core.grammar declares them."""
    note = (
        "You are an organiser."
        if organiser
        else "Reply in a prompt's thread to add an idea; press Vote to support one."
    )
    return Card(
        f"howcanwe — {playbook.name}",
        (Bullets(lines), Text(note, Tone.MUTED)),
    )
