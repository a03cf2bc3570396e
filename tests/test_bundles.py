"""govcell.derive.bundles: the context-bundles check, Analysis().budgets and govcell bundle, on real repositories."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from govcell.checks.context_bundles import check as _check
from govcell.derive.bundles import build as _build
from govcell.cell import Cell
from govcell.derive.analysis import Analysis
from govcell.derive.bundles import Bundle
from govcell.diagnostics import Diagnostic
from tests.conftest import REPO_ROOT, CellBuilder, git, init_git, run_command


def check(cell: Cell) -> list[Diagnostic]:
    """The context-bundles check on ``cell``."""
    return _check(Analysis(cell))


def build(cell: Cell, name: str) -> Bundle | None:
    """Bundle ``name`` of ``cell``."""
    return _build(Analysis(cell).bundler, name)

LEDGER = """\
stories:
  - id: US-A-001
    title: A story
    requirements:
      - id: REQ-A-ONE
        title: A requirement
        acceptance_criteria:
          - id: AC-A-001
            text: Something holds
            tests: [{type: unit, tag: test_x, file: tests/test_x.py}]
          - id: AC-A-002
            text: Something else holds
"""


def committed(cell: CellBuilder, contextpack: str, files: dict[str, str | bytes] | None = None) -> Cell:
    """A git repository with the ledger, ``files`` and the contextpack, all committed."""
    init_git(cell.root)
    cell.ledger(LEDGER)
    cell.write("tests/test_x.py", "def test_x():\n    assert 1\n")
    for rel, content in (files or {}).items():
        cell.write(rel, content)
    cell.write(".llm/contextpack.yaml", contextpack)
    git(cell.root, "add", "-A")
    git(cell.root, "commit", "-q", "-m", "cell")
    return Cell(cell.root)


def codes(cell: Cell) -> list[tuple[str, str]]:
    return [(d.code, d.location) for d in check(cell)]


def test_no_contextpack_is_not_a_finding(cell: CellBuilder) -> None:
    cell.ledger(LEDGER)
    assert check(Cell(cell.root)) == []
    assert Analysis(Cell(cell.root)).budgets == []


def test_task_in_tasks_file_links_bundle(cell: CellBuilder) -> None:
    cell.write("specs/tasks.yaml", "tasks:\n  - {id: fix_x, title: Fix x, requirement: REQ-A-ONE, acs: [AC-A-002]}\n")
    c = committed(cell, "tasks:\n  fix_x: {description: Fix x, max_bytes: 9000, include: [tests/*.py]}\n")
    bundle = build(c, "fix_x")
    assert [lr.requirement.id for lr in bundle.links] == ["REQ-A-ONE"]
    assert [(la.ac.id, la.status) for la in bundle.links[0].acs] == [("AC-A-001", "covered, not run"),
                                                                      ("AC-A-002", "uncovered, not run")]


def test_budgets_report_every_bundle(cell: CellBuilder) -> None:
    c = committed(cell, """\
tasks:
  small: {description: Small, max_bytes: 100000, include: [src/a.py, src/logo.png]}
  tight: {description: Tight, max_bytes: 300, include: ["src/*"]}
""", {"src/a.py": "a = 1\n" * 10, "src/b.py": "b = 2\n" * 100, "src/logo.png": b"\x89PNG\x00\x00"})
    got = {b.name: b for b in Analysis(c).budgets}
    assert list(got) == ["small", "tight"]
    small, tight = got["small"], got["tight"]
    assert small.files == [("src/a.py", 60)] and small.skipped == [("src/logo.png", "binary")]
    assert not small.over and 60 < small.bytes < small.max_bytes
    assert tight.files == [("src/a.py", 60), ("src/b.py", 600)] and tight.over and tight.bytes > 660
    over = [d for d in check(c) if d.code == "bundle.over-budget"]
    assert len(over) == 1 and "largest files: src/b.py (600 bytes), src/a.py (60 bytes)" in over[0].message


def test_secret_in_two_bundles_is_one_finding(cell: CellBuilder) -> None:
    c = committed(cell, """\
