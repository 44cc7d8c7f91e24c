"""The digest as a neutral card: what changed since the channel's last digest, short enough to
read to the end.

Stakeholders read the digest instead of the threads, and a board only the first lines of it: so
it opens with a headline (three figures and the one change that matters), then what organisers
decided, the ideas more than one audience backs, per theme only what changed, and the links to
the whole plan and the one-page brief. The plan as a whole is never repeated: the web view and
the brief hold it. A quiet period is two lines.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.cards import clip, consensus_text, plural
from bot.core.digest import Backed, Decided, Decision, DigestFigures, DigestIdea, ThemeFigures
from bot.core.domain import Emerging, Status
from bot.core.interaction import Block, Bullets, Card, Heading, Link, Text, Tone
from bot.core.playbook import Playbook, Theme

CLIP = 60  # characters of an idea's text in a digest line
DECISIONS_SHOWN = 5  # ideas decided on named under "Decided this period"; the rest counted
MERGES_SHOWN = 5
HEADLINE_CLIP = 50
ORDER = (Decided.ASSIGNED, Decided.STATUS, Decided.NOTE)  # within an idea's line
EMERGING_SHOWN = 5  # emerging themes named with their counts
BRIEF_TITLE = "The one-page brief (PDF)"
PLAN_TITLE = "Open the whole plan"
# What matters most to a stakeholder, first: work finished, then work committed, then new work.
WEIGHT = {
    (Decided.STATUS, Status.DONE): 0,
    (Decided.STATUS, Status.AGREED): 1,
    (Decided.STATUS, Status.IN_PROGRESS): 2,
    (Decided.STATUS, Status.DROPPED): 3,
    (Decided.ASSIGNED, None): 4,
    (Decided.STATUS, None): 5,
    (Decided.NOTE, None): 6,
    (Decided.MERGED, None): 7,
}


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
    title = f"Digest — {playbook.name}"
    links = [Link(BRIEF_TITLE, brief_link)] if brief_link else []
    if link:
        links.append(Link(PLAN_TITLE, link))
    if figures.quiet:
        period = Text(period_text(figures.since, figures.until, timezone), Tone.MUTED)
        quiet = f"No new ideas, votes or decisions. {_standing(figures)}"
        return Card(title, (period, Text(quiet), *links))
    blocks: list[Block] = [
        Text(period_text(figures.since, figures.until, timezone), Tone.MUTED),
        Text(_headline(playbook, figures), Tone.STRONG),
        Text(_who(playbook, figures), Tone.MUTED),
    ]
    blocks += _decided(playbook, figures.decisions)
    blocks += _backed(playbook, figures.backed)
    blocks += _by_theme(playbook, figures)
    blocks += _emerging(emerging)
    return Card(title, (*blocks, *links))


def period_text(since: datetime, until: datetime, timezone: str) -> str:
    return f"From {moment_text(since, timezone)} to {moment_text(until, timezone)} ({timezone})"


def since_text(since: datetime, timezone: str) -> str:
    return f"since {moment_text(since, timezone)}"


def moment_text(moment: datetime, timezone: str) -> str:
    """ "Mon 9 Mar 09:00", on the clock of `timezone`."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def _standing(figures: DigestFigures) -> str:
    return (
        f"The plan stands at {plural(figures.ideas, 'idea')}, {plural(figures.actions, 'action')}."
    )


def _headline(playbook: Playbook, figures: DigestFigures) -> str:
    """Three figures, then the one change that matters."""
    counts = (
        f"{plural(figures.new_ideas, 'new idea')}, {plural(figures.new_votes, 'vote')}, "
        f"{plural(figures.participants, 'participant')}."
    )
    change = _change(playbook, figures)
    return f"{counts} {change}" if change else counts


def _change(playbook: Playbook, figures: DigestFigures) -> str:
    """The decision that matters most (work done before work agreed before new work), else the
    idea backed most broadly, else the period's most-voted new idea."""
    if figures.decisions:
        top = min(figures.decisions, key=lambda x: (_weight(x), -x.at.timestamp()))
        if top.kind is not Decided.MERGED:
            return f"Above all: {decision_text(playbook, top, HEADLINE_CLIP)}."
    if figures.backed:
        best = figures.backed[0]
        return f"Above all: #{best.idea.number} is backed across audiences."
    newest = [i for t in figures.themes.values() for i in t.newest if i.votes]
    if newest:
        best_new = min(newest, key=lambda i: (-i.votes, i.number))
        return f"Most backed new idea: #{best_new.number} ({plural(best_new.votes, 'vote')})."
    return ""


def _weight(found: Decision) -> int:
    return WEIGHT.get((found.kind, found.status), WEIGHT.get((found.kind, None), len(WEIGHT)))


def _who(playbook: Playbook, figures: DigestFigures) -> str:
    """Who took part, by audience and platform (a person in two audiences counts in each)."""
    audiences = {a.key: a.name.lower() for a in playbook.audiences}
    people: dict[str, int] = {}
    platforms: dict[str, int] = {}
    for share in figures.participation:
        people[share.audience] = people.get(share.audience, 0) + share.participants
        platforms[share.platform] = platforms.get(share.platform, 0) + share.ideas + share.votes
    split = _shares(people, lambda k: audiences.get(k, k))
    where = _shares(platforms, str.capitalize)
    return " · ".join(
        filter(
            None, [split and f"Who took part: {split}", where and f"ideas and votes via {where}"]
        )
    )


def _shares(counts: Mapping[str, int], label: Callable[[str], str]) -> str:
    ordered = sorted(((k, n) for k, n in counts.items() if n), key=lambda kn: (-kn[1], kn[0]))
    return ", ".join(f"{label(k)} {n:,}" for k, n in ordered)


