"""The digest as a neutral card: what changed since the channel's last digest, and the plan now.

Stakeholders read it instead of following every thread, so it leads with the period's figures,
names only the few ideas that matter per theme and cell, and marks what is new. A quiet period
gets a short card that says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.cards import clip, plural
from bot.core.digest import DigestFigures, DigestIdea, ThemeFigures
from bot.core.domain import Emerging
from bot.core.interaction import Block, Bullets, Card, Facts, Heading, Link, Text, Tone
from bot.core.playbook import Playbook, Theme

CLIP = 140  # characters of an idea's text in a digest line
MERGES_SHOWN = 10  # a busy week's merges are summed up beyond these
EMERGING_SHOWN = 10  # emerging themes named with their counts
BRIEF_TITLE = "The one-page brief (PDF)"


def digest_card(
    playbook: Playbook,
    figures: DigestFigures,
    timezone: str,
    link: str | None = None,
    emerging: Sequence[tuple[Emerging, int]] = (),
    brief_link: str | None = None,
) -> Card:
    """`emerging`: the emerging themes with ideas tagged to them, and how many; `brief_link`:
    the one-page brief (PDF), what a stakeholder forwards to a board."""
    period = period_text(figures.since, figures.until, timezone)
    title = f"Digest — {playbook.name}"
    blocks: list[Block] = [Text(period, Tone.MUTED)]
    if figures.quiet:
        blocks.append(Text(f"No new ideas or votes {since_text(figures.since, timezone)}."))
        blocks.append(Text(_standing(figures)))
    else:
        blocks += _participation(playbook, figures)
        for theme in playbook.themes_for(figures.themes):
            blocks += _theme_news(playbook, theme, figures.themes[theme.key])
        blocks += _plan(playbook, figures)
        blocks += _emerging(emerging)
        blocks += _for_organisers(figures)
    if brief_link:
        blocks.append(Link(BRIEF_TITLE, brief_link))
    if link:
        blocks.append(Link("Open the whole plan", link))
    return Card(title, tuple(blocks))


def _emerging(emerging: Sequence[tuple[Emerging, int]]) -> list[Block]:
    """The emerging themes with the most ideas tagged, most first (the rest counted)."""
    if not emerging:
        return []
    leading = sorted(emerging, key=lambda found: -found[1])[:EMERGING_SHOWN]
    counts = " · ".join(f"{e.name} {plural(n, 'idea')}" for e, n in leading)
    rest = len(emerging) - len(leading)
    if rest:
        counts += f" · and {plural(rest, 'other')}"
    return [Heading("Emerging themes from across the day"), Text(counts)]


def period_text(since: datetime, until: datetime, timezone: str) -> str:
    return f"From {moment_text(since, timezone)} to {moment_text(until, timezone)} ({timezone})"


def since_text(since: datetime, timezone: str) -> str:
    return f"since {moment_text(since, timezone)}"


def moment_text(moment: datetime, timezone: str) -> str:
    """ "Mon 9 Mar 09:00", on the clock of `timezone`."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def _standing(figures: DigestFigures) -> str:
    ideas = sum(t.ideas for t in figures.themes.values())
    unassigned = sum(t.unassigned for t in figures.themes.values())
    return (
        f"The plan stands at {plural(ideas, 'idea')}, {ideas - unassigned} of them assigned "
        "to an actor."
    )


def _participation(playbook: Playbook, figures: DigestFigures) -> list[Block]:
    audiences = {a.key: a.name.lower() for a in playbook.audiences}

    def split(count_of: str) -> str:
        by_audience: dict[str, int] = {}
        by_platform: dict[str, int] = {}
        for share in figures.participation:
            count = getattr(share, count_of)
            by_audience[share.audience] = by_audience.get(share.audience, 0) + count
            by_platform[share.platform] = by_platform.get(share.platform, 0) + count
        total = sum(by_audience.values())
        if not total:
            return "0"
        return (
            f"{total:,} — "
            + _shares(by_audience, lambda k: audiences.get(k, k))
            + " · "
            + _shares(by_platform, _platform_name)
        )

    return [
        Heading("Participation"),
        Facts(
            (
                ("New ideas", split("ideas")),
                ("Votes", split("votes")),
                ("Participants", _participants(figures, audiences)),
            )
        ),
    ]


def _participants(figures: DigestFigures, audiences: Mapping[str, str]) -> str:
    """People are counted once in the total; the split counts them in each audience they
    spoke for."""
    by_audience: dict[str, int] = {}
    for share in figures.participation:
        by_audience[share.audience] = by_audience.get(share.audience, 0) + share.participants
    if not figures.participants:
        return "0"
    return f"{figures.participants:,} — " + _shares(by_audience, lambda k: audiences.get(k, k))