tasks:
  one: {description: One, max_bytes: 9000, include: [conf/*]}
  two: {description: Two, max_bytes: 9000, include: ["**/prod.env"]}
""", {"conf/prod.env": "TOKEN=x\n"})
    found = [d for d in check(c) if d.code == "bundle.secret-file"]
    assert len(found) == 1 and found[0].message.endswith("(bundles 'one', 'two')")


def test_allow_secrets_is_exact_paths_only(cell: CellBuilder) -> None:
    c = committed(cell, """\
tasks:
  fx:
    description: Fixtures
    max_bytes: 9000
    include: [fixtures/*]
    allow_secrets: [fixtures/server.pem, "fixtures/*.key", fixtures/gone.pem]
""", {"fixtures/server.pem": "not really a key\n", "fixtures/client.key": "nor this\n"})
    assert codes(c) == [
        ("bundle.allow-not-exact", ".llm/contextpack.yaml:6:42"),
        ("bundle.allow-unused", ".llm/contextpack.yaml:6:60"),
        ("bundle.secret-file", "fixtures/client.key"),
    ]


def test_file_over_read_limit_is_skipped_and_listed(cell: CellBuilder) -> None:
    cell.write(".govcell.yaml", "limits: {max_file_bytes: 1000}\n")
    c = committed(cell, "tasks:\n  gen: {description: Gen, max_bytes: 9000, include: [dist/*, tests/*]}\n",
                  {"dist/bundle.js": "x = 1;\n" * 1000})
    found = list(check(c))
    assert [d.code for d in found] == ["bundle.skipped-too-large"]
    assert build(c, "gen").skipped == [("dist/bundle.js", "too large to read (7000 bytes, limit 1000)")]


def test_symlink_inside_the_repository_is_carried(cell: CellBuilder) -> None:
    cell.write("docs/real.md", "# real\n")
    (cell.root / "docs").mkdir(parents=True, exist_ok=True)
    os.symlink("real.md", cell.root / "docs" / "alias.md")
    c = committed(cell, "tasks:\n  d: {description: D, max_bytes: 9000, include: [docs/*]}\n")
    assert check(c) == []
    assert [f.path for f in build(c, "d").files] == ["docs/alias.md", "docs/real.md"]


def test_bad_names_outputs_and_empty_bundles(cell: CellBuilder) -> None:
    c = committed(cell, """\
tasks:
  "../evil": {description: E, max_bytes: 9000, include: [tests/*]}
  out: {description: O, max_bytes: 9000, include: [tests/*], output: ../../tmp/x.md}
  empty: {description: Nothing, max_bytes: 9000, include: [src/img.png]}
  _fixture: {description: A leading underscore is a plain file name, max_bytes: 9000, include: [tests/*]}
  -rf: {description: A leading dash is not, max_bytes: 9000, include: [tests/*]}
""", {"src/img.png": b"\x00\x01"})
    got = codes(c)
    assert ("bundle.bad-name", ".llm/contextpack.yaml:2:3") in got
    assert ("bundle.bad-name", ".llm/contextpack.yaml:6:3") in got
    assert ("bundle.bad-name", ".llm/contextpack.yaml:5:3") not in got
    assert ("bundle.path-escape", ".llm/contextpack.yaml:3:70") in got
    assert ("bundle.empty", ".llm/contextpack.yaml:4:10") in got


def test_llmignore_unreadable_is_a_finding(cell: CellBuilder) -> None:
    cell.write(".llm/.llmignore", b"caf\xe9\n")
    c = committed(cell, "tasks:\n  t: {description: T, max_bytes: 9000, include: [tests/*]}\n")
    assert codes(c) == [("bundle.llmignore.encoding", ".llm/.llmignore:1:4")]


def test_invalid_ledger_is_the_cause_not_the_references(cell: CellBuilder) -> None:
    """An unreadable ledger: the bundles check names it as the cause, never a dangling AC per reference."""
    c = committed(cell, "tasks:\n  t: {description: T, max_bytes: 9000, include: [tests/*], acs: [AC-NOPE]}\n")
    (cell.root / "specs/spec_ledger.yaml").write_text("stories: [\n")
    assert codes(Cell(cell.root)) == [("yaml.syntax", "specs/spec_ledger.yaml:2:1")]
    assert c is not None


def test_unknown_id_is_one_finding_when_the_graph_runs_too(cell: CellBuilder) -> None:
    committed(cell, "tasks:\n  t: {description: T, max_bytes: 9000, include: [tests/*], acs: [AC-A-003]}\n")
    result = run_command("govcell check", cell.root)
    assert result.code == 1
    assert "bundle.unknown-ac" in result.stdout and "graph.dangling-ref" not in result.stdout
    alone = run_command("govcell check governance-graph", cell.root)
    assert "graph.dangling-ref" in alone.stdout


def test_cli_usage_errors(cell: CellBuilder) -> None:
    committed(cell, "tasks:\n  core: {description: C, max_bytes: 9000, include: [tests/*]}\n")
    unknown = run_command("govcell bundle cor", cell.root)
    assert unknown.code == 2 and "did you mean 'core'?" in unknown.stderr
    both = run_command("govcell bundle core --ac AC-A-001", cell.root)
    assert both.code == 2
    assert run_command("govcell bundle --ac AC-A-001 --max-bytes 0", cell.root).code == 2


def test_cli_stdout_writes_nothing(cell: CellBuilder) -> None:
    committed(cell, "tasks:\n  core: {description: C, max_bytes: 9000, include: [tests/*], prompt: Go}\n")
    before = cell.snapshot()
    result = run_command("govcell bundle core --out -", cell.root)
    assert result.code == 0 and result.stdout.startswith("# Context bundle: core\n")
    assert "### `tests/test_x.py` (" in result.stdout and "## Prompt\n\nGo\n" in result.stdout
    assert cell.snapshot() == before


def test_cli_over_budget_task_reports_left_out_files(cell: CellBuilder) -> None:
    committed(cell, "tasks:\n  t: {description: T, max_bytes: 700, include: [src/*]}\n",
              {"src/a.py": "a\n" * 100, "src/b.py": "b\n" * 1000})
    result = run_command("govcell bundle t", cell.root)
    assert result.code == 1
    assert "error: bundle.over-budget: bundle 't' does not fit its 700 bytes: left out 1 file(s): src/b.py (2000" \
        in result.stderr
    doc = json.loads((cell.root / ".llm/bundle/t.md.manifest.json").read_text())
    assert [f["path"] for f in doc["files"]] == ["src/a.py"]
    assert doc["omitted"] == [{"path": "src/b.py", "bytes": 2000, "reason": "does not fit the budget"}]
    assert doc["bytes"] <= 700


def test_hook_is_published() -> None:
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    (hook,) = [h for h in hooks if h["id"] == "context-bundles"]
    assert hook["entry"] == "govcell-context-bundles" and hook["pass_filenames"] is False
    local = yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text())
    assert "context-bundles" in [h["id"] for repo in local["repos"] for h in repo["hooks"]]
    script = 'govcell-context-bundles = "govcell.entry.console:context_bundles"'
    assert script in (REPO_ROOT / "pyproject.toml").read_text()


def test_hook_starts_without_heavy_imports(cell: CellBuilder) -> None:
    committed(cell, "tasks:\n  t: {description: T, max_bytes: 9000, include: [tests/*], acs: [AC-A-001]}\n")
    code = ("import sys; from govcell.entry.hooks import context_bundles as main; "
            f"rc = main(['--root', {str(cell.root)!r}]);"
            "heavy = [m for m in ('networkx', 'jinja2', 'mkdocs', 'regorus', 'gherkin') if m in sys.modules];"
            "print(rc, heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stdout.strip().splitlines()[-1] == "0 []", out.stdout + out.stderr


def test_own_contextpack_within_budget() -> None:
    own = Cell(REPO_ROOT)
    got = Analysis(own).budgets
    assert {b.name for b in got} >= {"kernel", "add_a_check", "ledger", "bundles"}
    for b in got:
        assert not b.over and b.files and not b.skipped, b
    assert [d for d in check(own) if d.severity.value != "info"] == []


@pytest.mark.parametrize("fmt", ["md", "xml"])
def test_outputs_are_byte_identical_across_checkouts(tmp_path: Path, fmt: str) -> None:
    """Same repository content in two places (same commit) renders the same bytes."""
    outs = []
    for name in ("one", "two"):
        builder = CellBuilder(tmp_path / name)
        committed(builder, "tasks:\n  t: {description: T, max_bytes: 9000, include: [tests/*], acs: [AC-A-001]}\n")
        git(builder.root, "commit", "-q", "--amend", "--no-edit", "--date=2020-01-01T00:00:00",
            "--reset-author")
        result = run_command(f"govcell bundle t --format {fmt} --out -", builder.root)
        assert result.code == 0, result.output
        outs.append(result.stdout.replace(git(builder.root, "rev-parse", "HEAD").strip(), "COMMIT"))
    assert outs[0] == outs[1]


def test_any_contextpack_yields_findings_never_a_crash(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Arbitrary task shapes (wrong types, odd globs, hostile names) give findings, never an exception."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    root = tmp_path_factory.mktemp("prop")
    builder = CellBuilder(root)
    committed(builder, "tasks: {}\n", {"src/a.py": "a = 1\n", "src/b.bin": b"\x00"})
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.text(max_size=12),
                        st.sampled_from(["**", "../x", "/etc/*", "src/[", "src/**/*.py", "~/x", "src/a.py"]))
    fields = st.sampled_from(["description", "max_bytes", "include", "include_globs", "exclude", "prompt",
                              "output", "max_files", "acs", "requirements", "allow_secrets", "bogus"])
    task = st.dictionaries(fields, st.one_of(scalars, st.lists(scalars, max_size=3)), max_size=8)
    pack = st.dictionaries(st.text(min_size=1, max_size=8), task, max_size=3)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(pack)
    def run(tasks: dict[str, object]) -> None:
        (root / ".llm" / "contextpack.yaml").write_text(yaml.safe_dump({"tasks": tasks}), encoding="utf-8")
        c = Cell(root)
        found = check(c)
        assert all(d.code != "internal.error" for d in found)
        assert isinstance(Analysis(c).budgets, list)

    run()
