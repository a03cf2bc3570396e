"""govcell.derive.feature_status_xtask: the report of `cargo xtask ac-status`, with govcell's suspect marker."""

from __future__ import annotations

from govcell.cell import Cell
from govcell.derive.analysis import Analysis
from govcell.derive.feature_status_xtask import recorded_statuses, render
from tests.conftest import CellBuilder, run_command

LEDGER = """\
stories:
  - id: US-X-001
    title: X
    requirements:
      - id: REQ-X-A
        title: A
        acceptance_criteria:
          - id: AC-X-001
            text: A payment is accepted
            tests: [{type: unit, tag: test_pay, file: tests/test_pay.py}]
          - id: AC-X-002
            text: A refund is accepted
            tests: [{type: bdd, tag: "@AC-X-002"}]
"""


def _render(cell: CellBuilder, current: str | None) -> tuple[str, str]:
    c = Cell(cell.root)
    return render(c, current, Analysis(c).coverage), render(c, current)


def test_xtask_report_marks_suspect_acs_only_while_there_are_any(cell: CellBuilder) -> None:
    cell.write(".govcell.yaml", "feature_status: {format: xtask}\n")
    cell.ledger(LEDGER)
    cell.write("features/x.feature", "Feature: X\n\n  @AC-X-002\n  Scenario: Refund\n    Given x\n")
    # No reviews recorded: the report is the xtask's, whatever the coverage says.
    marked, plain = _render(cell, None)
    assert marked == plain and "SUSPECT" not in marked
    assert run_command("govcell review --all", cell.root).code == 0
    marked, plain = _render(cell, None)
    assert marked == plain  # reviewed: nothing is suspect
    cell.ledger(LEDGER.replace("A payment is accepted", "A payment by wallet is accepted"))
    recorded = "| AC-X-002 | US-X-001 | REQ-X-A | [FAIL] fail | 1 |\n"
    marked, plain = _render(cell, recorded)
    rows = [ln for ln in marked.splitlines() if ln.startswith("| AC-")]
    assert rows == ["| AC-X-001 | US-X-001 | REQ-X-A | [PASS] pass [SUSPECT] | 1 |",
                    "| AC-X-002 | US-X-001 | REQ-X-A | [FAIL] fail | 1 |"]
    assert marked.endswith("## Suspect ACs (govcell)\n\n"
                           "`[SUSPECT]` = the AC changed since its proofs were reviewed; check they still prove it, "
                           "then\n`govcell review AC-ID` stamps them again (and this section goes away):\n\n"
                           "- AC-X-001: A payment by wallet is accepted\n")
    # Without the marker and the section, it is exactly what the xtask writes.
    unmarked = marked.replace(" [SUSPECT]", "")
    assert unmarked[:unmarked.index("\n## Suspect ACs")] == plain
    # The marked report is read back (its recorded statuses) and renders to itself.
    assert recorded_statuses(marked) == {"AC-X-001": "pass", "AC-X-002": "fail"}
    assert _render(cell, marked)[0] == marked