def _shares(counts: Mapping[str, int], label: Callable[[str], str]) -> str:
    ordered = sorted(((k, n) for k, n in counts.items() if n), key=lambda kn: (-kn[1], kn[0]))
    return ", ".join(f"{label(k)} {n:,}" for k, n in ordered)


def _platform_name(key: str) -> str:
    """ "slack" → "Slack": the core names no platform, so a new one reads right too."""
    return key.capitalize()


def _theme_news(playbook: Playbook, theme: Theme, figures: ThemeFigures) -> list[Block]:
    if not (figures.new_ideas or figures.challenges_posted or figures.top):
        return []
    blocks: list[Block] = [Heading(theme.title)]
    asked = [theme.challenges[i] for i in figures.challenges_posted if i < len(theme.challenges)]
    if asked:
        blocks.append(Text("Asked: " + " · ".join(asked), Tone.MUTED))
    if figures.newest:
        more = figures.new_ideas - len(figures.newest)
        lines = [_idea_line(playbook, i) for i in figures.newest]
        blocks.append(Text(f"{plural(figures.new_ideas, 'new idea')}:", Tone.STRONG))
        blocks.append(Bullets((*lines, *((f"and {more:,} more",) if more > 0 else ()))))
    top = [i for i in figures.top if i.votes]
    if top:
        blocks.append(Text("Most votes:", Tone.STRONG))
        blocks.append(Bullets(tuple(_idea_line(playbook, i) for i in top)))
    return blocks


def _plan(playbook: Playbook, figures: DigestFigures) -> list[Block]:
    blocks: list[Block] = [Heading("The action plan now")]
    any_assigned = False
    for theme in playbook.themes_for(figures.themes):
        theme_figures = figures.themes[theme.key]
        lines = []
        for actor in playbook.actors:
            size = theme_figures.cell_sizes.get(actor.key, 0)
            if not size:
                continue
            shown = theme_figures.cells.get(actor.key, ())
            ideas = "; ".join(_plan_entry(playbook, i, figures) for i in shown)
            more = f"; and {size - len(shown):,} more" if size > len(shown) else ""
            lines.append(f"{actor.name} ({size:,}): {ideas}{more}")
        if lines:
            any_assigned = True
            blocks += [Text(theme.title, Tone.STRONG), Bullets(tuple(lines))]
    if not any_assigned:
        blocks.append(Text("No idea has been assigned to an actor yet.", Tone.MUTED))
    return blocks


def _plan_entry(playbook: Playbook, idea: DigestIdea, figures: DigestFigures) -> str:
    assignment = idea.assignment
    style = next(
        (s.name for s in playbook.styles if assignment and s.key == assignment.style_key), ""
    )
    stage = next(
        (s.name for s in playbook.stages if assignment and s.key == assignment.stage_key), ""
    )
    how = " · ".join(filter(None, [style and f"as {style}", stage]))
    status = idea.status.value.replace("-", " ") if idea.status else ""
    details = ", ".join(filter(None, [how, status, plural(idea.votes, "vote")]))
    new = "NEW " if figures.is_new(idea) else ""
    return f"{new}#{idea.number} {clip(idea.text, CLIP)} ({details})"


def _for_organisers(figures: DigestFigures) -> list[Block]:
    merged = figures.merged
    lines = [f"#{source} merged into #{target}" for source, target in merged[:MERGES_SHOWN]]
    if len(merged) > MERGES_SHOWN:
        lines.append(f"and {len(merged) - MERGES_SHOWN:,} more merges (`history <id>` tells more)")
    waiting = sum(t.unassigned for t in figures.themes.values())
    if waiting:
        top = ", ".join(f"#{i.number} ({plural(i.votes, 'vote')})" for i in figures.unassigned)
        lines.append(
            f"{plural(waiting, 'idea')} not yet assigned; most voted: {top}. "
            "Assign with `assign <id> <actor>`."
        )
    return [Heading("For organisers"), Bullets(tuple(lines))] if lines else []


def _idea_line(playbook: Playbook, idea: DigestIdea) -> str:
    audiences = {a.key: a.name.lower() for a in playbook.audiences}
    split = _shares(idea.votes_by_audience, lambda k: audiences.get(k, k))
    votes = plural(idea.votes, "vote") + (f" — {split}" if split else "")
    return f"#{idea.number} {clip(idea.text, CLIP)} ({votes})"
