"""govcell.derive.policy.isolation: the engine runs in a child with limits; a crash or a hang names the policy."""

from __future__ import annotations

import os
import signal

import pytest

from govcell.cell import Cell
from govcell.derive.analysis import Analysis
from govcell.checks import run
from tests.conftest import CellBuilder

V1 = "package main\nimport rego.v1\n\n"
LEDGER = "stories: []\n"


def _cell(cell: CellBuilder, config: str = "") -> None:
    cell.ledger(LEDGER)
    cell.write("policy/good.rego", V1 + 'deny contains "bad" if input.bad\n')
    cell.write("policy/testdata/good_bad.json", '{"bad": true}\n')
    cell.write("policy/testdata/good_valid.json", "{}\n")
    if config:
        cell.write(".govcell.yaml", config)


def test_a_policy_that_exhausts_memory_is_a_crash_finding_and_the_others_still_report(cell: CellBuilder) -> None:
    _cell(cell, "policy: {max_memory_mb: 200, timeout_seconds: 30}\n")
    cell.write("policy/huge.rego", V1 + "deny contains msg if {\n"
               "  n := count([x | some x in numbers.range(1, 300000000)])\n"
                                        '  n > 0\n  msg := "huge"\n}\n')
    cell.write("policy/testdata/huge_case.json", "{}\n")
    cell.write("features/a.feature", "Feature: f\n  Scenario: s\n    Given x\n")
    found = run(Analysis(Cell(cell.root)))
    crash = [d for d in found if d.code == "policy.engine-crash"]
    assert [(d.path, d.line) for d in crash] == [("policy/huge.rego", 1)]
    assert "policy huge" in crash[0].message
    assert "ac.untagged-scenario" in {d.code for d in found}  # every other check still reported
    report = Analysis(Cell(cell.root)).policy_report
    good = next(p for p in report.policies if p.name == "good")
    assert {f.path: f.ok for f in good.fixtures} == {"policy/testdata/good_bad.json": True,
                                                      "policy/testdata/good_valid.json": True}


def test_a_policy_that_runs_too_long_is_stopped_and_named(cell: CellBuilder) -> None:
    _cell(cell, "policy: {timeout_seconds: 1, max_memory_mb: 100000}\n")
    cell.write("policy/slow.rego", V1 + "deny contains msg if {\n"
               "  n := count([x | some x in numbers.range(1, 60000000)])\n"
                                        '  n > 0\n  msg := "slow"\n}\n')
    cell.write("policy/testdata/slow_case.json", "{}\n")
    found = run(Analysis(Cell(cell.root)), ["policy-test"])
    assert [(d.code, d.path) for d in found if d.severity.value == "error"] == [("policy.timeout", "policy/slow.rego")]


def test_a_killed_engine_is_a_finding_never_the_end_of_the_run(cell: CellBuilder,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A real process death (SIGSEGV, as a self-recursive rule in a native engine gives) of one policy."""
    import govcell.derive.policy.run as policy

    _cell(cell)
    cell.write("policy/crash.rego", V1 + 'deny contains "x" if input.x\n')
    real = policy._Run.run

    def dies_on_crash(self: policy._Run) -> policy.PolicyReport:
        if self.only in (None, "crash"):
            os.kill(os.getpid(), signal.SIGSEGV)
        return real(self)

    monkeypatch.setattr(policy._Run, "run", dies_on_crash)
    found = run(Analysis(Cell(cell.root)), ["policy-test"])
    assert [(d.code, d.path) for d in found if d.severity.value == "error"] == [
        ("policy.engine-crash", "policy/crash.rego")]
    assert f"signal {int(signal.SIGSEGV)}" in next(d.message for d in found if d.code == "policy.engine-crash")


def test_the_command_forks_the_policy_run_before_importing_the_evaluation(cell: CellBuilder) -> None:
    import subprocess
    import sys

    _cell(cell)
    script = (
        "import sys\n"
        "from govcell.cell import Cell\n"
        "from govcell.derive.analysis import Analysis\n"
        "a = Analysis(Cell('.'))\n"
        "a.start_policy_report()\n"
        "print(sorted(m for m in ('govcell.derive.policy.run', 'govcell.derive.policy.engine', 'regorus')\n"
        "             if m in sys.modules))\n"
        "print(len(a.policy_report.policies), [d.code for d in a.policy_report.diagnostics])\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=cell.root, capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["[]", "1 []"], out.stdout + out.stderr
