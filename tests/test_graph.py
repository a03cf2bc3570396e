"""hooks/derive/graph/: building, invariants and exports on small real cells."""

from __future__ import annotations

import json

from govcell.cell import Cell
from govcell.derive.analysis import Analysis
from govcell.checks import run
from govcell.derive.graph import focus, to_dot, to_json, to_mermaid
from tests.conftest import CellBuilder, run_command

LEDGER = """\
stories:
  - id: US-X-001
    title: "<b>\\"q\\"|[x]{y}</b>"
    requirements:
      - id: REQ-X-ONE
        title: One
        docs: [docs/one.md, docs/missing.md]
        depends_on: [REQ-X-TWO]
        acceptance_criteria:
          - id: AC-X-001
            text: "A very long acceptance criterion text that goes on and on well past the label limit"
            tests: [{type: unit, tag: test_x}]
      - id: REQ-X-TWO
        title: Two
        depends_on: [REQ-X-ONE]
        must_have_ac: false
"""


def _cell(cell: CellBuilder) -> Cell:
    cell.ledger(LEDGER)
    cell.write("docs/one.md", "# one\n")
    cell.write("policy/k8s.rego", "package main\n")
    cell.write("policy/k8s_test.rego", "package main\n")
    return Cell(cell.root)


def test_mermaid_escapes_hostile_labels(cell: CellBuilder) -> None:
    text = to_mermaid(Analysis(_cell(cell)).graph)
    assert "<script>" not in text and '\\"' not in text
    assert "US-X-001: #lt;b#gt;#quot;q#quot;#124;#91;x#93;#123;y#125;#lt;/b#gt;" in text
    assert 'n0("AC-X-001: A very long acceptance criterion text…")' in text
    assert text.count("subgraph") == 1 and text.rstrip().splitlines()[0] == "flowchart LR"


def test_dot_escapes_quotes(cell: CellBuilder) -> None:
    text = to_dot(Analysis(_cell(cell)).graph)
    assert '\\"q\\"' in text
    assert text.startswith("digraph govcell {") and text.rstrip().endswith("}")


def test_ledger_dependency_cycle_and_docs(cell: CellBuilder) -> None:
    found = run(Analysis(_cell(cell)), ["governance-graph"])
    codes = sorted((d.code, d.line) for d in found)
    assert ("graph.cycle", 5) in codes
    assert ("graph.missing-doc", 7) in codes
    assert [d.message for d in found if d.code == "graph.cycle"] == [
        "dependency cycle: REQ-X-ONE -> REQ-X-TWO -> REQ-X-ONE"]


def test_nodes_of_every_source(cell: CellBuilder) -> None:
    c = _cell(cell)
    cell.write("specs/tasks.yaml", "tasks:\n  - {id: bundle-x, title: t, requirement: REQ-X-ONE}\n")
    cell.write(".llm/contextpack.yaml",
               "tasks:\n  bundle-x: {description: d, max_bytes: 100, include: ['*.md'], requirements: [REQ-X-ONE]}\n")
    cell.write("specs/devex_flows.yaml", "commands:\n  t: {run: make t}\nflows:\n  f: {steps: [t]}\n")
    c = Cell(cell.root)
    kinds = {d["kind"] for _, d in Analysis(c).graph.g.nodes(data=True)}
    assert kinds == {"ledger", "story", "requirement", "ac", "test", "doc", "policy", "task", "bundle",
                     "command", "flow"}
    edges = {(u, v, t) for u, v, t in Analysis(c).graph.g.edges(data="type")}
    assert ("task:bundle-x", "bundle:bundle-x", "has_bundle") in edges
    assert ("bundle:bundle-x", "requirement:REQ-X-ONE", "serves") in edges
    assert ("flow:f", "command:t", "executes") in edges
    assert ("doc:docs/one.md", "requirement:REQ-X-ONE", "documents") in edges
    policies = [n for n, d in Analysis(c).graph.g.nodes(data=True) if d["kind"] == "policy"]
    assert policies == ["policy:k8s"]


def test_focus_depth(cell: CellBuilder) -> None:
    graph = Analysis(_cell(cell)).graph
    assert focus(graph, "AC-X-001", 0) == ["ac:AC-X-001"]
    assert focus(graph, "AC-X-001", 1) == ["ac:AC-X-001", "requirement:REQ-X-ONE", "test:AC-X-001#1"]
    assert "story:US-X-001" in focus(graph, "AC-X-001", 2)


def test_json_is_deterministic_and_versioned(cell: CellBuilder) -> None:
    a = to_json(Analysis(_cell(cell)).graph)
    b = to_json(Analysis(Cell(cell.root)).graph)
    assert a == b
    doc = json.loads(a)
    assert doc["schema"] == "govcell.graph/1"
    assert [n["key"] for n in doc["nodes"]] == sorted(n["key"] for n in doc["nodes"])


def test_invalid_ledger_gives_no_ledger_nodes_and_no_crash(cell: CellBuilder) -> None:
    cell.ledger("stories: [{id: [US-1], title: T}]\n")  # the only story is invalid: it is left out
    c = Cell(cell.root)
    assert run(Analysis(c), ["governance-graph"]) == []
    assert [n for n, d in Analysis(c).graph.g.nodes(data=True) if d["kind"] == "story"] == []


def test_output_file(cell: CellBuilder) -> None:
    _cell(cell)
    result = run_command("govcell graph --format mermaid -o out/graph.mmd", cell.root)
    assert result.code == 0 and result.stdout == ""
    assert (cell.root / "out/graph.mmd").read_text().startswith("flowchart LR")


def test_hook_does_not_import_networkx_for_other_hooks(cell: CellBuilder) -> None:
    import subprocess
    import sys

    _cell(cell)
    code = (f"import sys; from govcell.entry.hooks import spec_ledger as main; main(['--root', {str(cell.root)!r}]);"
            "print('networkx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_scenarios_are_nodes_and_dangling_tags_are_reported_once(cell: CellBuilder) -> None:
    _cell(cell)
    cell.write("features/x.feature", """\
@AC-X-001
Feature: X
  Scenario: proves it
    Given a thing
  @AC-X-404
  Scenario: names an AC that does not exist
    Given a thing
""")
    c = Cell(cell.root)
    edges = {(u, v, t) for u, v, t in Analysis(c).graph.g.edges(data="type")}
    assert ("scenario:features/x.feature:3", "ac:AC-X-001", "covers") in edges
    assert ("feature:features/x.feature", "scenario:features/x.feature:3", "contains") in edges
    alone = [d for d in run(Analysis(c), ["governance-graph"]) if "AC-X-404" in d.message]
    assert [(d.code, d.path, d.line) for d in alone] == [("graph.dangling-scenario-tag", "features/x.feature", 6)]
    together = [d for d in run(Analysis(Cell(cell.root))) if "AC-X-404" in d.message]
    assert [d.code for d in together] == ["ac.orphaned-tag"]
