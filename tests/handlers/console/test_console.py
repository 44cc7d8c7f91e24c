"""The console edge: commands after `/`, thread replies after a prompt, safe terminal output."""

from __future__ import annotations

import io
from collections.abc import Iterator

from handlers.console import listeners
from handlers.console.codec import clean


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
