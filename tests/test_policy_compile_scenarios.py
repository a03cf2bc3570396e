"""Executes features/policy_compile.feature (the compile check of the policy story)."""

from __future__ import annotations

import shutil
from pathlib import Path

from pytest_bdd import given, parsers, scenarios, then

from tests.conftest import CellBuilder, Result

scenarios("policy_compile.feature")


@given("the Rust template's policy directory", target_fixture="cell")
def _template_policies(cell: CellBuilder, reference_cell: Path) -> CellBuilder:
    """The reference cell's policy/ (its rules and fixtures), copied into the cell; skipped without ../shared/."""
    shutil.copytree(reference_cell / "policy", cell.root / "policy")
    return cell


@then(parsers.parse('the output contains "{text}" {times}'))
def _output_contains_times(ctx: dict[str, object], text: str, times: str) -> None:
    result = ctx["result"]
    assert isinstance(result, Result)
    want = {"once": 1, "twice": 2}[times]
    times = result.output.count(text)
    assert times == want, f"{text!r} {times} times, not {want}:\n{result.output}"
