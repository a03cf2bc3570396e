"""govcell.load.validate: unknown keys (typo or extension), partial loading, positions after pruning."""

from __future__ import annotations

import pytest

from govcell.cell import Cell
from govcell.derive.analysis import Analysis
from govcell.checks import run
from govcell.formats.ledger import Ledger
from govcell.load.validate import validate
from govcell.load.yamlio import load_yaml
from tests.conftest import CellBuilder

LEDGER = """\
stories:
  - id: US-A-001
    title: A story
    requirements:
      - id: REQ-A-ONE
        title: A requirement
        acceptance_criteria:
          - id: AC-A-001
            text: First
          - id: AC-A-002
            text: Second
          - id: AC-A-003
            text: Third
"""


def load(cell: CellBuilder, text: str):  # type: ignore[no-untyped-def]
    cell.ledger(text)
    return validate(Ledger, load_yaml(cell.root, "specs/spec_ledger.yaml"), "ledger")


def codes(loaded) -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    return [(d.code, d.line, d.col) for d in loaded.diagnostics]


def ac_ids(loaded) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.id for _, _, a in loaded.model.iter_acs()]


@pytest.mark.parametrize("typo, meant", [("titel", "title"), ("Title", "title"), ("acceptance_criterion",
                                                                                   "acceptance_criteria")])
def test_a_near_miss_is_an_error_with_did_you_mean(cell: CellBuilder, typo: str, meant: str) -> None:
    loaded = load(cell, LEDGER.replace("        title: A requirement\n",
                                       f"        title: A requirement\n        {typo}: x\n"))
    assert codes(loaded) == [("ledger.unknown-key", 7, 9)]
    assert loaded.diagnostics[0].hint == f"did you mean '{meant}'?"
    assert ac_ids(loaded) == ["AC-A-001", "AC-A-002", "AC-A-003"]


def test_other_unknown_keys_are_extensions_reported_once_per_key(cell: CellBuilder) -> None:
    text = LEDGER.replace("            text: First\n", "            text: First\n            risk: high\n")
    text = text.replace("            text: Third\n", "            text: Third\n            risk: low\n")
    loaded = load(cell, text)
    assert codes(loaded) == [("ledger.extension-key", 10, 13)]
    d = loaded.diagnostics[0]
    assert d.severity.value == "info" and "(2 places)" in d.message and "acceptance criterion" in d.message
    acs = [a for _, _, a in loaded.model.iter_acs()]
    assert [a.extensions for a in acs] == [{"risk": "high"}, {}, {"risk": "low"}]


def test_extension_severity_can_be_raised(cell: CellBuilder) -> None:
    cell.ledger(LEDGER.replace("            text: First\n", "            text: First\n            risk: high\n"))
    cell.write(".govcell.yaml", "severity:\n  ledger.extension-key: error\n")
    found = run(Analysis(Cell(cell.root)), ["spec-ledger"])
    assert [(d.code, d.severity.value) for d in found] == [("ledger.extension-key", "error")]


def test_config_has_no_extensions(cell: CellBuilder) -> None:
    cell.ledger(LEDGER)
    cell.write(".govcell.yaml", "colour: blue\n")
    c = Cell(cell.root)
    assert [(d.code, d.line) for d in c.config_diagnostics] == [("config.unknown-key", 1)]


def test_one_bad_ac_invalidates_that_ac_only_and_positions_stay_right(cell: CellBuilder) -> None:
    loaded = load(cell, LEDGER.replace("            text: Second\n", "            text: [not, text]\n"))
    assert codes(loaded) == [("ledger.type", 11, 19)]
    assert ac_ids(loaded) == ["AC-A-001", "AC-A-003"]
    third = list(loaded.model.iter_acs())[1][2]
    assert third.loc == ("stories", 0, "requirements", 0, "acceptance_criteria", 2)
    assert loaded.raw.position(third.loc + ("id",)) == (12, 17)
    assert [(i.kind, i.ident, i.line) for i in loaded.invalid] == [("acceptance criterion", "AC-A-002", 10)]


def test_a_missing_required_field_drops_the_item(cell: CellBuilder) -> None:
    loaded = load(cell, LEDGER.replace("      - id: REQ-A-ONE\n", "      - ids: REQ-A-ONE\n"))
    assert codes(loaded) == [("ledger.unknown-key", 5, 9), ("ledger.missing-field", 5, 9)]
    assert loaded.model.stories[0].requirements == []


def test_an_ac_without_text_loads_with_a_warning(cell: CellBuilder) -> None:
    """Older ledgers of the Rust template have ACs without text: they still count."""
    cell.ledger(LEDGER.replace("            text: First\n", ""))
    c = Cell(cell.root)
    assert [a.id for _, _, a in c.ledger.model.iter_acs()] == ["AC-A-001", "AC-A-002", "AC-A-003"]
    found = run(Analysis(c), ["spec-ledger"])
    assert [(d.code, d.severity.value, d.line) for d in found] == [("ledger.empty-text", "warning", 8)]


