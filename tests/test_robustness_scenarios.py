"""Executes features/robustness.feature (benchmarks and robustness, US-PERF-001)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from pytest_bdd import given, parsers, scenarios, then, when

from tests.conftest import CellBuilder, run_command

scenarios("robustness.feature")

BENCH = Path(__file__).resolve().parent.parent / "bench"


@given(parsers.parse("a synthetic benchmark cell of {stories:d} stories"), target_fixture="cell")
def _synthetic(cell: CellBuilder, stories: int) -> CellBuilder:
    sys.path.insert(0, str(BENCH))
    from gen_cell import generate

    generate(cell.root, stories=stories)
    return cell


@given(parsers.parse('the feature file "{rel}" is a symlink to "{target}"'))
def _symlink(cell: CellBuilder, rel: str, target: str) -> None:
    (cell.root / rel).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, cell.root / rel)


@when(parsers.parse('I run "{command}" twice and once in a copy at another path'))
def _thrice(cell: CellBuilder, ctx: dict[str, object], command: str, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere" / "renamed-cell"
    shutil.copytree(cell.root, other, symlinks=True)
    ctx["outputs"] = [run_command(command, cell.root), run_command(command, cell.root), run_command(command, other)]


@then("the three outputs are byte-identical")
def _identical(ctx: dict[str, object]) -> None:
    outputs = ctx["outputs"]
    assert isinstance(outputs, list)
    first = outputs[0]
    assert first.stdout and "Traceback" not in first.output
    assert all(o.stdout == first.stdout and o.code == first.code for o in outputs)
