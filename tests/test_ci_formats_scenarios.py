"""Executes features/ci_formats.feature: ``govcell policy test`` in the CI formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from tests.conftest import CellBuilder, git, run_command
from tests.test_docs_recipes import fresh_cell
from tests.test_sarif_multitool import multitool_problems

scenarios("ci_formats.feature")


@given("a git repository initialised by govcell init, with a policy target that fails", target_fixture="cell")
def _initialised_failing(cell: CellBuilder) -> CellBuilder:
    root = fresh_cell(cell.root / "repo")
    with (root / ".llm/contextpack.yaml").open("a") as fh:
        fh.write("\nbogus_key: 1\n")  # the contextpack policy denies unknown top-level fields
    git(root, "add", "-A")
    return CellBuilder(root)


@when(parsers.parse('I run "{command}" with a job summary'))
def _run_with_summary(cell: CellBuilder, ctx: dict[str, object], command: str,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    summary = cell.root.parent / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    ctx["summary"] = summary
    ctx["result"] = run_command(command, cell.root)


@then(parsers.parse('the SARIF file "{rel}" has the automation id "{ident}" and a result "{code}"'))
def _sarif_run(cell: CellBuilder, rel: str, ident: str, code: str) -> None:
    run = json.loads((cell.root / rel).read_text())["runs"][0]
    assert run["automationDetails"]["id"] == ident
    assert code in {r["ruleId"] for r in run["results"]}


@then(parsers.parse('the SARIF multitool\'s GitHub rules accept "{rel}"'))
def _multitool_accepts(cell: CellBuilder, rel: str, tmp_path: Path) -> None:
    assert multitool_problems(cell.root / rel, tmp_path) == []


@then(parsers.parse('the job summary begins with "{text}"'))
def _summary(ctx: dict[str, object], text: str) -> None:
    summary = ctx["summary"]
    assert isinstance(summary, Path) and summary.read_text().startswith(text + "\n")


@then(parsers.parse('the file "{rel}" is a Code Quality report with an issue "{code}"'))
def _codeclimate(cell: CellBuilder, rel: str, code: str) -> None:
    issues = json.loads((cell.root / rel).read_text())
    assert code in {i["check_name"] for i in issues}
    assert all(i["type"] == "issue" and i["fingerprint"] and i["location"]["lines"]["begin"] >= 1 for i in issues)
