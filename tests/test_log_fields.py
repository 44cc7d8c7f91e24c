"""No log call's `extra` names a LogRecord attribute: logging would raise and break the turn."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESERVED = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


def _extra_keys(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg == "extra" and isinstance(keyword.value, ast.Dict):
                found += [
                    (node.lineno, key.value)
                    for key in keyword.value.keys
                    if isinstance(key, ast.Constant) and isinstance(key.value, str)
                ]
    return found


def test_no_extra_field_overwrites_a_log_record_attribute() -> None:
    clashes = [
        f"{path.relative_to(ROOT)}:{line} {key}"
        for package in ("bot", "handlers", "storage")
        for path in sorted((ROOT / package).rglob("*.py"))
        for line, key in _extra_keys(ast.parse(path.read_text()))
        if key in RESERVED
    ]
    assert clashes == []


def test_the_scan_sees_a_clash() -> None:
    call = ast.parse('log.info("x", extra={"name": "Alice", "user_name": "Alice"})')
    assert [key for _, key in _extra_keys(call) if key in RESERVED] == ["name"]
