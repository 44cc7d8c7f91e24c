"""Signed links to the web view, and the settings that turn them on."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import ConfigError, Settings
from bot.core import playbook
from bot.core.links import Links
from bot.core.workshop import Workshop
from tests.conftest import FakeClock

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LINKS = Links("https://howcanwe.example.org", "a-secret-of-some-length", timedelta(days=30))


def test_a_signed_token_names_its_programme_until_it_expires() -> None:
    token = LINKS.sign("default", NOW)
    assert re.fullmatch(r"[a-z2-7]+\.[a-z2-7]+", token)  # nothing a chat's markup would touch
    assert LINKS.verify(token, NOW) == "default"
    assert LINKS.verify(token, NOW + timedelta(days=30) - timedelta(seconds=1)) == "default"
    assert LINKS.verify(token, NOW + timedelta(days=30)) is None


def test_any_programme_key_round_trips() -> None:
    for key in ("slack-T0123ABC", "a:b:c", "programme with spaces", "ü"):
        assert LINKS.verify(LINKS.sign(key, NOW), NOW) == key


def test_another_secret_or_a_changed_token_is_refused() -> None:
    token = LINKS.sign("default", NOW)
    rotated = Links(LINKS.public_url, "a-new-secret-after-rotation", LINKS.lifetime)
    assert rotated.verify(token, NOW) is None
    payload, mac = token.split(".")
    other = LINKS.sign("other", NOW).split(".")[0]
    assert LINKS.verify(f"{other}.{mac}", NOW) is None
    assert LINKS.verify(f"{payload}.{mac[:-2]}", NOW) is None


@pytest.mark.parametrize("junk", ["", ".", "abc", "abc.", ".abc", "!!!.###", "a.b.c", "ABC.DEF"])
def test_junk_is_refused_without_an_error(junk: str) -> None:
    assert LINKS.verify(junk, NOW) is None


def test_the_secret_stays_out_of_reprs() -> None:
    assert "a-secret" not in repr(LINKS)


def test_a_link_is_absolute_and_signed_for_the_page() -> None:
    url = LINKS.url("default", NOW, "/themes/inclusive-growth")
    assert url.startswith(
        "https://howcanwe.example.org/themes/inclusive-growth?programme=default&t="
    )
    token = url.rsplit("t=", 1)[1]
    assert LINKS.verify(token, NOW) == "default"


def test_plan_link_uses_the_workshops_clock_or_is_none_when_links_are_off() -> None:
    book = playbook.load_default()
    clock = FakeClock(NOW)
    off = Workshop.over(book, repo=None, clock=clock)  # type: ignore[arg-type]
    assert off.plan_link("default") is None
    on = Workshop.over(book, repo=None, clock=clock, links=LINKS)  # type: ignore[arg-type]
    link = on.plan_link("default")
    assert link is not None and link.startswith("https://howcanwe.example.org/plan?")
    clock.advance(days=31)
    assert LINKS.verify(link.rsplit("t=", 1)[1], clock.now()) is None


# ---- settings ----------------------------------------------------------------------------------


def test_links_need_both_the_public_url_and_the_dashboard_token() -> None:
    both = Settings.from_env(
        {
            "HOWCANWE_PUBLIC_URL": "https://howcanwe.example.org/",
            "HOWCANWE_DASHBOARD_TOKEN": "0123456789abcdef",
            "HOWCANWE_LINK_DAYS": "7",
        }
    ).web
    links = both.links()
    assert links is not None
    assert links.public_url == "https://howcanwe.example.org"
    assert links.lifetime == timedelta(days=7)
    token_only = Settings.from_env({"HOWCANWE_DASHBOARD_TOKEN": "0123456789abcdef"}).web
    assert token_only.links() is None and token_only.signer() is not None
    url_only = Settings.from_env({"HOWCANWE_PUBLIC_URL": "http://localhost:3978"}).web
    assert url_only.links() is None and url_only.signer() is None
    assert Settings.from_env({}).web.link_days == 30
    assert "0123456789abcdef" not in repr(both)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HOWCANWE_PUBLIC_URL", "howcanwe.example.org"),
        ("HOWCANWE_PUBLIC_URL", "ftp://howcanwe.example.org"),
        ("HOWCANWE_PUBLIC_URL", "https://howcanwe.example.org/?x=1"),
        ("HOWCANWE_DASHBOARD_TOKEN", "short"),
        ("HOWCANWE_LINK_DAYS", "0"),
        ("HOWCANWE_LINK_DAYS", "a month"),
        ("HOWCANWE_LINK_DAYS", "99999"),
    ],
)
def test_bad_web_settings_stop_start_up_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value})