def test_a_bad_optional_field_resets_only_that_field(cell: CellBuilder) -> None:
    loaded = load(cell, LEDGER.replace("        title: A requirement\n",
                                       "        title: A requirement\n        must_have_ac: perhaps\n"))
    assert codes(loaded) == [("ledger.type", 7, 23)]
    req = loaded.model.stories[0].requirements[0]
    assert req.must_have_ac is True and len(req.acceptance_criteria) == 3
    assert [i.kind for i in loaded.invalid] == ["field"]


def test_a_bad_list_element_drops_only_that_element(cell: CellBuilder) -> None:
    loaded = load(cell, LEDGER.replace("        title: A requirement\n",
                                       "        title: A requirement\n        tags: [ok, {no: 1}, fine]\n"))
    assert [c for c, _, _ in codes(loaded)] == ["ledger.type"]
    assert loaded.model.stories[0].requirements[0].tags == ["ok", "fine"]


def test_errors_in_many_items_are_all_reported_and_the_rest_loads(cell: CellBuilder) -> None:
    text = LEDGER.replace("            text: First\n", "            text: {a: 1}\n")
    text = text.replace("            text: Third\n", "")
    text += "  - id: [US-A-002]\n    title: bad id\n"
    loaded = load(cell, text)
    assert sorted(c for c, _, _ in codes(loaded)) == ["ledger.type", "ledger.type"]
    assert ac_ids(loaded) == ["AC-A-002", "AC-A-003"]
    assert [s.id for s in loaded.model.stories] == ["US-A-001"]


def test_an_unquoted_number_id_is_checked_as_an_id(cell: CellBuilder) -> None:
    cell.ledger(LEDGER.replace("id: AC-A-003", "id: 3"))
    found = run(Analysis(Cell(cell.root)), ["spec-ledger"])
    assert [(d.code, d.line) for d in found] == [("ledger.id-pattern", 12)]


def test_an_unreadable_ledger_is_one_cause_in_every_dependent_check(cell: CellBuilder) -> None:
    cell.ledger("stories: [\n")
    cell.write("features/a.feature", "Feature: f\n  @AC-A-001\n  Scenario: s\n    Given x\n")
    cell.write("docs/feature_status.md", "kept\n")
    c = Cell(cell.root)
    for check in ("spec-ledger", "ac-tags", "governance-graph", "feature-status"):
        assert [d.code for d in run(Analysis(c), [check])] == ["yaml.syntax"], check
    assert [d.code for d in run(Analysis(c))] == ["yaml.syntax"]
    assert Analysis(c).coverage.summary["orphaned_scenarios"] == 0
    from govcell.cli.feature_status import update

    assert update(Analysis(c)) == 1
    assert (cell.root / "docs/feature_status.md").read_text() == "kept\n"


# Older versions of the Rust template's files (shapes seen in its history): they load as they are.
OLD_LEDGER = """\
stories:
  - id: US-TPL-001
    requirements:
      - id: REQ-TPL-HEALTH
        tags: [platform]
        must_have_ac: true
        docs: docs/design/health.md
        acceptance_criteria:
          - id: AC-TPL-001
            tests: [{type: bdd, tag: "@AC-TPL-001", file: specs/features/core.feature}]
          - id: AC-TPL-002
            text: Refund errors are stable
            tests:
              - {type: snapshot, path: tests/snapshots/refund_error.snap}
              - {type: unit, tag: "commands::bdd::tests::refund", module: "app::tests"}
"""
OLD_TASKS = """\
schema_version: '1.0'
template_version: "v2.4.0"
tasks:
  - id: implement_ac
    title: Implement an AC
    requirement: REQ-TPL-HEALTH
    acs: [AC-TPL-001]
    status: "in_progress"
    owner: steven
    labels: [feature]
    docs: {design: [docs/design/health.md], plan: []}
    summary: >
      Implement a feature starting from an AC
    recommended_flows: [ac_first]
"""
OLD_FLOWS = """\
schema_version: "1.0"
template_version: "v2.4.0"
commands:
  selftest:
    category: onboarding
    summary: "Full gate"
    required: true
    docs: {readme_table: true, contributing_flow: true, claude_golden_path: true}
flows:
  ac_first:
    name: "Feature addition (AC-first)"
    description: "Add behavior via acceptance criterion"
    required: true
    documented_in: ["CONTRIBUTING.md"]
    steps: ["selftest"]
"""


def test_older_template_formats_load_as_they_are(cell: CellBuilder) -> None:
    """No metadata, a story without title, an AC without text, a snapshot mapping with path, v2 tasks/flows."""
    cell.ledger(OLD_LEDGER)
    cell.write("specs/tasks.yaml", OLD_TASKS)
    cell.write("specs/devex_flows.yaml", OLD_FLOWS)
    c = Cell(cell.root)
    assert [a.id for _, _, a in c.ledger.model.iter_acs()] == ["AC-TPL-001", "AC-TPL-002"]
    assert c.tasks.model.tasks[0].status == "in_progress" and c.flows.model.commands["selftest"].required
    found = run(Analysis(c), ["spec-ledger"])
    assert sorted({(d.code, d.severity.value) for d in found}) == [
        ("ledger.empty-text", "warning"), ("ledger.extension-key", "info"), ("ledger.unknown-test-type", "warning")]
    assert [d.line for d in found if d.code == "ledger.empty-text"] == [2, 4, 9]  # story, requirement, AC
