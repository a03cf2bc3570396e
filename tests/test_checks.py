"""govcell.checks: each check declares the codes it reports, and "one problem, one finding" follows.

The code scan of tests/test_docs.py finds every code the kernel can emit; here
each one must be owned by exactly one check (or belong to what is not a check:
the config, the site, diff/baseline, the commits' change scope, govcell's own errors).  Then every check
runs alone on every cell of the hostile corpus, the reference cell and a few
broken cells, and every finding it returns must be one it declares.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest

from govcell.cell import Cell
from govcell.checks import CHECKS, Check, run
from govcell.derive.analysis import Analysis
from govcell.diagnostics import Diagnostic
from tests.conftest import CellBuilder, unpack_reference
from tests.test_docs import emitted_codes
from tests.test_hostile import CASES, materialise

#: code families no check reports: the config (reported before any check), the site, diff and
#: baseline comparisons, the change scope of commits (its own hook, govcell-governance-scope), govcell's own errors
NOT_A_CHECK = ("config.*", "site.*", "diff.*", "baseline.*", "scope.*", "internal.*")


def _matches(code: str, patterns: tuple[str, ...]) -> bool:
    return any(code == p or (p.endswith(".*") and fnmatch.fnmatchcase(code, p)) for p in patterns)


def test_every_code_is_owned_by_one_check() -> None:
    owners: dict[str, list[str]] = {}
    shared: set[str] = set()
    for code in sorted(emitted_codes()):
        owners[code] = [c.name for c in CHECKS.values() if _matches(code, c.owns)]
        if any(_matches(code, c.shares) for c in CHECKS.values()):
            shared.add(code)
    twice = {code: names for code, names in owners.items() if len(names) > 1}
    assert twice == {}
    unowned = sorted(code for code, names in owners.items()
                     if not names and code not in shared and not _matches(code, NOT_A_CHECK))
    assert unowned == [], f"declare these codes in govcell.checks.CHECKS: {unowned}"


def test_a_check_declares_what_it_covers_in_another_checks_codes() -> None:
    covered = {cover.code for c in CHECKS.values() for cover in c.covers}
    assert covered == {"graph.dangling-scenario-tag", "graph.kernel-ac-untested", "graph.dangling-ref"}
    for c in CHECKS.values():
        for cover in c.covers:
            assert not c.declares(cover.code), (c.name, cover.code)
            assert any(other.declares(cover.code) for other in CHECKS.values() if other is not c)


def _undeclared(check: Check, analysis: Analysis) -> list[str]:
    return sorted({f"{d.code} ({d.location})" for d in check.run(analysis) if not check.declares(d.code)})


def _all_checks_declare(root: Path) -> dict[str, list[str]]:
    analysis = Analysis(Cell(root))
    found = {name: _undeclared(check, analysis) for name, check in CHECKS.items()}
    return {name: codes for name, codes in found.items() if codes}


BROKEN = {
    "unreadable ledger": {"specs/spec_ledger.yaml": "stories: [\n", "features/a.feature":
                          "Feature: f\n  @AC-A-001\n  Scenario: s\n    Given x\n", "docs/feature_status.md": "x\n"},
    "dangling everything": {
        "specs/spec_ledger.yaml": "stories:\n  - id: US-A-001\n    title: A\n    adr: ADR-0009\n    requirements:\n"
                                  "      - id: REQ-A-ONE\n        title: One\n        docs: [docs/nope.md]\n"
                                  "        acceptance_criteria:\n          - id: AC-A-001\n            text: t\n"
                                  "            tests: [{type: bdd, file: features/gone.feature}]\n"
                                  "  - id: US-A-002\n    title: Empty\n",
        "features/a.feature": "Feature: f\n  @AC-A-404\n  Scenario: s\n    Given x\n  Scenario: s\n    Given y\n",
        "specs/tasks.yaml": "tasks:\n  - id: T-1\n    title: t\n    status: done\n    depends_on: [T-2]\n"
                            "  - id: T-2\n    title: u\n    depends_on: [T-1]\n    requirement: REQ-NOPE\n",
        ".llm/contextpack.yaml": "tasks:\n  t: {description: T, max_bytes: 10, include: [nope/*, src/*], "
                                "acs: [AC-NOPE]}\n",
        "src/.env": "SECRET=1\n",
        "test-results/r.xml": "<testsuite><testcase name='x'/></testsuite",
        ".govcell.yaml": "results:\n  files: [test-results/r.xml]\n",
    },
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_every_finding_of_a_broken_cell_is_declared_by_its_check(cell: CellBuilder, name: str) -> None:
    for rel, text in BROKEN[name].items():
        cell.write(rel, text)
    assert _all_checks_declare(cell.root) == {}


def test_the_broken_cells_reach_the_covering_rules(cell: CellBuilder) -> None:
    """Alone, the graph reports the dangling tag and the contextpack's reference; with ac-tags and
    context-bundles, only their findings say it."""
    for rel, text in BROKEN["dangling everything"].items():
        cell.write(rel, text)
    analysis = Analysis(Cell(cell.root))
    alone = {d.code for d in run(analysis, ["governance-graph"])}
    assert {"graph.dangling-scenario-tag", "graph.dangling-ref"} <= alone
    together = [d for d in run(analysis) if d.code.startswith("graph.")]
    assert "graph.dangling-scenario-tag" not in {d.code for d in together}
    assert not [d for d in together if d.code == "graph.dangling-ref" and d.path == ".llm/contextpack.yaml"]
    assert [d for d in together if d.code == "graph.dangling-ref"]  # the tasks' references are the graph's own


@pytest.mark.slow
def test_every_finding_of_the_hostile_corpus_and_the_reference_cell_is_declared(tmp_path: Path) -> None:
    undeclared: dict[str, dict[str, list[str]]] = {}
    for case in CASES:
        root = tmp_path / case / "cell"
        materialise(case, root)
        found = _all_checks_declare(root)
        if found:
            undeclared[case] = found
    found = _all_checks_declare(unpack_reference(tmp_path / "reference"))
    if found:
        undeclared["reference"] = found
    assert undeclared == {}


# ----------------------------------------------------------------------------- checks set aside in a child


def _aside_cell(root: Path) -> Path:
    """A bench cell large enough for the graph to be set aside, with a graph finding and an ac-tags finding."""
    from tests.test_cache import _cell, _edit

    _cell(root, stories=70)  # 420 ACs
    _edit(root, "specs/spec_ledger.yaml", "adr: ADR-0001", "adr: ADR-0999")
    _edit(root, "specs/features/story_0002.feature", "@AC-B0002-101", "@AC-B0002-999")
    return root


@pytest.fixture
def console_script(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process acts as a console script about to exit (where checks may run in children)."""
    from govcell import process

    monkeypatch.setattr(process, "_FAST_EXIT", process._FastExitState())
    process._FAST_EXIT.retaining = True


