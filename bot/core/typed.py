"""Every button as a typed command, for the console (which has no buttons) and for anyone who
would rather type: a card's buttons name the command that does the same thing."""

from __future__ import annotations

import re

from bot.core import curating_grammar, grammar, names, proposed
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
    Button,
    Select,
)
from bot.core.playbook import Playbook

# Commands whose words after the first are fixed phrases rather than free text.
PHRASES = (
    grammar.ShowData,
    grammar.Forget,
    grammar.Digest,
    grammar.OrganisersHere,
    curating_grammar.PlanByActor,
    curating_grammar.AddMine,
)
NUMBER_FIRST = re.compile(r"#?\d{1,9}\b")

_BY_ACTION = {
    VOTE: "vote {value}",
    VOTE_FOR: "vote {value}",
    ADD_ANYWAY: "add mine {value}",
    CONFIRM: "confirm {value}",
    ADD_IDEA: "idea <your idea>",
    SEE_IDEAS: "ideas {value}",
    POST_PROMPT: "prompt {value}",
    HIDE: "hide {value}",
    KEEP: "keep {value}",
    THEME_CONFIRM: "themes confirm {value}",
    THEME_DROP: "themes drop {value}",
}


def command_for(element: Button | Select) -> str | None:
    """The command line (without `/`) that does what the button or menu does; None for one
    the grammar has no words for."""
    if isinstance(element, Select):
        if element.action_id != ASSIGN or not element.options:
            return None
        number = element.options[0].value.partition(":")[0]
        return f"assign {number} <actor> [style] [stage]"
    if element.action_id == FORGET:
        return f"forget {element.value or 'me'} confirm"
    if element.action_id == PROPOSE:
        return f"propose {proposed.words(element.value)}"
    if element.action_id == CONFIRM_PROPOSAL:
        return f"assign {proposed.words(element.value)}"
    template = _BY_ACTION.get(element.action_id)
    return template.format(value=element.value) if template else None


def reads_as_command(text: str, playbook: Playbook) -> bool:
    """A plain line that is a command typed without its `/` ("vote 1", "plan", "prompt infra"),
    rather than an idea that happens to start with a command's word ("open more libraries")."""
    try:
        parsed = grammar.parse(text)
    except grammar.GrammarError:
        return False
    rest = text.strip().partition(" ")[2].strip()
    if not rest or isinstance(parsed, PHRASES) or NUMBER_FIRST.match(rest):
        return True
    try:
        names.resolve(rest, playbook.themes, "theme")
    except names.NoMatch:
        return False
    return True
