"""The house plan holds: storage split by role into small modules, and use cases that reach
storage only through the roles they name (never the whole Repository)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LONGEST_STORAGE_MODULE = 400  # lines: a module past this wants splitting by role


def test_no_storage_module_outgrows_one_room() -> None:
    sizes = {p.name: len(p.read_text().splitlines()) for p in (ROOT / "storage").glob("*.py")}
    assert {n: s for n, s in sizes.items() if s > LONGEST_STORAGE_MODULE} == {}


def test_use_cases_reach_storage_only_through_their_roles() -> None:
    core = [*(ROOT / "bot" / "core" / "usecases").glob("*.py"), ROOT / "bot" / "core" / "engine.py"]
    whole = [p.name for p in core if "Repository" in p.read_text() or ".repo." in p.read_text()]
    assert whole == []
