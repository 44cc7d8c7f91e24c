"""How moderation, an idea's history and a person's stored data look, as neutral cards."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from bot.core.cards import LIST_LIMIT, NAME_CHARS, clip, more_text, plural
from bot.core.domain import Flag, HistoryEntry, Idea, Participant, PersonalData
from bot.core.interaction import (
    FORGET,
    HIDE,
    KEEP,
    Actions,
    Bullets,
    Button,
    Card,
    Heading,
    Text,
    Tone,
)


def flag_card(idea: Idea, by: Participant, reason: str) -> Card:
    """For the organisers' channel: the flag, the idea, and what they can do about it."""
    return Card(
        f"{idea.label} was flagged by {by.name}: {reason}",
        (
            Text(idea.text),
            Actions(
                (
                    Button("Hide", HIDE, str(idea.number), primary=True),
                    Button("Keep", KEEP, str(idea.number)),
                )
            ),
        ),
    )


def flags_card(flags: Sequence[Flag]) -> Card:
    if not flags:
        return Card("Open flags", (Text("No open flags.", Tone.MUTED),))
    lines = [
        f"#{f.number} by {clip(f.by.name, NAME_CHARS)} ({when(f.flagged_at)}): {clip(f.reason)}"
        for f in flags[:LIST_LIMIT]
    ]
    if len(flags) > LIST_LIMIT:
        lines.append(
            more_text(len(flags) - LIST_LIMIT, "hide or keep these, then type `flags` again")
        )
    return Card(
        f"Open flags ({len(flags)})",
        (
            Bullets(tuple(lines)),
            Text("`hide <id>` hides an idea; the Keep button dismisses.", Tone.MUTED),
        ),
    )


def history_card(number: int, entries: Sequence[HistoryEntry]) -> Card:
    """An idea's latest recorded changes, oldest first, with who and when."""
    shown = entries[-LIST_LIMIT:]
    lines = tuple(clip(f"{when(e.at)} · {e.who} · {e.action}{_detail(e.detail)}") for e in shown)
    earlier = len(entries) - len(shown)
    note = (Text(f"{plural(earlier, 'earlier change')} not shown.", Tone.MUTED),) if earlier else ()
    return Card(f"History of #{number}", (*note, Bullets(lines)))


def _detail(detail: dict[str, object]) -> str:
    shown = ", ".join(f"{k} {v}" for k, v in detail.items() if v not in (None, ""))
    return f" ({shown})" if shown else ""


def when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def data_card(data: PersonalData, yours: bool) -> Card:
    """Everything stored about a person: readable lists, then the same as JSON."""
    who = data.participant
    ideas = tuple(f"#{i['id']} ({i['theme']}, {i['created_at']}): {i['text']}" for i in data.ideas)
    votes = tuple(f"#{v['idea']} ({v['audience']}, {v['cast_at']})" for v in data.votes)
    flags = tuple(f"#{f['idea']} ({f['flagged_at']}): {f['reason'] or '—'}" for f in data.flags)
    day = tuple(_day_line(d) for d in data.day)
    said = tuple(
        f"#{p['idea']} ({p['proposed_at']}): "
        + " · ".join(str(p[k]) for k in ("actor", "style", "stage") if p[k])
        for p in data.proposals
    )
    record = {
        "participant": {"platform": who.platform, "user_id": who.user_id, "name": who.name},
        "ideas": list(data.ideas),
        "votes": list(data.votes),
        "flags": list(data.flags),
        "day": list(data.day),
        "proposals": list(data.proposals),
        "nudges": data.nudges,
    }
    return Card(
        "Everything stored about you" if yours else f"Everything stored about {who.key}",
        (
            Text(f"Name: {who.name} · id: {who.key}"),
            *_section(f"Ideas ({len(ideas)})", ideas),
            *_section(f"Votes ({len(votes)})", votes),
            *_section(f"Flags ({len(flags)})", flags),
            *_section(f"The day's steps ({len(day)})", day),
            *_section(f"Actor proposals ({len(said)})", said),
            *_section("Nudges", _nudge_lines(data.nudges)),
            Heading("As JSON"),
            Text(json.dumps(record, ensure_ascii=False, indent=1)),
        ),
    )


def _nudge_lines(nudges: dict[str, bool] | None) -> tuple[str, ...]:
    """`mute me`, `notify me` and the 1:1 chat kept to reach the person, when any was set."""
    if nudges is None:
        return ()
    return (
        "muted (`mute me`): " + ("yes" if nudges["muted"] else "no"),
        "told about ideas you voted for (`notify me`): " + ("yes" if nudges["notified"] else "no"),
        "a 1:1 chat with the bot kept to reach you: " + ("yes" if nudges["personal"] else "no"),
    )


def _day_line(entry: dict[str, object]) -> str:
    """A hope, risk or challenge written, a backing or an evidence reaction, as one line."""
    match entry.get("kind"):
        case "backing":
            return f"backed {entry['of']} ({entry['at']})"
        case "reaction":
            comment = f": {entry['comment']}" if entry.get("comment") else ""
            return f"{entry['reaction']} on {entry['evidence']} ({entry['at']}){comment}"
    return f"{entry['id']} ({entry['kind']}, {entry['at']}): {entry['text']}"


def _section(title: str, lines: tuple[str, ...]) -> tuple[Heading, Bullets | Text]:
    return Heading(title), Bullets(lines) if lines else Text("None.", Tone.MUTED)


def forget_card(user_key: str, yours: bool) -> Card:
    """The warning before forgetting, with the one button that does it."""
    whose = "your" if yours else f"{user_key}'s"
    typed = "forget me" if yours else f"forget {user_key}"
    return Card(
        "Forget you?" if yours else f"Forget {user_key}?",
        (
            Text(
                f"This deletes {whose} ideas (with the votes they received, merged or assigned "
                f"ones too), keeps {whose} votes only as anonymous totals, erases {whose} flags' "
                "reasons and replaces the name and id with an unlinkable one. It cannot be undone. "
                f"Press the button, or type `{typed} confirm`."
            ),
            Actions(
                (
                    Button(
                        "Forget me" if yours else f"Forget {user_key}",
                        FORGET,
                        "" if yours else user_key,
                    ),
                )
            ),
        ),
    )
