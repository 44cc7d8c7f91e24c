"""Replies in a prompt's thread that are conversation, not ideas: a greeting, a thanks, a "+1".

The rule is deliberately narrow and predictable: a reply is chatter only when every word in it
is one of a few words of greeting, thanks or agreement (or it has no words at all, just emoji or
"+1"). Anything that says something, however short ("Trial UBI"), is an idea.
"""

from __future__ import annotations

import re

CHATTER_WORDS = frozenset(
    [
        "hi",
        "hello",
        "hey",
        "hiya",
        "morning",
        "afternoon",
        "evening",
        "there",
        "all",
        "everyone",
        "everybody",
        "folks",
        "team",
        "thanks",
        "thank",
        "thx",
        "ty",
        "cheers",
        "you",
        "so",
        "much",
        "very",
        "many",
        "lots",
        "for",
        "sharing",
        "the",
        "this",
        "that",
        "info",
        "great",
        "good",
        "nice",
        "cool",
        "awesome",
        "brilliant",
        "excellent",
        "lovely",
        "wonderful",
        "love",
        "it",
        "idea",
        "ideas",
        "point",
        "agree",
        "agreed",
        "i",
        "me",
        "too",
        "same",
        "yes",
        "yeah",
        "yep",
        "ok",
        "okay",
        "sure",
        "indeed",
        "absolutely",
        "exactly",
        "totally",
        "lol",
        "haha",
        "welcome",
        "well",
        "said",
        "done",
        "noted",
        "see",
        "seen",
    ]
)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")  # letters and digits: "Idea 3" says something
_PLUS_ONE = re.compile(r"(?<![\w+])\+1\b")


def is_chatter(text: str) -> bool:
    """Whether a thread reply reads as conversation rather than as an idea."""
    words = [w.lower() for w in _WORD.findall(_PLUS_ONE.sub(" ", text))]
    return all(w in CHATTER_WORDS for w in words)
