"""The day's steps in the console: every button has its command, and the cards name it."""

from __future__ import annotations

from handlers.console import listeners


def _chat(services, user: str = "olive", channel: str = "town") -> listeners.ConsoleChat:
    return listeners.ConsoleChat(services.engine, user, channel, "default")


async def test_a_day_in_the_console_names_the_command_for_every_button(services) -> None:
    olive, ann = _chat(services), _chat(services, "ann")
    out = "\n".join(await olive.say("/step evidence"))
    assert "This channel is now at “Explore the evidence”" in out
    assert "Or type `react university-income interesting|surprising|inspires [comment]`" in out
    out = "\n".join(await ann.say("/react university-income inspires Bath!"))
    assert out.startswith("(only you see this)") and "Inspires: 1 — Community 1" in out
    out = "\n".join(await ann.say("/hope A brand the world knows"))
    assert "Back it with the button or `back h1`." in out
    assert "(only you see this)\nYou back h1 now (1 backing it)." in await olive.say("/back h1")
    out = "\n".join(await olive.say("/synthesis"))
    assert "publish it with `synthesis publish`" in out and "A brand the world knows" in out
    out = "\n".join(await olive.say("/synthesis publish"))
    assert "Published to every channel of the programme and the web view." in out


async def test_bad_input_in_the_console_is_refused_and_changes_nothing(services) -> None:
    ann = _chat(services, "ann")
    assert await ann.say("/step plan all") == [
        "! Only organisers can move the agenda. Ask an organiser if you think it's needed."
    ]
    (refusal,) = await ann.say("/challenge infra")
    assert refusal.startswith("! A challenge needs its question")
    (refusal,) = await _chat(services).say("/step lunch")
    assert refusal.startswith("! There is no step called 'lunch'")
    assert (await services.engine.day("default")).challenges == ()
