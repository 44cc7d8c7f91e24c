"""Every platform package keeps one floor plan: the same module for the same role, and only the
core's port is called Notifier (see docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

HANDLERS = Path(__file__).resolve().parents[2] / "handlers"
ROLES = {"mount", "listeners", "origin", "codec", "delivery", "notifier"}
PLATFORMS = ("slack", "teams")


def test_each_platform_package_has_a_module_for_every_role() -> None:
    missing = {
        platform: ROLES - {p.stem for p in (HANDLERS / platform).glob("*.py")}
        for platform in PLATFORMS
    }
    assert missing == {platform: set() for platform in PLATFORMS}


def test_only_notifier_modules_define_notifiers_and_none_is_called_plain_notifier() -> None:
    found = {
        (path.relative_to(HANDLERS).as_posix(), node.name)
        for path in HANDLERS.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ClassDef) and node.name.endswith("Notifier")
    }
    assert found == {
        ("slack/notifier.py", "SlackNotifier"),
        ("teams/notifier.py", "TeamsNotifier"),
        ("console/notifier.py", "ConsoleNotifier"),
    }
