"""govcell.entry.pytest_plugin and govcell.load.results end to end: a real pytest-bdd run writes the
govcell results file, cucumber JSON and JUnit XML, and each gives the ACs their run status."""

from __future__ import annotations

import json
from pathlib import Path

import os
import subprocess
import sys

import pytest

from govcell.cell import Cell
from govcell.derive.analysis import Analysis

LEDGER = """\
stories:
  - id: US-P-001
    title: Plugin
    requirements:
      - id: REQ-P-ONE
        title: One
        acceptance_criteria:
          - id: AC-P-001
            text: scenario passes
            tests: [{type: bdd, tag: "@AC-P-001", file: features/p.feature}]
          - id: AC-P-002
            text: scenario fails
            tests: [{type: bdd, tag: "@AC-P-002", file: features/p.feature}]
          - id: AC-P-003
            text: unit test passes
            tests: [{type: unit, tag: test_unit_ok, file: tests/test_units.py}]
          - id: AC-P-004
            text: marker only
          - id: AC-P-005
            text: examples row
          - id: AC-P-006
            text: skipped test
            tests: [{type: unit, tag: test_skipped, file: tests/test_units.py}]
"""

FEATURE = """\
Feature: P
  @AC-P-001
  Scenario: Passes
    Given nothing

  @AC-P-002
  Scenario: Fails
    Given nothing
    Then it fails

  Scenario Outline: Rows <n>
    Given nothing

    @AC-P-005
    Examples:
      | n |
      | 1 |
"""

STEPS = """\
from pytest_bdd import given, scenarios, then

scenarios("p.feature")


@given("nothing")
def _nothing():
    pass


@then("it fails")
def _fails():
    raise AssertionError("boom")
"""

UNITS = """\
import pytest


def test_unit_ok():
    assert True


@pytest.mark.ac("AC-P-004")
def test_marked():
    assert True


@pytest.mark.skip(reason="not today")
def test_skipped():
    pass
"""


def _pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small pytest-bdd project, run once with all three result writers."""
    root = tmp_path_factory.mktemp("plugin-project")
    files = {"specs/spec_ledger.yaml": LEDGER, "features/p.feature": FEATURE, "tests/test_p.py": STEPS,
             "tests/test_units.py": UNITS,
             "pytest.ini": "[pytest]\nbdd_features_base_dir = features/\nmarkers =\n    ac(id): AC\n"
                           "    AC-P-005: examples tag\n"}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "out").mkdir()  # pytest-bdd does not create the cucumber JSON directory
    proc = _pytest(root, "--govcell-results=out/govcell.json", "--cucumberjson=out/cucumber.json",
                   "--junitxml=out/junit.xml")
    assert "1 failed, 4 passed, 1 skipped" in proc.stdout, proc.stdout + proc.stderr
    return root


def _runs(root: Path, results: str) -> dict[str, str]:
    config = f".govcell-{Path(results).stem}.yaml"
    (root / config).write_text(f"results:\n  files: [{results}]\n")
    cell = Cell(root, config)
    cov = Analysis(cell).coverage
    assert cov.diagnostics == [] and cell.ledger.diagnostics == []
    return {a.id: a.run for a in cov.acs.values()}


def test_plugin_records_outcomes_and_acs(project: Path) -> None:
    doc = json.loads((project / "out/govcell.json").read_text())
    assert doc["schema"] == "govcell.results/1"
    tests = {t["nodeid"]: t for t in doc["tests"]}
    passes = tests["tests/test_p.py::test_passes"]
    assert passes["acs"] == ["AC-P-001"] and passes["outcome"] == "passed"
    assert passes["feature"] == "features/p.feature" and passes["line"] == 3 and passes["scenario"] == "Passes"
    assert tests["tests/test_p.py::test_rows_n[1]"]["acs"] == ["AC-P-005"]
    assert tests["tests/test_units.py::test_marked"]["acs"] == ["AC-P-004"]
    assert tests["tests/test_units.py::test_skipped"]["outcome"] == "skipped"
    assert tests["tests/test_p.py::test_fails"]["outcome"] == "failed"
    assert "duration" not in json.dumps(doc) and "time" not in doc


def test_an_xdist_run_records_what_a_serial_run_records(project: Path) -> None:
    # pytest-xdist's workers run the tests; only their reports reach the controller, which writes the file.
    proc = _pytest(project, "-n", "2", "--govcell-results=out/xdist.json")
    assert "1 failed, 4 passed, 1 skipped" in proc.stdout, proc.stdout + proc.stderr
    assert "created: 2/2 workers" in proc.stdout, proc.stdout
    serial = json.loads((project / "out/govcell.json").read_text())
    assert json.loads((project / "out/xdist.json").read_text()) == serial


def test_plugin_results_give_run_status(project: Path) -> None:
    runs = _runs(project, "out/govcell.json")
    assert runs == {"AC-P-001": "passing", "AC-P-002": "failing", "AC-P-003": "passing", "AC-P-004": "passing",
                    "AC-P-005": "passing", "AC-P-006": "not_run"}


def test_cucumber_json_gives_scenario_status(project: Path) -> None:
    runs = _runs(project, "out/cucumber.json")
    assert runs["AC-P-001"] == "passing" and runs["AC-P-002"] == "failing"
    assert runs["AC-P-003"] == "not_run"  # unit tests are not in cucumber JSON


def test_junit_gives_unit_status_and_carries_acs(project: Path) -> None:
    xml = (project / "out/junit.xml").read_text()
    assert '<property name="acs" value="AC-P-004"' in xml
    runs = _runs(project, "out/junit.xml")
    assert runs["AC-P-003"] == "passing" and runs["AC-P-004"] == "passing" and runs["AC-P-006"] == "not_run"
    assert runs["AC-P-002"] == "failing"  # its ACs travel as a JUnit property


def test_plugin_is_inert_unless_asked(tmp_path: Path) -> None:
    (tmp_path / "test_a.py").write_text("def test_a():\n    pass\n")
    proc = _pytest(tmp_path)
    assert proc.returncode == 0, proc.stdout
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "__pycache__") == ["test_a.py"]


def _strict_project(root: Path, ini: str) -> None:
    files = {"specs/spec_ledger.yaml": LEDGER, "features/p.feature": FEATURE, "tests/test_p.py": STEPS,
             "tests/test_units.py": UNITS, "pytest.ini": "[pytest]\nbdd_features_base_dir = features/\n" + ini}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def test_strict_markers_pass_with_the_ac_marker_and_one_ini_line(tmp_path: Path) -> None:
    """`--strict-markers`: the ac marker is registered; `govcell_ac_tags = true` turns @AC-… tags into it."""
    bare, asked = tmp_path / "bare", tmp_path / "asked"
    _strict_project(bare, "")
    _strict_project(asked, "govcell_ac_tags = true\n")
    refused = _pytest(bare, "--strict-markers", "tests/test_units.py", "tests/test_p.py")
    assert "not found in `markers` configuration option" in refused.stdout + refused.stderr
    assert "'ac' not found" not in refused.stdout + refused.stderr  # the ac marker itself is registered
    proc = _pytest(asked, "--strict-markers", "--govcell-results=out.json")
    assert "1 failed, 4 passed, 1 skipped" in proc.stdout, proc.stdout + proc.stderr
    results = json.loads((asked / "out.json").read_text())
    by_function = {t["function"]: t["acs"] for t in results["tests"]}
    assert any(acs for acs in by_function.values())  # ACs still recorded from the converted tags
