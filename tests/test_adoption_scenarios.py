"""Executes features/adoption.feature: ``govcell init`` and every hook through pre-commit."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pytest_bdd import given, parsers, scenarios, then, when

from tests.conftest import REPO_ROOT, CellBuilder, Result, git, init_git, run_command

scenarios("adoption.feature")

#: What each hook must say when the cell is broken by ``_break_cell`` (one breakage per
#: hook, chosen so that none hides another). A hook missing here fails the scenario.
EXPECTED_FAILURE: dict[str, list[str]] = {
    "spec-ledger": ["specs/spec_ledger.yaml:10:9", "ledger.id-pattern"],
    "ac-tags": ["features/more.feature:3:3", "ac.orphaned-tag"],
    "context-bundles": [".llm/contextpack.yaml", "bundle.over-budget"],
    "governance-graph": ["specs/spec_ledger.yaml", "adr.missing", "ADR-0002"],
    "policy-test": ["policy/testdata/ledger_valid.yaml", "policy.fixture-unexpected-failure"],
    "feature-status": ["files were modified by this hook", "docs/feature_status.md: regenerated"],
    "test-results": ["test-results/bad.json", "results.malformed"],
    "governance-site": ["missing-page.md", "strict mode"],
    "governance-selftest": ["ledger.id-pattern", "ac.orphaned-tag", "adr.missing",
                            "policy.fixture-unexpected-failure", "results.malformed", "bundle.over-budget"],
}

_HOOK_LINE = re.compile(r"^(?P<name>\S.*?)\.+(?:\([^)]*\))?(?P<status>Passed|Failed|Skipped)$")


def manifest_hooks() -> list[dict[str, object]]:
    """The hooks a file run reaches (`try-repo --hook-stage manual`): not the commit-msg hook, which
    judges a commit message (proven for real by the init_fits scenario's commit)."""
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    return [h for h in hooks if h.get("stages") != ["commit-msg"]]


# --------------------------------------------------------------------------- govcell init


@given("an empty git repository", target_fixture="cell")
def _empty_git_repo(cell: CellBuilder) -> CellBuilder:
    init_git(cell.root)
    return cell


@then("the cell has the scaffold files")
def _has_scaffold(cell: CellBuilder) -> None:
    from govcell.adopt.starter import SCHEMAS, scaffold_files

    from govcell.adopt.starter import PIECE_NEEDS, policy_piece

    expected = {rel for rel in scaffold_files() if not (rel.startswith("policy/") and policy_piece(rel) in PIECE_NEEDS)}
    expected |= {f"docs/schema/{n}.json" for n in SCHEMAS} | {"docs/feature_status.md"}
    present = {p for p in cell.snapshot() if not p.startswith(".git/")}
    assert expected <= present, sorted(expected - present)
    for rel in (".pre-commit-config.yaml", ".govcell.yaml", ".llm/contextpack.yaml", "mkdocs.yml",
                "docs/adr/0001-record-architecture-decisions.md", "features/governance.feature", "policy/ledger.rego",
                "policy/testdata/ledger_valid.yaml"):
        assert rel in present, rel


@then("the site has the governance pages")
def _site_pages(cell: CellBuilder) -> None:
    site = cell.root / "site"
    assert (site / "index.html").is_file()
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert any("US-CELL-001" in p for p in pages), sorted(pages)
    assert "AC-CELL-001" in "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))


@given("the site extra is not installed")
def _no_site_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes `import mkdocs` raise ImportError, as on a plain install.
    monkeypatch.setitem(sys.modules, "mkdocs", None)
    monkeypatch.setitem(sys.modules, "material", None)


@then("the JSON report has no findings")
def _no_findings(ctx: dict[str, object]) -> None:
    result = ctx["result"]
    assert isinstance(result, Result)
    doc = json.loads(result.stdout)
    assert doc["findings"] == [] and doc["summary"] == {"error": 0, "warning": 0, "info": 0}, result.stdout


@then(parsers.parse('the file "{rel}" still holds "{text}"'))
def _file_holds(cell: CellBuilder, rel: str, text: str) -> None:
    assert text in (cell.root / rel).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- every hook through pre-commit


@given("a git repository scaffolded by govcell init and committed", target_fixture="cell")
def _scaffolded_repo(cell: CellBuilder, ctx: dict[str, object], govcell_snapshot: tuple[Path, str],
                     pre_commit_home: Path) -> CellBuilder:
    init_git(cell.root)
    result = run_command("govcell init", cell.root)
    assert result.code == 0, result.output
    git(cell.root, "commit", "-q", "-m", "govcell init")  # init staged its files
    ctx["govcell"] = govcell_snapshot
    ctx["pre_commit_home"] = pre_commit_home
    return cell


@when("pre-commit try-repo runs every govcell hook")
def _try_repo_all(cell: CellBuilder, ctx: dict[str, object]) -> None:
    repo, rev = ctx["govcell"]  # type: ignore[misc]
    env = {**os.environ, "PRE_COMMIT_HOME": str(ctx["pre_commit_home"]), "PRE_COMMIT_COLOR": "never"}
    pre_commit = Path(sys.executable).parent / "pre-commit"
    # --hook-stage manual: hooks without `stages` run at every stage, so this one
    # invocation runs every hook of the manifest, the manual-stage ones included.
    proc = subprocess.run(
        [str(pre_commit), "try-repo", str(repo), "--ref", rev, "--all-files", "--verbose",
         "--hook-stage", "manual", "--color", "never"],
        cwd=cell.root, capture_output=True, text=True, env=env, timeout=1800,
    )
    ctx["proc"] = proc
    ctx["sections"] = _sections(proc.stdout)


def _sections(stdout: str) -> dict[str, tuple[str, str]]:
    """hook id -> (status, output) from ``pre-commit run --verbose`` output."""
    out: dict[str, tuple[str, str]] = {}
    status, hook_id, body = "", "", []  # type: ignore[var-annotated]
    for line in stdout.splitlines():
        match = _HOOK_LINE.match(line)
        if match:
            if hook_id:
                out[hook_id] = (status, "\n".join(body))
            status, hook_id, body = match["status"], "", [line]
            continue
        if line.startswith("- hook id: ") and not hook_id:
            hook_id = line.removeprefix("- hook id: ").strip()
        body.append(line)
    if hook_id:
        out[hook_id] = (status, "\n".join(body))
    return out


@then("every hook passed")
def _every_hook_passed(ctx: dict[str, object]) -> None:
    proc = ctx["proc"]
    sections = ctx["sections"]
    assert isinstance(proc, subprocess.CompletedProcess) and isinstance(sections, dict)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ids = [str(h["id"]) for h in manifest_hooks()]
    assert sorted(sections) == sorted(ids), proc.stdout
    for hook_id in ids:
        assert sections[hook_id][0] == "Passed", sections[hook_id][1]


@when("the cell is broken in one way per hook")
def _break_cell(cell: CellBuilder) -> None:
    ledger = cell.root / "specs/spec_ledger.yaml"
    text = ledger.read_text(encoding="utf-8")
    # spec-ledger: an ID off its pattern; governance-graph: a reference to an ADR that does not exist.
    text = text.replace("  - id: US-CELL-001\n    title: Changes to this repository are governed\n",
                        "  - id: US-cell-001\n    title: Changes to this repository are governed\n"
                        "    adr: ADR-0002\n")
    assert "US-cell-001" in text
    ledger.write_text(text, encoding="utf-8")
    # ac-tags: a scenario naming no AC of the ledger (also makes feature_status.md stale).
    cell.write("features/more.feature", "Feature: More\n\n  @AC-CELL-999\n  Scenario: Orphan\n    Given x\n")
    # policy-test: a "valid" fixture that fails its policy.
    cell.write("policy/testdata/ledger_valid.yaml", "stories:\n  - id: US-A-001\n    title: s\n    requirements:\n"
               "      - id: REQ-A-ONE\n        title: r\n        acceptance_criteria:\n"
               "          - {id: AC-A-001, text: untested}\n")
    # context-bundles: a budget the bundle cannot fit.
    pack = cell.root / ".llm/contextpack.yaml"
    pack.write_text(pack.read_text(encoding="utf-8").replace("max_bytes: 100000", "max_bytes: 100"), encoding="utf-8")
    # governance-site: a link to a page that does not exist fails the strict build.
    index = cell.root / "docs/index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\nSee [the plan](missing-page.md).\n", encoding="utf-8")
    # test-results: a result file that is not a result file.
    cell.write("test-results/bad.json", "{not json\n")
    config = cell.root / ".govcell.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("  files: []", "  files: [test-results/bad.json]"),
                      encoding="utf-8")
    git(cell.root, "add", "-A")


@then("every hook failed with its own finding")
def _every_hook_failed(ctx: dict[str, object]) -> None:
    proc = ctx["proc"]
    sections = ctx["sections"]
    assert isinstance(proc, subprocess.CompletedProcess) and isinstance(sections, dict)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    ids = sorted(str(h["id"]) for h in manifest_hooks())
    assert sorted(EXPECTED_FAILURE) == ids, "every hook needs an expected failure here"
    assert sorted(sections) == ids, proc.stdout
    for hook_id, needles in EXPECTED_FAILURE.items():
        status, body = sections[hook_id]
        assert status == "Failed", body
        for needle in needles:
            assert needle in body, f"{hook_id}: {needle!r} not in\n{body}"
