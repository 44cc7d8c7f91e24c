"""Organisers named by the operator (HOWCANWE_ORGANISERS): each in one programme, or, said
explicitly, in every programme."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

PLATFORMS = ("slack", "teams", "console")
EVERY = "*"  # `*/slack:U123`: an organiser in every programme

# A Slack workspace's (or org's) programme in OAuth mode, by team or enterprise id: its own,
# `slack-<id>`, unless the composition root says it is pooled into another.
SlackProgramme = Callable[[str], str]


def own_programme(owner: str) -> str:
    return f"slack-{owner}"


class BadEntry(ValueError):
    """An entry that names no organiser; the message says what it should look like."""


def entry(text: str, slack_programme: SlackProgramme = own_programme) -> tuple[str | None, str]:
    """One entry → (programme key, `platform:user_id`); None for the default programme.

    `slack:U456` is an organiser of the default programme (HOWCANWE_PROGRAMME, the one a single
    Slack workspace, Teams and the console share); `slack:T123:U456` of Slack workspace T123's
    (or org E123's) programme; `KEY/platform:user_id` of programme KEY; `*/platform:user_id`
    of every programme. Teams ids hold colons (`teams:29:1AbC`), so only Slack has the team form."""
    scope, slash, rest = text.partition("/")
    if slash and ":" not in scope:  # a user id may hold a slash; a programme key no colon
        if not scope or not rest:
            raise BadEntry(f"{text!r} should be programme/platform:user_id, e.g. */slack:U123")
        return scope, user_key(rest, text)
    platform, _, user_id = text.partition(":")
    team, colon, slack_user = user_id.partition(":")
    if platform == "slack" and colon:
        if not team or not slack_user:
            raise BadEntry(f"{text!r} should be slack:TEAM_ID:USER_ID, e.g. slack:T123:U456")
        return slack_programme(team), f"slack:{slack_user}"
    return None, user_key(text, text)


def user_key(key: str, typed: str) -> str:
    """`key` if it is `platform:user_id` on a known platform; else a BadEntry about `typed`."""
    platform, colon, user_id = key.partition(":")
    if not colon or platform not in PLATFORMS or not user_id or any(c.isspace() for c in key):
        raise BadEntry(
            f"{typed!r} should be platform:user_id with platform one of {', '.join(PLATFORMS)} "
            "(e.g. slack:U123ABC)"
        )
    return key


@dataclass(frozen=True, slots=True)
class NamedOrganisers:
    """Who organises which programme, as the operator configured it (chat adds more)."""

    grants: frozenset[tuple[str, str]] = frozenset()  # (programme key or EVERY, platform:user_id)

    @classmethod
    def from_entries(
        cls,
        entries: Iterable[str],
        default_programme: str,
        slack_programme: SlackProgramme = own_programme,
    ) -> NamedOrganisers:
        grants = set()
        for text in entries:
            programme, key = entry(text, slack_programme)
            grants.add((programme or default_programme, key))
        return cls(frozenset(grants))

    def of(self, programme: str) -> frozenset[str]:
        """`platform:user_id` keys of the organisers named for `programme`."""
        return frozenset(key for scope, key in self.grants if scope in (programme, EVERY))
