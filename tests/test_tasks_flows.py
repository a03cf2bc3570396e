"""Models of specs/tasks.yaml and specs/devex_flows.yaml, through the spec-ledger check."""

from __future__ import annotations

from govcell.cell import Cell
from govcell.derive.analysis import Analysis
from govcell.checks import run
from tests.conftest import CellBuilder
from tests.test_foundation_scenarios import VALID_LEDGER


def test_task_status_aliases(cell: CellBuilder) -> None:
    cell.ledger(VALID_LEDGER)
    cell.write("specs/tasks.yaml", """\
tasks:
  - {id: T-1, title: one, status: open, requirement: REQ-A-ONE, acs: AC-A-001}
  - {id: T-2, title: two, status: WIP, depends_on: [T-1]}
  - {id: T-3, title: three, status: Closed}
  - {id: T-4, title: four, status: someday}
""")
    c = Cell(cell.root)
    found = run(Analysis(c), ["spec-ledger"])
    assert [(d.code, d.line) for d in found] == [("tasks.type", 5)]
    assert "someday" in found[0].message
    cell.write("specs/tasks.yaml", "tasks:\n  - {id: T-1, title: one, status: open, acs: AC-A-001}\n"
               "  - {id: T-2, title: two, status: WIP}\n  - {id: T-3, title: three, status: Closed}\n")
    model = Cell(cell.root).tasks.model
    assert model is not None
    assert [t.status for t in model.tasks] == ["todo", "in_progress", "done"]
    assert model.tasks[0].acs == ["AC-A-001"]


def test_flows_unknown_key(cell: CellBuilder) -> None:
    cell.ledger(VALID_LEDGER)
    cell.write("specs/devex_flows.yaml", """\
commands:
  test: {run: make test, required: true}
  lint: {run: make lint, requird: true}
flows:
  ci:
    steps: [lint, test]
""")
    found = run(Analysis(Cell(cell.root)), ["spec-ledger"])
    assert [(d.code, d.line, d.col) for d in found] == [("flows.unknown-key", 3, 26)]
    assert "did you mean 'required'?" in found[0].hint


def test_valid_flows_load(cell: CellBuilder) -> None:
    cell.ledger(VALID_LEDGER)
    cell.write("specs/devex_flows.yaml", "commands:\n  test: {run: make test}\nflows:\n  ci: {steps: [test]}\n")
    c = Cell(cell.root)
    assert run(Analysis(c), ["spec-ledger"]) == []
    assert c.flows.model is not None and c.flows.model.flows["ci"].steps == ["test"]
