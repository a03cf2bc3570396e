"""The govcell CLI: check, schema, output files, and the published schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govcell.formats.schema import names, schema_text
from tests.conftest import REPO_ROOT, CellBuilder, run_command
from tests.test_foundation_scenarios import VALID_LEDGER


@pytest.mark.parametrize("name", names())
def test_published_schemas_are_current(name: str) -> None:
    """docs/schema/*.json is what editors use; regenerate with `govcell schema NAME -o ...`."""
    published = REPO_ROOT / "docs" / "schema" / f"{name}.json"
    assert published.read_text() == schema_text(name), f"run: govcell schema {name} -o docs/schema/{name}.json"


def test_own_ledger_validates_against_published_schema() -> None:
    import jsonschema

    from govcell.load.yamlio import load_yaml

    schema = json.loads((REPO_ROOT / "docs/schema/ledger.json").read_text())
    data = load_yaml(REPO_ROOT, "specs/spec_ledger.yaml").data
    jsonschema.validate(data, schema)


def test_own_cell_passes_every_check() -> None:
    result = run_command("govcell check", REPO_ROOT)
    assert result.code == 0, result.output


def test_check_list_and_unknown(cell: CellBuilder) -> None:
    assert "spec-ledger" in run_command("govcell check --list", cell.root).stdout
    bad = run_command("govcell check nope", cell.root)
    assert bad.code == 2 and "unknown check" in bad.stderr


def test_output_file_is_written_atomically(cell: CellBuilder) -> None:
    cell.ledger(VALID_LEDGER.replace("US-A-001", "bad"))
    result = run_command("govcell check --format json -o out/report.json", cell.root)
    assert result.code == 1 and result.stdout == ""
    doc = json.loads((cell.root / "out/report.json").read_text())
    assert doc["findings"][0]["code"] == "ledger.id-pattern"
    assert [p.name for p in (cell.root / "out").iterdir()] == ["report.json"]


def test_hook_ignores_filenames_and_checks_cell(cell: CellBuilder) -> None:
    cell.ledger(VALID_LEDGER)
    assert run_command("govcell-spec-ledger README.md specs/spec_ledger.yaml", cell.root).code == 0


def test_hook_starts_without_heavy_imports(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = ("import sys; from govcell.entry.hooks import spec_ledger as main; "
            f"rc = main(['--root', {str(tmp_path)!r}]);"
            "heavy = [m for m in ('networkx', 'jinja2', 'mkdocs', 'regorus', 'gherkin') if m in sys.modules];"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout + out.stderr


def test_selftest_hook_runs_every_check(cell: CellBuilder) -> None:
    cell.ledger(VALID_LEDGER + "        adr: ADR-0009\n")
    result = run_command("govcell-governance-selftest", cell.root)
    assert result.code == 1
    assert "adr.missing" in result.output  # from governance-graph
    cell.ledger(VALID_LEDGER.replace("title: A story", "title: ''"))
    result = run_command("govcell-governance-selftest --format json", cell.root)
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert "ledger.empty-text" in codes  # from spec-ledger


def test_console_scripts_exit_fast_with_output_and_code(cell: CellBuilder) -> None:
    """The installed scripts end with os._exit: output must be flushed and the code kept."""
    import subprocess
    import sys

    cell.ledger(VALID_LEDGER.replace("US-A-001", "bad"))
    for script in ("govcell", "govcell-spec-ledger"):
        argv = [str(Path(sys.executable).parent / script)] + (["check"] if script == "govcell" else [])
        proc = subprocess.run(argv + ["--format", "json"], cwd=cell.root, capture_output=True, text=True,
                              check=False)
        assert proc.returncode == 1, proc.stderr
        assert json.loads(proc.stdout)["findings"][0]["code"] == "ledger.id-pattern"


def test_status_document_matches_its_published_schema(tmp_path: Path) -> None:
    """`govcell schema status` describes what `govcell status --json` prints, verdict and commit included."""
    import jsonschema

    from govcell.cell import Cell

    from govcell.derive.analysis import Analysis
    from govcell.report.status import status_document

    doc = status_document(Analysis(Cell(REPO_ROOT)))
    jsonschema.validate(doc, json.loads((REPO_ROOT / "docs/schema/status.json").read_text()))
    assert doc["verdict"]["state"] in ("pass", "attention", "fail")
    assert doc["commit"] is not None and len(doc["commit"]["sha"]) == 40
    empty = tmp_path / "nogit"
    empty.mkdir()
    (empty / "specs").mkdir()
    (empty / "specs/spec_ledger.yaml").write_text("stories: [\n")
    broken = status_document(Analysis(Cell(empty)))
    jsonschema.validate(broken, json.loads((REPO_ROOT / "docs/schema/status.json").read_text()))
    assert broken["commit"] is None
    assert broken["verdict"]["state"] == "fail"
    assert [r["code"] for r in broken["verdict"]["reasons"]][:2] == ["unreadable-file", "errors"]


def test_a_command_line_builds_only_its_command_and_still_lists_every_other() -> None:
    """`govcell check` does not import what the other commands' options name (40 ms of every run)."""
    import subprocess
    import sys

    code = ("import sys; from govcell.cli.main import build_parser; p = build_parser(['check']); "
            "print(sorted(m for m in sys.modules if m.startswith(('govcell.report.policy', 'govcell.derive.policy'))));"
            "print(sorted(p._subparsers._group_actions[0].choices))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == "[]"
    from govcell.cli.main import SUBCOMMANDS, build_parser

    every = sorted(name for _, names in SUBCOMMANDS for name in names)
    assert out[1] == str(every)
    full = build_parser()
    assert sorted(full._subparsers._group_actions[0].choices) == every  # type: ignore[union-attr]
    assert "run the Rego policies" in full.format_help()