def test_an_aside_check_runs_in_a_child_and_finds_the_same(tmp_path: Path, console_script: None) -> None:
    root = _aside_cell(tmp_path / "cell")
    assert CHECKS["governance-graph"].aside and CHECKS["spec-ledger"].aside and not CHECKS["ac-tags"].aside
    serial = Analysis(Cell(root))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GOVCELL_DIFF_SERIAL", "1")  # no fork: the check runs here after all
        in_turn = run(serial, strict=False)
    forked = Analysis(Cell(root))
    found = run(forked, strict=False, aside=True)
    kept = Analysis(Cell(root))
    assert run(kept) == found and "graph" in kept.__dict__, "a caller that reads the graph afterwards keeps it"
    assert found == in_turn
    assert {"adr.missing", "ac.orphaned-tag"} <= {d.code for d in found}
    assert "graph" in serial.__dict__ and "graph" not in forked.__dict__, "the graph was built in the child"


def test_a_small_cell_or_a_single_check_runs_in_this_process(tmp_path: Path, console_script: None) -> None:
    import govcell.checks

    root = _aside_cell(tmp_path / "cell")
    alone = Analysis(Cell(root))
    run(alone, ["governance-graph"], aside=True)
    assert "graph" in alone.__dict__, "nothing else to do meanwhile: no child"
    small = Analysis(Cell(root))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(govcell.checks, "ASIDE_MIN_ACS", 10_000)
        run(small, aside=True)
    assert "graph" in small.__dict__, "a fork costs more than a small graph"


def test_a_child_that_dies_leaves_its_check_to_this_process(tmp_path: Path, console_script: None,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    import govcell.load.cache

    root = _aside_cell(tmp_path / "cell")
    with monkeypatch.context() as mp:
        mp.setenv("GOVCELL_DIFF_SERIAL", "1")
        expected = run(Analysis(Cell(root)))

    def dies(*_args: object) -> None:
        os._exit(3)

    monkeypatch.setattr(govcell.load.cache, "with_counts", dies)
    analysis = Analysis(Cell(root))
    assert run(analysis, aside=True) == expected and any(d.code == "adr.missing" for d in expected)
    assert "graph" in analysis.__dict__, "computed here after the child ended without an answer"


def test_a_childs_cache_counts_are_the_commands(tmp_path: Path, console_script: None,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from govcell.load.cache import STATS

    root = _aside_cell(tmp_path / "cell")
    saved = dict(STATS)
    counts = []
    try:
        for serial in ("0", "1"):
            STATS.clear()
            monkeypatch.setenv("GOVCELL_CACHE_DIR", str(tmp_path / f"cache-{serial}"))
            monkeypatch.setenv("GOVCELL_DIFF_SERIAL", serial)
            run(Analysis(Cell(root)), aside=True)
            counts.append(dict(STATS))
    finally:
        STATS.clear()
        STATS.update(saved)
    assert counts[0] == counts[1] and counts[0][("validated", "miss")] >= 2


def test_a_check_that_waits_on_a_child_runs_last_and_reports_in_its_place(cell: CellBuilder,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """policy-test takes the policy child's report: it runs after the others, its findings stay in order."""
    import govcell.checks

    assert [name for name, c in CHECKS.items() if c.waits] == ["policy-test"]
    for rel, text in BROKEN["dangling everything"].items():
        cell.write(rel, text)
    cell.write("policy/main.rego", "package main\n\nimport rego.v1\n\ndeny contains \"no\" if { input.x }\n")
    expected = run(Analysis(Cell(cell.root)))
    ran: list[str] = []
    run_one = govcell.checks._run_one

    def recording(analysis: Analysis, name: str) -> list[Diagnostic]:
        ran.append(name)
        return run_one(analysis, name)

    monkeypatch.setattr(govcell.checks, "_run_one", recording)
    assert run(Analysis(Cell(cell.root))) == expected
    assert ran == [name for name in CHECKS if name != "policy-test"] + ["policy-test"]
    codes = [d.code for d in expected]
    policy = [i for i, code in enumerate(codes) if code.startswith("policy.")]
    graph = [i for i, code in enumerate(codes) if code.startswith("graph.")]
    assert policy and graph and max(policy) < min(graph), "policy-test's findings come before the graph's"
