"""The console edge: commands after `/`, thread replies after a prompt, safe terminal output."""

from __future__ import annotations

import io
from collections.abc import Iterator

from bot.core.domain import ConversationRef
from bot.core.nudges import NewNudge, NudgeKind
from bot.core.usecases import reminders
from handlers.console import listeners
from handlers.console.codec import clean
from handlers.console.notifier import ConsoleNotifier


def _chat(services, user: str = "olive", channel: str = "town") -> listeners.ConsoleChat:
    return listeners.ConsoleChat(services.engine, user, channel, "default")


async def test_plain_lines_reply_to_the_latest_prompt_in_this_channel(services) -> None:
    olive = _chat(services)
    assert await olive.say("/howcanwe prompt inclusive") != []
    out = "\n".join(await olive.say("Community hubs"))
    assert out.startswith("#1 · Inclusive growth")
    await olive.say("/prompt infra")
    out = "\n".join(await olive.say("More buses"))
    assert out.startswith("#2 · Investing in infrastructure")


async def test_a_channel_has_no_thread_until_a_prompt_is_posted_there(services):
    ann = _chat(services, "ann")
    assert await ann.say("Community hubs") == [
        "(No prompt to reply to yet. Commands start with /, e.g. /help.)"
    ]
    await _chat(services, channel="elsewhere").say("/prompt inclusive")
    assert await ann.say("Community hubs") == [
        "(No prompt to reply to yet. Commands start with /, e.g. /help.)"
    ]
    assert await services.repo.ideas("default") == []


async def test_private_replies_and_refusals_are_marked(services) -> None:
    ann = _chat(services, "ann")
    (help_text,) = await ann.say("/help")
    assert help_text.startswith("(only you see this)")
    (refusal,) = await ann.say("/prompt infra")
    assert (
        refusal == "! Only organisers can post prompts. Ask an organiser if you think it's needed."
    )


async def test_typed_escape_sequences_never_reach_the_terminal(services) -> None:
    olive = _chat(services)
    await olive.say("/prompt inclusive")
    out = "\n".join(await olive.say("red \x1b[31malert\x1b[0m bell\x07"))
    assert "\x1b" not in out and "\x07" not in out
    assert "red �[31malert�[0m bell�" in out
    ideas = await services.repo.ideas("default")
    assert ideas[0].text == "red \x1b[31malert\x1b[0m bell\x07"  # stored exactly as typed


def test_clean_keeps_newlines_tabs_and_every_script() -> None:
    assert clean("a\tb\nc — 自転車 🚲") == "a\tb\nc — 自転車 🚲"


async def test_run_stops_at_quit_and_prints_each_reply(services) -> None:
    lines: Iterator[str] = iter(["/themes\n", "/quit\n", "/help\n"])

    async def read() -> str | None:
        return next(lines, None)

    out = io.StringIO()
    await listeners.run(_chat(services), read, out, interactive=False)
    assert "Themes — Local Industrial Strategy Lab" in out.getvalue()
    assert "`help`" not in out.getvalue()


async def test_the_console_prints_reminders_and_notes_for_its_channels_only(
    services, clock
) -> None:
    """The console's own clock sends only console nudges, printed for the person at the
    terminal: a reminder once, a muted channel skipped, "you said, we did" after quiet hours."""
    out = io.StringIO()
    workshop = services.engine.workshop
    workshop.notifier = ConsoleNotifier(out)
    olive, hall = _chat(services), _chat(services, channel="hall")
    await olive.say("/prompt infra")
    await olive.say("More buses at night")
    await hall.say("/prompt infra")
    await hall.say("/mute")
    await olive.say("/assign 1 authority")
    (scheduled,) = await olive.say("/close infra at 17:00")
    assert "closes Mon 2 Mar 17:00" in scheduled
    await services.repo.queue_nudges(
        [
            NewNudge(
                "default",
                "elsewhere",
                NudgeKind.YOU_SAID,
                ConversationRef("slack", "T1", "C1"),
                "For Slack",
                "not the console's",
                clock.now(),
            )
        ]
    )
    clock.advance(hours=7)
    assert await reminders.send_due(workshop, frozenset({listeners.PLATFORM})) == 2
    assert await reminders.send_due(workshop, frozenset({listeners.PLATFORM})) == 0
    printed = out.getvalue()
    assert printed.startswith("[town] Reminder: Investing in infrastructure\n")
    # olive added an idea and has votes left: told directly too, once
    assert printed.count("[to you, olive] Reminder: Investing in infrastructure\n") == 1
    assert "and you have votes left there" in printed
    assert "[hall]" not in printed and "For Slack" not in printed

    clock.advance(hours=6)  # 22:00: quiet hours
    await olive.say("/action 1 done")
    assert await reminders.send_due(workshop, frozenset({listeners.PLATFORM})) == 0
    clock.advance(hours=10)
    assert await reminders.send_due(workshop, frozenset({listeners.PLATFORM})) == 1
    assert "[town] You said, we did\nYou said: “More buses at night”. We did: #1 is done." in (
        out.getvalue()
    )
    assert [n.text for n in await services.repo.claim_nudges(clock.now(), 10)] == [
        "not the console's"
    ]  # left for the clock process


async def test_the_console_person_is_told_directly_unless_they_muted(services, clock) -> None:
    """`/notify me` brings "you said, we did" to the person at the terminal; `/mute me` stops
    every nudge to them while the channel's still print."""
    out = io.StringIO()
    workshop = services.engine.workshop
    workshop.notifier = ConsoleNotifier(out)
    olive, bea = _chat(services), _chat(services, user="bea")
    await olive.say("/prompt infra")
    await olive.say("More buses at night")
    await bea.say("/vote 1")
    (opted,) = await bea.say("/notify me")
    assert "I'll message you" in opted
    await olive.say("/assign 1 authority")
    await olive.say("/action 1 agreed")
    assert await reminders.send_due(workshop, frozenset({listeners.PLATFORM})) == 2
    assert "[to you, bea] An idea you voted for moved on\n" in out.getvalue()
    (muted,) = await bea.say("/mute me")
    assert "won't send you reminders" in muted
    await olive.say("/action 1 done")
    assert await reminders.send_due(workshop, frozenset({listeners.PLATFORM})) == 1
    assert out.getvalue().count("[to you, bea]") == 1 and "#1 is done" in out.getvalue()


async def test_themes_emerging_in_the_console_proposes_then_a_new_idea_joins(services) -> None:
    olive = _chat(services)
    await olive.say("/prompt inclusive")
    for text in (
        "Affordable homes for key workers near the new business parks",
        "Build social housing on empty brownfield sites owned by the council",
        "Community land trusts so local people can own homes they can afford",
    ):
        await olive.say(text)
    out = "\n".join(await olive.say("/themes emerging"))
    stored = await services.repo.proposed_themes("default")
    ref = next(p for p in stored if p.emerging_key is None and 1 in p.numbers).ref
    assert out.startswith("(only you see this)") and f"{ref} · new: " in out
    assert f"Confirm {ref} → /themes confirm {ref}" in out and f"Drop {ref} → /themes drop" in out
    await olive.say(f"/themes rename {ref} Homes people can afford")
    confirmed = "\n".join(await olive.say(f"/themes confirm {ref}"))
    assert f"Emerging theme “Homes people can afford” confirmed ({ref}): #1" in confirmed
    joined = "\n".join(await olive.say("Cheaper rented homes and houses for young families"))
    assert "#4 joined emerging theme “Homes people can afford”" in joined
