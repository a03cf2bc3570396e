"""Executes features/hostile.feature (hostile repositories, US-HOSTILE-001)."""

from __future__ import annotations

import os
from pathlib import Path

from pytest_bdd import given, parsers, scenarios, then

from tests.conftest import CellBuilder

scenarios("hostile.feature")


def _outside(cell: CellBuilder) -> Path:
    return cell.root.parent / "outside"


def _snapshot(top: Path) -> dict[str, tuple[str, bytes | str | None]]:
    out: dict[str, tuple[str, bytes | str | None]] = {}
    for dirpath, dirnames, files in os.walk(top):
        for name in [*dirnames, *files]:
            p = Path(dirpath) / name
            rel = p.relative_to(top).as_posix()
            out[rel] = ("link", os.readlink(p)) if p.is_symlink() else \
                ("file", p.read_bytes()) if p.is_file() else ("dir", None)
    return out


@given(parsers.parse('"{rel}" is a symlink to a directory outside the cell'))
def _link_outside(cell: CellBuilder, ctx: dict[str, object], rel: str) -> None:
    outside = _outside(cell)
    outside.mkdir(exist_ok=True)
    (outside / "precious.txt").write_text("keep me\n", encoding="utf-8")
    (cell.root / rel).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(os.path.relpath(outside, (cell.root / rel).parent), cell.root / rel)
    ctx["outside"] = _snapshot(outside)


@then("nothing outside the cell was changed")
def _outside_unchanged(cell: CellBuilder, ctx: dict[str, object]) -> None:
    assert _snapshot(_outside(cell)) == ctx["outside"]


@given(parsers.parse('"{rel}" is a symlink to "{target}"'))
def _link(cell: CellBuilder, rel: str, target: str) -> None:
    (cell.root / target).parent.mkdir(parents=True, exist_ok=True)
    if not (cell.root / target).exists():
        (cell.root / target).write_text("[core]\n", encoding="utf-8")
    (cell.root / rel).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(os.path.relpath(cell.root / target, (cell.root / rel).parent), cell.root / rel)


@given(parsers.parse('a file "{rel}" of {n:d} nested JSON arrays'))
def _nested_json(cell: CellBuilder, rel: str, n: int) -> None:
    cell.write(rel, "[" * n + "]" * n)


@given(parsers.parse('a ledger whose story ID is "{prefix}" and {n:d} more characters'), target_fixture="cell")
def _long_id(cell: CellBuilder, prefix: str, n: int) -> CellBuilder:
    cell.ledger(f"stories:\n  - id: {prefix}{'A' * n}\n    title: A story\n    requirements: []\n")
    return cell


@then(parsers.parse('the file "{rel}" contains "{text}"'))
def _file_contains(cell: CellBuilder, rel: str, text: str) -> None:
    content = (cell.root / rel).read_text(encoding="utf-8")
    assert text in content, content
