"""`howcanwe teams-package`: a zip Teams accepts, with this bot's id and icons of the right sizes."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import pytest

from bot.cli import main
from bot.core import grammar
from handlers.teams import package

APP_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"
LISTING = {
    "MICROSOFT_APP_ID": APP_ID,
    "HOWCANWE_PRIVACY_URL": "https://lab.example.org/privacy",
    "HOWCANWE_TERMS_URL": "https://lab.example.org/terms",
    "HOWCANWE_APP_NAME": "West Lab",
    "HOWCANWE_APP_DESCRIPTION": "Ideas for the West of England",
}


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_package_carries_the_bot_id_and_both_icons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, value in LISTING.items():
        monkeypatch.setenv(name, value)
    output = tmp_path / "teams.zip"

    assert main(["teams-package", "--output", str(output)]) == 0

    with zipfile.ZipFile(output) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        color, outline = archive.read("color.png"), archive.read("outline.png")
    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID
    assert manifest["bots"][0]["scopes"] == ["personal", "team", "groupChat"]
    assert manifest["developer"]["privacyUrl"] == "https://lab.example.org/privacy"
    assert manifest["developer"]["termsOfUseUrl"] == "https://lab.example.org/terms"
    assert manifest["name"]["short"] == manifest["developer"]["name"] == "West Lab"
    assert manifest["description"]["short"] == "Ideas for the West of England"
    assert _png_size(color) == (192, 192) and _png_size(outline) == (32, 32)


def test_without_an_app_id_it_says_what_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MICROSOFT_APP_ID", raising=False)

    assert main(["teams-package", "--output", str(tmp_path / "x.zip")]) == 2

    assert "MICROSOFT_APP_ID" in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()


def test_the_menu_offers_the_ten_commands_everyone_needs_and_no_organiser_command() -> None:
    commands = package.menu()

    assert [c["title"] for c in commands] == [
        "help",
        "themes",
        "idea",
        "ideas",
        "vote",
        "plan",
        "flag",
        "digest",
        "my data",
        "forget me",
    ]
    everyone = {
        form.syntax.split(" <")[0].split(" [")[0]: form
        for form in grammar.usable_forms(organiser=False)
    }
    for command in commands:
        form = everyone[command["title"]]  # a form a participant may use
        assert command["description"] == form.summary
        assert form.organisers is None


@pytest.mark.parametrize(
    ("unset", "named"),
    [
        ("HOWCANWE_PRIVACY_URL", "HOWCANWE_PRIVACY_URL"),
        ("HOWCANWE_TERMS_URL", "HOWCANWE_TERMS_URL"),
    ],
)
def test_without_privacy_and_terms_pages_it_says_what_to_set(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    unset: str,
    named: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, value in LISTING.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(unset)

    assert main(["teams-package", "--output", str(tmp_path / "x.zip")]) == 2

    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"howcanwe: {named}:")
    assert not (tmp_path / "x.zip").exists()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HOWCANWE_PRIVACY_URL", "http://lab.example.org/privacy"),
        ("HOWCANWE_TERMS_URL", "terms"),
        ("HOWCANWE_APP_NAME", "A name far longer than Teams shows"),
        ("HOWCANWE_APP_DESCRIPTION", "x" * 81),
    ],
)
def test_a_listing_teams_would_refuse_stops_at_start_naming_the_setting(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    value: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, value)

    assert main(["teams-package", "--output", str(tmp_path / "x.zip")]) == 2

    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"howcanwe: configuration error: {name}:")
