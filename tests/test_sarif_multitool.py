"""govcell's SARIF passes the SARIF multitool's GitHub code-scanning rules, not just the schema.

The multitool (npm ``@microsoft/sarif-multitool``, its per-OS build fetched by ``make
install-test`` into .venv/share/govcell-test/) runs ``validate --rule-kind Gh;Sarif``: the
ingestion rules of GitHub code scanning (GH1001…) and SARIF's own authoring rules (SARIF1001…,
SARIF2001…). Its verdict is a SARIF log of its own; every result in it is a problem of ours.
It runs offline on files the tests write.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from govcell.diagnostics import Severity, apply_policy, diag
from govcell.report.findings import sarif
from tests.conftest import REPO_ROOT, git, init_git, run_command

MULTITOOL = Path(os.environ.get("GOVCELL_SARIF_MULTITOOL") or
                 REPO_ROOT / ".venv/share/govcell-test/sarif-multitool/Sarif.Multitool")


def multitool_problems(log: Path, tmp_path: Path) -> list[str]:
    """Every rule the multitool says ``log`` breaks, as ``RULE level: message arguments``."""
    if not MULTITOOL.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"SARIF multitool missing at {MULTITOOL}: `make install-test` fetches it")
        pytest.skip("SARIF multitool not fetched (run `make install-test`)")
    out = tmp_path / f"{log.stem}.multitool.sarif"
    env = {**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1",
           # a machine without ICU still runs it (messages are ASCII)
           "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1"}
    proc = subprocess.run([str(MULTITOOL), "validate", "--rule-kind", "Gh;Sarif", "-o", str(out), str(log)],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 0 and out.is_file(), proc.stdout + proc.stderr
    verdict = json.loads(out.read_text(encoding="utf-8-sig"))
    problems = []
    for run in verdict["runs"]:
        rules = {r["id"]: r for r in run["tool"]["driver"].get("rules", [])}
        for res in run.get("results", []):
            rule = rules.get(res["ruleId"], {})
            template = rule.get("messageStrings", {}).get(res["message"].get("id", ""), {}).get("text", "")
            problems.append(f"{res['ruleId']} {rule.get('name', '')} {res.get('level', 'warning')}: "
                            f"{template} {res['message'].get('arguments', [])}")
    return problems


def _check_sarif(root: Path, tmp_path: Path, name: str) -> tuple[Path, dict]:
    log = tmp_path / f"{name}.sarif"
    result = run_command(["govcell", "check", "--format", "sarif", "-o", str(log)], root)
    assert "Traceback" not in result.output, result.output
    return log, json.loads(log.read_text())


def test_the_multitool_flags_what_github_refuses(tmp_path: Path) -> None:
    """The oracle works: a rule without descriptions and a result without region are reported."""
    bad = tmp_path / "bad.sarif"
    bad.write_text(json.dumps({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x", "rules": [{"id": "a"}]}},
                   "results": [{"ruleId": "a", "message": {"text": "m"},
                                "locations": [{"physicalLocation": {"artifactLocation": {"uri": "f"}}}]}]}]}))
    problems = multitool_problems(bad, tmp_path)
    assert any(p.startswith("GH") for p in problems) and any(p.startswith("SARIF") for p in problems), problems


@pytest.mark.ac("AC-ADOPT-070")
def test_sarif_of_every_finding_code_passes_github_rules(tmp_path: Path) -> None:
    """One finding of every code in the catalogue, every severity, file-level and positioned,
    paths that need percent-encoding: one rule each, all accepted."""
    from govcell.report.catalogue import load

    severities = [Severity.ERROR, Severity.WARNING, Severity.INFO]
    found = apply_policy([
        diag(code, f"finding {i} of {code}: 'quoted' <b>text</b> 100%", f"dir {i % 3}/file#{i}.yaml",
             (i % 4) * 7, (i % 5), severity=severities[i % 3], hint="the fix" if i % 2 else None)
        for i, code in enumerate([*sorted(load()), "plugin.not-in-the-catalogue"])
    ])
    log = tmp_path / "every-code.sarif"
    log.write_text(sarif(found))
    assert len(json.loads(log.read_text())["runs"][0]["tool"]["driver"]["rules"]) == len(load()) + 1
    assert multitool_problems(log, tmp_path) == []
    empty = tmp_path / "empty.sarif"
    empty.write_text(sarif([]))
    assert multitool_problems(empty, tmp_path) == []


@pytest.mark.ac("AC-ADOPT-070")
def test_sarif_of_this_repository_passes_github_rules(tmp_path: Path) -> None:
    log, _ = _check_sarif(REPO_ROOT, tmp_path, "govcell")
    assert multitool_problems(log, tmp_path) == []


@pytest.mark.ac("AC-ADOPT-070")
def test_sarif_of_the_reference_cell_passes_github_rules(reference_cell: Path, tmp_path: Path) -> None:
    log, doc = _check_sarif(reference_cell, tmp_path, "reference")
    assert doc["runs"][0]["results"], "the reference cell has genuine findings (docs/rust-template.md)"
    assert multitool_problems(log, tmp_path) == []


def broken_cell(root: Path) -> Path:
    """A freshly initialised cell with one breakage per check: errors, warnings and info, at a
    line and column and about whole files."""
    root.mkdir()
    init_git(root)
    assert run_command(["govcell", "init", "--no-stage"], root).code == 0
    ledger = root / "specs/spec_ledger.yaml"
    text = ledger.read_text()
    text = text.replace("    title: Changes to this repository are governed",
                        "    titel: Changes to this repository are governed\n    title: x\n    adr: ADR-0042", 1)
    text = text.replace("        tags: [governance]", "        tags: [governance]\n        docs: [docs/missing.md]", 1)
    text += ("          - id: AC-CELL-003\n            text: untested\n            tags: [kernel]\n"
             "          - id: AC-CELL-003\n            text: twice\n")
    ledger.write_text(text)
    feature = root / "features/governance.feature"
    feature.write_text(feature.read_text() + "\n  Scenario: nobody tags me\n    Given something\n\n"
                       "  @AC-NOPE-999\n  Scenario: tag unknown\n    Given something\n")
    with (root / ".llm/contextpack.yaml").open("a") as fh:
        fh.write("\nbogus_key: 1\n")
    with (root / "policy/ledger.rego").open("a") as fh:
        fh.write("\ndeny contains msg if { msg := 1 +\n")
    git(root, "add", "-A")
    return root


@pytest.mark.ac("AC-ADOPT-070")
def test_sarif_of_a_cell_with_every_kind_of_finding_passes_github_rules(tmp_path: Path) -> None:
    root = broken_cell(tmp_path / "cell")
    log, doc = _check_sarif(root, tmp_path, "broken")
    results = doc["runs"][0]["results"]
    assert {r["level"] for r in results} == {"error", "warning", "note"}
    codes = {r["ruleId"] for r in results}
    assert {"ledger.unknown-key", "ac.untagged-scenario", "graph.missing-doc", "policy.compile-error",
            "feature-status.stale"} <= codes, codes
    assert multitool_problems(log, tmp_path) == []


@pytest.mark.ac("AC-ADOPT-071")
def test_policy_results_as_sarif_pass_github_rules_as_their_own_analysis(tmp_path: Path) -> None:
    """``policy test`` findings (a failing target, a policy that does not compile, an orphan
    fixture) as SARIF: accepted, and a category of their own beside the check's."""
    from govcell.cell import Cell
    from govcell.checks import run
    from govcell.derive.analysis import Analysis
    from govcell.report.findings import render

    root = broken_cell(tmp_path / "cell")
    found = run(Analysis(Cell(str(root), None)), ["policy-test"])
    assert {"policy.violation", "policy.compile-error", "policy.fixture-orphan"} <= {d.code for d in found}
    log = tmp_path / "policy.sarif"
    log.write_text(render(found, "sarif", run="policy-test"))
    doc = json.loads(log.read_text())
    assert doc["runs"][0]["automationDetails"] == {"id": "govcell/policy-test/"}
    assert multitool_problems(log, tmp_path) == []
