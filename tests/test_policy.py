"""govcell.derive.policy (run, discover, fixtures, targets).

The engine wrapper, fixture rules, the shipped pack, and life without regorus."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from govcell.cell import Cell
from govcell.derive.analysis import Analysis
from govcell.checks import run
from govcell.derive.policy.discover import fixture_owner, is_valid_fixture
from govcell.derive.policy.documents import feature_records
from tests.conftest import REPO_ROOT, CellBuilder
from tests.test_foundation_scenarios import VALID_LEDGER

POLICY = 'package main\nimport rego.v1\n\ndeny contains msg if {\n  input.bad\n  msg := "bad"\n}\n'


def test_fixture_names() -> None:
    assert is_valid_fixture("k8s_valid.yaml") and is_valid_fixture("k8s_prod_valid.yaml")
    assert not is_valid_fixture("k8s_invalid.yaml") and not is_valid_fixture("k8s_validate_x.json")
    assert fixture_owner("k8s_secrets_valid.json", ["k8s"]) == "k8s"
    assert fixture_owner("k8s_secrets_valid.json", ["k8s", "k8s_secrets"]) == "k8s_secrets"
    assert fixture_owner("k8sx_valid.json", ["k8s"]) is None


def test_engine_missing_is_one_finding_and_other_checks_still_run(cell: CellBuilder,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "regorus", None)  # `import regorus` now raises ImportError
    cell.ledger(VALID_LEDGER.replace("US-A-001", "bad-id"))
    cell.write("policy/main.rego", POLICY)
    found = run(Analysis(Cell(cell.root)))
    codes = [d.code for d in found]
    assert codes.count("policy.engine-missing") == 1
    missing = next(d for d in found if d.code == "policy.engine-missing")
    assert "pip install gordon-to-regorus" in missing.hint and missing.path == "policy"
    assert "ledger.id-pattern" in codes


def test_no_regorus_import_without_policies(tmp_path: Path) -> None:
    code = ("import sys; from govcell.entry.hooks import policy_test as main; "
            f"rc = main(['--root', {str(tmp_path)!r}]);"
            "print(rc, 'regorus' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stdout.strip().splitlines()[-1] == "0 False", out.stdout + out.stderr


def test_report_lists_rules_fixtures_and_is_cached(cell: CellBuilder) -> None:
    cell.write("policy/main.rego", POLICY + '\nwarn contains "w" if {\n  input.w\n}\n\nhelper := 1\n')
    cell.write("policy/testdata/main_valid.json", "{}")
    cell.write("policy/testdata/main_bad.yaml", "bad: true\n---\nw: true\n")
    c = Cell(cell.root)
    analysis = Analysis(c)
    report = analysis.policy_report
    assert analysis.policy_report is report
    (policy,) = report.policies
    assert (policy.name, policy.path, policy.package, policy.rego_version) == ("main", "policy/main.rego", "main", "v1")
    assert [(r.name, r.kind, r.line) for r in policy.rules] == [("deny", "deny", 4), ("warn", "warn", 9),
                                                                 ("helper", "other", 13)]
    bad = next(f for f in policy.fixtures if f.path.endswith("main_bad.yaml"))
    assert (bad.expect, bad.documents, bad.failures, bad.warnings, bad.ok) == ("fail", 2, ["bad"], ["w"], True)
    assert report.diagnostics == [] and policy.dead_rules == []


def test_configured_rego_version_wins(cell: CellBuilder) -> None:
    cell.write("policy/old.rego", 'package main\n\ndeny[msg] {\n  input.bad\n  msg := "x"\n}\n')
    cell.write(".govcell.yaml", "policy:\n  rego_versions: {policy/old.rego: v1}\n")
    found = Analysis(Cell(cell.root)).policy_report.diagnostics
    assert [(d.code, d.line) for d in found] == [("policy.compile-error", 3)]
    assert "does not compile as Rego v1:" in found[0].message


def test_policy_data_is_visible_as_data_govcell(cell: CellBuilder) -> None:
    cell.write("policy/main.rego", "package main\nimport rego.v1\n\ndeny contains msg if {\n"
                                   "  some t in data.govcell.required\n  not input[t]\n  msg := t\n}\n")
    cell.write("policy/testdata/main_missing.json", "{}")
    cell.write(".govcell.yaml", "policy:\n  data: {required: [owner]}\n")
    (policy,) = Analysis(Cell(cell.root)).policy_report.policies
    assert policy.fixtures[0].failures == ["owner"]


def test_feature_records_inherit_feature_and_rule_tags(cell: CellBuilder) -> None:
    cell.write("features/a.feature", '@AC-A-001\nFeature: A\n\n  @wip\n  Rule: R\n\n    @AC-A-002\n'
                                     '    Scenario: s\n      Given x\n        """\n        @AC-NOT-A-TAG\n'
                                     '        Scenario: inside a docstring\n        """\n')
    (record,) = feature_records(Cell(cell.root))
    assert record["name"] == "A" and record["tags"] == ["@AC-A-001"]
    assert record["scenarios"] == [{"name": "s", "file": "features/a.feature", "line": 8,
                                    "tags": ["@AC-A-001", "@AC-A-002", "@wip"], "ac_ids": ["AC-A-001", "AC-A-002"]}]


def test_shipped_pack_passes_on_its_fixtures_and_this_repository() -> None:
    report = Analysis(Cell(REPO_ROOT)).policy_report
    names = sorted(p.name for p in report.policies)
    assert names == ["contextpack", "features", "flags", "k8s", "ledger", "privacy"]
    assert report.diagnostics == []
    for policy in report.policies:
        expects = {f.expect for f in policy.fixtures}
        assert expects == {"pass", "fail"}, f"{policy.name} needs good and bad fixtures"
        assert all(f.ok for f in policy.fixtures) and policy.dead_rules == []
    targets = {(p.name, t.path) for p in report.policies for t in p.targets}
    assert ("ledger", "specs/spec_ledger.yaml") in targets and any(n == "features" for n, _ in targets)
    assert report.tests and all(t.passed for t in report.tests)


def test_breaking_a_shipped_rule_is_caught_as_dead(tmp_path: Path) -> None:
    """Mutation check: the pack's fixtures notice a rule that can no longer fire."""
    dest = tmp_path / "cell"
    shutil.copytree(REPO_ROOT / "policy", dest / "policy")
    shutil.copy(REPO_ROOT / ".govcell.yaml", dest / ".govcell.yaml")
    rego = dest / "policy" / "flags.rego"
    text = rego.read_text()
    rego.write_text(text.replace("some r in input.rollouts\n\tnot r.flag in known",
                                 "some r in input.rollout\n\tnot r.flag in known"))
    found = Analysis(Cell(dest)).policy_report.diagnostics
    dead = [(d.path, d.line) for d in found if d.code == "policy.dead-rule"]
    assert dead == [("policy/flags.rego", 27)]
