"""Conversation in a prompt's thread is not an idea by accident; anything that says something is."""

from __future__ import annotations

import pytest

from bot.core.chatter import is_chatter


@pytest.mark.parametrize(
    "reply",
    [
        "Hi there! Thanks for sharing the info!",
        "Thanks!",
        "thank you so much 🙏",
        "Great idea",
        "+1",
        "👍👍",
        "I agree",
        "Agreed, well said",
        "Love this!",
        "Morning all",
    ],
)
def test_greetings_thanks_and_agreement_are_chatter(reply: str) -> None:
    assert is_chatter(reply)


@pytest.mark.parametrize(
    "idea",
    [
        "Trial UBI",
        "More bike lanes",
        "Great idea: free buses on Sundays",
        "Thanks to the council, build more homes",
        "Community hubs that offer business mentoring",
        "Hi-tech skills hub",
        "Idea 3",
        "+1 for night buses",
    ],
)
def test_anything_that_says_something_is_an_idea(idea: str) -> None:
    assert not is_chatter(idea)
