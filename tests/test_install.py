"""What a fresh install and a buildpack read: the locks pin every dependency within its range,
requirements.txt installs the locks and the project, and the licence and changelog are there."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text(encoding="utf-8")
    found = re.findall(r"^([A-Za-z0-9._-]+)==([^\s;]+)", text, re.MULTILINE)
    return {canonicalize_name(name): pinned for name, pinned in found}


def project() -> dict[str, object]:
    loaded: dict[str, object] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return loaded


def test_every_dependency_is_pinned_in_the_locks_within_its_range() -> None:
    runtime = [Requirement(text) for text in project()["dependencies"]]  # type: ignore[attr-defined]
    dev = [Requirement(text) for text in project()["optional-dependencies"]["dev"]]  # type: ignore[index]
    for lock, wanted in (("requirements.lock", runtime), ("requirements-dev.lock", runtime + dev)):
        pinned = pins(lock)
        for requirement in wanted:
            name = canonicalize_name(requirement.name)
            assert name in pinned, f"{lock} lacks {name}: refresh the locks (README)"
            assert requirement.specifier.contains(pinned[name], prereleases=True), (lock, name)


def test_the_runtime_lock_holds_no_test_tools() -> None:
    assert {"pytest", "ruff", "mypy", "playwright"}.isdisjoint(pins("requirements.lock"))


def test_the_buildpack_installs_the_locked_dependencies_and_the_project() -> None:
    lines = [
        line
        for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert lines == ["-r requirements.lock", "."]
    assert (ROOT / ".python-version").read_text().strip() == "3.11"


def test_the_licence_is_the_one_pyproject_names() -> None:
    assert project()["license"] == "MIT"
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "howcanwe contributors" in licence


def test_the_changelog_has_an_unreleased_section_and_this_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog
    assert f"## [{version('howcanwe')}] - " in changelog
