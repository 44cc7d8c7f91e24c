"""The codebase's own rules, checked with the suite: a neutral core, lint-clean, strictly typed.

The same checks run as pre-commit hooks (.pre-commit-config.yaml); each takes its settings from
pyproject.toml, so the hooks and the suite cannot check different things.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def test_the_core_imports_no_platform_sdk_database_web_or_scheduler() -> None:
    done = _run(str(BIN / "lint-imports"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "broken" not in done.stdout.replace("0 broken", "")


def test_ruff_finds_nothing() -> None:
    lint = _run(sys.executable, "-m", "ruff", "check", ".")
    assert lint.returncode == 0, lint.stdout
    formatted = _run(sys.executable, "-m", "ruff", "format", "--check", ".")
    assert formatted.returncode == 0, formatted.stdout


def test_bot_handlers_and_storage_type_check_strictly() -> None:
    done = _run(sys.executable, "-m", "mypy")  # strict, over pyproject's files
    assert done.returncode == 0, done.stdout
    assert "Success: no issues found" in done.stdout
