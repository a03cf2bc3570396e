"""bench/: the synthetic cell generator and the runner (never timed here: timings depend on the machine)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from govcell.cell import Cell
from govcell.derive.analysis import Analysis
from govcell.checks import CHECKS, run

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

from gen_cell import generate, stories_for  # noqa: E402


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts}


@pytest.mark.ac("AC-PERF-001")
def test_generated_cell_passes_every_check_and_is_deterministic(tmp_path: Path) -> None:
    counts = generate(tmp_path / "a", stories=5)
    assert counts["items"] == 5 * 10 and counts["feature_files"] == 5 and counts["tasks"] == 15
    found = run(Analysis(Cell(tmp_path / "a")))
    assert [d for d in found if d.severity.value != "info"] == []
    generate(tmp_path / "b", stories=5)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    kinds = {rel.split("/")[0] for rel in _files(tmp_path / "a")}
    assert {"specs", "policy", "docs", ".llm", "tests", ".govcell.yaml"} <= kinds


def test_items_give_whole_stories() -> None:
    assert stories_for(2000) == 200 and stories_for(8000) == 800 and stories_for(1) == 1


def test_bare_cell_is_the_site_benchmarks_minimal_cell(tmp_path: Path) -> None:
    counts = generate(tmp_path / "c", stories=2, bare=True)
    assert sorted(_files(tmp_path / "c")) == ["specs/features/story_0001.feature",
                                               "specs/features/story_0002.feature", "specs/spec_ledger.yaml"]
    assert counts["items"] == 20


@pytest.mark.slow
@pytest.mark.ac("AC-PERF-002")
def test_runner_reports_every_command() -> None:
    done = subprocess.run([sys.executable, str(BENCH / "run.py"), "--sizes", "20,40", "--repeat", "1"],
                          capture_output=True, text=True, check=True)
    out = done.stdout
    for name in CHECKS:
        assert f"`govcell-{name}`" in out
    for command in ("`govcell check`", "`govcell status --json`", "`govcell site build`"):
        assert command in out
    assert "crashed" not in out and "Exited non-zero" not in out, out
    assert "20 items min" in out and "40 items min" in out and "growth" in out
    assert "### Cold" in out and "### Warm" in out and "| hook (warm) |" in out
    assert out.count("`pre-commit run --all-files`") >= 4  # both cells and this repository, cold and warm


@pytest.mark.ac("AC-PERF-006")
def test_single_check_hooks_do_not_import_networkx_on_a_cell_without_cycles(tmp_path: Path) -> None:
    generate(tmp_path / "cell", stories=2)
    code = ("import sys; from govcell.cli.main import main; rc = main(['check', 'governance-graph', 'spec-ledger', "
            "'ac-tags']); print('networkx' in sys.modules, 'regorus' in sys.modules); sys.exit(rc)")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path / "cell", capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False False"
