"""govcell.derive.analysis: every derived result of a cell computed once, on first use, from its inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from govcell.cell import Cell
from govcell.checks import run
from govcell.derive.analysis import Analysis
from govcell.report.status import status_document
from tests.conftest import CellBuilder

LEDGER = """\
stories:
  - id: US-A-001
    title: A story
    requirements:
      - id: REQ-A-ONE
        title: One
        acceptance_criteria:
          - {id: AC-A-001, text: It holds}
"""
FEATURE = "Feature: f\n  @AC-A-001\n  Scenario: s\n    Given x\n"


def test_each_result_is_computed_once_and_shared(cell: CellBuilder) -> None:
    cell.ledger(LEDGER)
    cell.write("features/a.feature", FEATURE)
    analysis = Analysis(Cell(cell.root))
    assert analysis.coverage is analysis.coverage
    assert analysis.graph is analysis.graph
    assert analysis.bundler is analysis.bundler
    assert analysis.next_items is analysis.next_items
    first = run(analysis)
    assert run(analysis) == first and run(analysis) is not first  # the caller may change its copy
    assert status_document(analysis) is status_document(analysis)
    assert "generated_at" in status_document(analysis, timestamps=True)
    assert "generated_at" not in status_document(analysis)


def test_the_cell_holds_inputs_only(cell: CellBuilder) -> None:
    cell.ledger(LEDGER)
    c = Cell(cell.root)
    for derived in ("coverage", "graph", "policy_report", "budgets", "next_items"):
        assert not hasattr(c, derived), derived


def test_two_analyses_of_one_cell_agree_and_share_its_inputs(cell: CellBuilder) -> None:
    cell.ledger(LEDGER)
    cell.write("features/a.feature", FEATURE)
    c = Cell(cell.root)
    one, two = Analysis(c), Analysis(c)
    assert one.coverage is not two.coverage
    assert one.coverage.summary == two.coverage.summary
    assert one.graph.store.nodes == two.graph.store.nodes
    assert c.features is c.features  # the inputs are read once, whatever analyses them


def test_results_are_matched_only_when_there_are_results(cell: CellBuilder) -> None:
    """No result file: the test-results check reads no feature file and no ledger."""
    cell.ledger(LEDGER)
    cell.write("features/a.feature", FEATURE)
    c = Cell(cell.root)
    analysis = Analysis(c)
    assert analysis.results.results == []
    assert "features" not in c.__dict__ and "ledger" not in c.__dict__
    cell.write("out/r.json", '{"schema": "govcell.results/1", "tests": [{"nodeid": "t::x", "outcome": "passed", '
                             '"feature": "features/a.feature", "line": 3}]}')
    cell.write(".govcell.yaml", "results:\n  files: [out/r.json]\n")
    analysis = Analysis(Cell(cell.root))
    (result,) = analysis.results.results
    assert result.scenario is not None and result.acs == ("AC-A-001",)
    assert analysis.coverage.acs["AC-A-001"].run == "passing"


def test_the_policy_run_starts_before_the_checks_and_reports_the_same(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Its child runs while spec-ledger and context-bundles do their work; the findings are the same."""
    from tests.test_cache import _cell, _edit

    root = _cell(tmp_path / "cell")
    _edit(root, "policy/testdata/flags_valid.yaml", None, "\n  - [unclosed\n")  # a policy finding to compare
    started: list[str] = []
    real = Analysis.start_policy_report

    def start(self: Analysis) -> None:
        started.append("ledger read" if "ledger" in self.cell.__dict__ else "first")
        real(self)

    monkeypatch.setattr(Analysis, "start_policy_report", start)
    early = run(Analysis(Cell(root)))
    assert started == ["first"], "started before any check read anything"
    monkeypatch.setattr(Analysis, "start_policy_report", lambda self: None)
    in_turn = run(Analysis(Cell(root)))
    assert early == in_turn and any(d.code.startswith("policy.") for d in early)
    assert run(Analysis(Cell(root)), ["policy-test"]) == [d for d in in_turn if d.code.startswith("policy.")]
