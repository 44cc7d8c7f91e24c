"""Console parity: threads from the database, a command for every button, and a command typed
without its `/` caught rather than added as an idea."""

from __future__ import annotations

from bot.core import grammar, interaction
from bot.core.interaction import Button, Option, Select
from bot.core.typed import command_for
from handlers.console import listeners


def _chat(services, user: str = "olive", channel: str = "town") -> listeners.ConsoleChat:
    return listeners.ConsoleChat(services.engine, user, channel, "default")


async def test_any_session_replies_to_a_prompt_another_session_posted(services) -> None:
    await _chat(services).say("/prompt inclusive")
    ann = _chat(services, "ann")  # a separate `howcanwe chat`, started after the prompt
    out = "\n".join(await ann.say("Community hubs for makers"))
    assert out.startswith("#1 · Inclusive growth")
    assert "Challenge: 1. Create an environment where we co-create solutions" in out
    (idea,) = await services.repo.ideas("default")
    assert (idea.author.user_id, idea.challenge, idea.prompt_id is not None) == ("ann", 0, True)
    await _chat(services).say("/prompt infra")
    assert "#2 · Investing in infrastructure" in "\n".join(await ann.say("More buses at night"))


async def test_two_sessions_posting_prompts_do_not_collide(services) -> None:
    olive, other = _chat(services), _chat(services, channel="hall")
    await olive.say("/prompt inclusive")
    await other.say("/prompt infra")  # its card's message id is new, not the other's "m1"
    assert "#1 · Inclusive growth" in "\n".join(await olive.say("Hubs in every library"))
    assert "#2 · Investing in infrastructure" in "\n".join(await other.say("Night buses"))


async def test_a_command_typed_without_a_slash_is_caught_not_added(services) -> None:
    olive = _chat(services)
    await olive.say("/prompt inclusive")
    await olive.say("Community hubs")
    for line, shown in (("vote 1", "vote 1"), ("plan", "plan"), ("prompt infra", "prompt infra")):
        assert await olive.say(line) == [
            f"Did you mean /{shown}? Commands start with /; nothing was added. "
            f"To add this line as an idea, type /idea {shown}"
        ]
    assert len(await services.repo.ideas("default")) == 1
    (idea,) = await services.repo.ideas("default")
    assert idea.votes == 0
    # A line that merely starts with a command's word is an idea.
    assert "#2" in "\n".join(await olive.say("open the libraries on Sundays"))


async def test_near_duplicate_add_mine_anyway_works_in_the_console(services) -> None:
    olive, ann = _chat(services), _chat(services, "ann")
    await olive.say("/prompt inclusive")
    await olive.say("Create community hubs that offer business mentoring")
    (held,) = await ann.say("Create community hubs offering business mentoring")
    assert held.startswith("(only you see this)\nThis looks like #1")
    assert "  Vote for #1 instead → /vote 1" in held
    assert "Press" not in held
    typed = next(line for line in held.splitlines() if "Add mine anyway → /add mine" in line)
    command = typed.split("→ ", 1)[1]
    (added,) = await ann.say(command)
    assert added.startswith("#2 · Inclusive growth")
    assert [i.number for i in await services.repo.ideas("default")] == [1, 2]
    (again,) = await ann.say(command)
    assert again == "! That idea has already been added, or was someone else's to add."


async def test_idea_cards_name_their_buttons_as_commands(services) -> None:
    olive = _chat(services)
    prompt = "\n".join(await olive.say("/prompt inclusive"))
    assert "  Add an idea → /idea <your idea>" in prompt
    assert "  See ideas → /ideas inclusive-growth" in prompt
    card = "\n".join(await olive.say("Community hubs"))
    assert "  Vote (0) → /vote 1" in card
    assert "  Assign actor… → /assign 1 <actor> [style] [stage]" in card
    confirm = next(line for line in card.splitlines() if "Confirm:" in line)
    assert confirm.endswith("→ /confirm 1")
    assert card.count("→ /assign 1") == 1  # the three menus are one command
    done, said = await olive.say("/confirm 1")
    assert done.startswith("↻ #1 · Inclusive growth")
    assert said.startswith("#1 is now ")


def test_every_button_action_has_a_command_the_grammar_reads() -> None:
    actions = {
        value
        for name, value in vars(interaction).items()
        if name.isupper() and isinstance(value, str) and "." in value
    }
    for action in actions:
        if action == interaction.ASSIGN:
            element: Button | Select = Select(action, "Assign…", (Option("A", "4:actor:x"),))
        elif action in (interaction.PROPOSE, interaction.CONFIRM_PROPOSAL):
            element = Button("Label", action, "4:authority:funder:")
        else:
            element = Button("Label", action, "4")
        command = command_for(element)
        assert command is not None, action
        typed = command.replace("<your idea>", "More buses").replace(
            "<actor> [style] [stage]", "authority"
        )
        grammar.parse(typed)  # raises if the grammar cannot read it
