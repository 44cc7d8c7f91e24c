"""`howcanwe teams-package`: a zip Teams accepts, with this bot's id and icons of the right sizes."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import pytest

from bot.cli import main

APP_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_package_carries_the_bot_id_and_both_icons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MICROSOFT_APP_ID", APP_ID)
    output = tmp_path / "teams.zip"

    assert main(["teams-package", "--output", str(output)]) == 0

    with zipfile.ZipFile(output) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        color, outline = archive.read("color.png"), archive.read("outline.png")
    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID
    assert manifest["bots"][0]["scopes"] == ["personal", "team", "groupChat"]
    commands = manifest["bots"][0]["commandLists"][0]["commands"]
    assert 0 < len(commands) <= 10 and commands[0]["title"] == "help"
    assert len(manifest["description"]["short"]) <= 80
    assert _png_size(color) == (192, 192) and _png_size(outline) == (32, 32)


def test_without_an_app_id_it_says_what_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MICROSOFT_APP_ID", raising=False)

    assert main(["teams-package", "--output", str(tmp_path / "x.zip")]) == 2

    assert "MICROSOFT_APP_ID" in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()
