"""Executes features/cli.feature: the shared options, -o, usage errors and policy formats, in real cells."""

from __future__ import annotations

import json
from pathlib import Path

from pytest_bdd import given, parsers, scenarios, then, when

from tests.conftest import CellBuilder, Result, run_command

scenarios("cli.feature")


@given("a working directory beside the cell", target_fixture="work")
def _work(cell: CellBuilder, ctx: dict[str, object]) -> Path:
    work = cell.root.parent / "work"
    work.mkdir()
    ctx["ledger"] = (cell.root / "specs/spec_ledger.yaml").read_bytes()
    return work


@when(parsers.parse('I run "{command}" in the working directory'))
def _run_in_work(work: Path, ctx: dict[str, object], command: str) -> None:
    ctx["result"] = run_command(command, work)


def _result(ctx: dict[str, object]) -> Result:
    result = ctx["result"]
    assert isinstance(result, Result)
    return result


@then(parsers.parse('the working directory has the file "{rel}"'))
def _work_has(work: Path, rel: str, ctx: dict[str, object]) -> None:
    assert (work / rel).is_file(), _result(ctx).output


@then(parsers.parse('the cell has no file "{rel}"'))
def _cell_lacks(cell: CellBuilder, rel: str) -> None:
    assert not (cell.root / rel).exists()


@then("the cell's ledger is unchanged")
def _ledger_unchanged(cell: CellBuilder, ctx: dict[str, object]) -> None:
    assert (cell.root / "specs/spec_ledger.yaml").read_bytes() == ctx["ledger"]


@then(parsers.parse('the error output starts with "{text}"'))
def _stderr_starts(ctx: dict[str, object], text: str) -> None:
    result = _result(ctx)
    assert result.stdout == "" and result.stderr.startswith(text), result.output


@then(parsers.parse('the SARIF results name "{code}"'))
def _sarif_names(ctx: dict[str, object], code: str) -> None:
    doc = json.loads(_result(ctx).stdout)
    assert code in {r["ruleId"] for run in doc["runs"] for r in run["results"]}