def _decided(playbook: Playbook, decisions: tuple[Decision, ...]) -> list[Block]:
    """One line per idea decided on (what it became, its status, its note), most weighty first,
    then the merges in one line."""
    if not decisions:
        return []
    per_idea: dict[int, list[Decision]] = {}
    for found in sorted(decisions, key=lambda x: (_weight(x), x.at)):
        if found.kind is not Decided.MERGED:
            per_idea.setdefault(found.number, []).append(found)
    lines = [_idea_decided(playbook, found) for found in list(per_idea.values())[:DECISIONS_SHOWN]]
    more = len(per_idea) - DECISIONS_SHOWN
    if more > 0:
        lines.append(f"and {plural(more, 'more idea')} decided on (`history <id>` tells each)")
    merges = [x for x in decisions if x.kind is Decided.MERGED]
    if merges:
        named = ", ".join(f"#{x.number} into #{x.into}" for x in merges[:MERGES_SHOWN])
        rest = len(merges) - MERGES_SHOWN
        lines.append(f"Merged: {named}" + (f" and {rest:,} more" if rest > 0 else ""))
    return [Heading("Decided this period"), Bullets(tuple(lines))]


def _idea_decided(playbook: Playbook, found: list[Decision]) -> str:
    parts = [_part(playbook, x) for x in sorted(found, key=lambda x: ORDER.index(x.kind))]
    return f"#{found[0].number} {clip(found[0].text, CLIP)} — {'; '.join(parts)}"


def decision_text(playbook: Playbook, found: Decision, chars: int = CLIP) -> str:
    """One decision in words (the digest's headline and the brief's): "#4 … — now agreed"."""
    if found.kind is Decided.MERGED:
        return f"#{found.number} merged into #{found.into}"
    return f"#{found.number} {clip(found.text, chars)} — {_part(playbook, found, chars)}"


def _part(playbook: Playbook, found: Decision, chars: int = CLIP) -> str:
    """What was decided about an idea, without the idea."""
    match found.kind:
        case Decided.ASSIGNED:
            return f"new action for {_assignment(playbook, found)}"
        case Decided.STATUS if found.status is not None:
            owner = f" (owner: {found.owner})" if found.owner else ""
            return f"now {found.status.value.replace('-', ' ')}{owner}"
        case Decided.STATUS:
            return f"new owner: {found.owner or 'none'}"
        case Decided.NOTE:
            return f"note “{clip(found.note or '', chars)}”"
    return f"merged into #{found.into}"


def _assignment(playbook: Playbook, found: Decision) -> str:
    actors = {a.key: a.name for a in playbook.actors}
    styles = {s.key: s.name for s in playbook.styles}
    stages = {s.key: s.name for s in playbook.stages}
    actor = actors.get(found.actor_key or "", found.actor_key or "")
    how = " · ".join(
        filter(None, [styles.get(found.style_key or ""), stages.get(found.stage_key or "")])
    )
    return f"{actor} ({how})" if how else actor


def _backed(playbook: Playbook, backed: tuple[Backed, ...]) -> list[Block]:
    if not backed:
        return []
    return [
        Heading("Backed across audiences"),
        Bullets(tuple(_backed_line(playbook, b) for b in backed)),
    ]


def _backed_line(playbook: Playbook, backed: Backed) -> str:
    audiences = {a.key: a.name.lower() for a in playbook.audiences}
    split = _shares(backed.idea.votes_by_audience, lambda k: audiences.get(k, k))
    return (
        f"#{backed.idea.number} {clip(backed.idea.text, CLIP)} — consensus "
        f"{consensus_text(backed.consensus)} ({split})"
    )


def _by_theme(playbook: Playbook, figures: DigestFigures) -> list[Block]:
    changed = [
        (theme, figures.themes[theme.key])
        for theme in playbook.themes_for(figures.themes)
        if figures.themes[theme.key].changed
    ]
    if not changed:
        return []
    blocks: list[Block] = [Heading("What changed by theme")]
    for theme, found in changed:
        blocks += _theme_news(theme, found)
    return blocks


def _theme_news(theme: Theme, figures: ThemeFigures) -> list[Block]:
    news = [plural(figures.new_ideas, "new idea")] if figures.new_ideas else []
    asked = [i + 1 for i in figures.challenges_posted if i < len(theme.challenges)]
    if asked:
        news.append(f"challenge{'s' if len(asked) > 1 else ''} {', '.join(map(str, asked))} asked")
    blocks: list[Block] = [Text(f"{theme.title}: {', '.join(news)}", Tone.STRONG)]
    if figures.newest:
        lines = [_idea_line(i) for i in figures.newest]
        more = figures.new_ideas - len(figures.newest)
        if more > 0:
            lines.append(f"and {more:,} more")
        blocks.append(Bullets(tuple(lines)))
    return blocks


def _idea_line(idea: DigestIdea) -> str:
    return f"#{idea.number} {clip(idea.text, CLIP)} ({plural(idea.votes, 'vote')})"


def _emerging(emerging: Sequence[tuple[Emerging, int]]) -> list[Block]:
    """The emerging themes with the most ideas tagged, in one line."""
    if not emerging:
        return []
    leading = sorted(emerging, key=lambda found: -found[1])[:EMERGING_SHOWN]
    counts = " · ".join(f"{e.name} {n:,}" for e, n in leading)
    rest = len(emerging) - len(leading)
    if rest:
        counts += f" · and {plural(rest, 'other')}"
    return [Text(f"Emerging themes (ideas tagged): {counts}", Tone.MUTED)]
