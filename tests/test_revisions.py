"""File sources (govcell.load.sources): a cell loads from a commit or the index as from the working tree."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from govcell.cell import Cell
from govcell.derive.analysis import Analysis
from govcell.checks import CHECKS, run
from govcell.load.git import close_all
from govcell.load.sources import RevisionError, at_revision, source_for, staged
from tests.conftest import git, init_git

CHECKED = [c for c in CHECKS if c != "test-results"]


def _cell(root: Path) -> None:
    (root / "specs").mkdir(parents=True)
    (root / "features").mkdir()
    (root / "docs/adr").mkdir(parents=True)
    (root / "specs/spec_ledger.yaml").write_text(
        "metadata: {adrs: [ADR-0001]}\nstories:\n  - id: US-A-001\n    title: A\n    requirements:\n"
        "      - id: REQ-A-1\n        title: R\n        acceptance_criteria:\n          - id: AC-A-001\n"
        "            text: T\n          - id: AC-A-002\n            text: U\n")
    (root / "features/a.feature").write_text("Feature: A\n  @AC-A-001\n  Scenario: S\n    Given x\n"
                                            "  @AC-NOPE-1\n  Scenario: Orphan\n    Given y\n")
    (root / "docs/adr/0001-first.md").write_text("# ADR-0001: First\n\nStatus: accepted\n")
    (root / "docs/adr/0002-unused.md").write_text("# Unused\n")
    (root / ".llm").mkdir()
    (root / ".llm/contextpack.yaml").write_text("tasks:\n  a:\n    description: A\n    max_bytes: 100000\n"
                                                "    include: [specs/, features/, link.md, missing.md]\n")
    (root / ".govcell.yaml").write_text("severity: {adr.unreferenced: error}\n")


def test_a_revision_loads_like_the_working_tree(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    cell_root = repo / "sub" / "cell"  # a cell below the repository root
    cell_root.mkdir(parents=True)
    init_git(repo)
    _cell(cell_root)
    if hasattr(os, "symlink"):
        os.symlink("specs/spec_ledger.yaml", cell_root / "link.md")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")
    here = run(Analysis(Cell(cell_root)), CHECKED)
    assert {d.code for d in here} >= {"ac.orphaned-tag", "ac.uncovered-kernel", "adr.unreferenced",
                                      "bundle.no-match"}
    at_head = run(Analysis(Cell(cell_root, source=at_revision(cell_root, "HEAD"))), CHECKED)
    in_index = run(Analysis(Cell(cell_root, source=staged(cell_root))), CHECKED)
    close_all()
    assert at_head == here and in_index == here
    # The working tree moves on; the revision does not.
    shutil.rmtree(cell_root / "features")
    (cell_root / "specs/spec_ledger.yaml").write_text("stories: []\n")
    assert run(Analysis(Cell(cell_root, source=at_revision(cell_root, "HEAD"))), CHECKED) == here
    close_all()


def test_files_read_from_a_revision(tmp_path: Path) -> None:
    init_git(tmp_path)
    (tmp_path / "a").mkdir()
    (tmp_path / "a/x.txt").write_text("one\n")
    (tmp_path / "bin.dat").write_bytes(b"\x00\x01")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "one")
    (tmp_path / "a/x.txt").write_text("two\n")
    git(tmp_path, "add", "-A")
    src = source_for(tmp_path, "HEAD")
    idx = source_for(tmp_path, "INDEX")
    assert src.read_text("a/x.txt", max_bytes=100).text == "one\n"
    assert idx.read_text("a/x.txt", max_bytes=100).text == "two\n"
    assert source_for(tmp_path, None).read_text("a/x.txt", max_bytes=100).text == "two\n"
    assert [d.code for d in src.read_text("a/x.txt", max_bytes=2).diagnostics] == ["file.too-large"]
    assert [d.code for d in src.read_text("bin.dat", max_bytes=100).diagnostics] == ["file.binary"]
    assert [d.code for d in src.read_text("nope.txt", max_bytes=100).diagnostics] == ["file.missing"]
    assert [d.code for d in src.read_text("a", max_bytes=100).diagnostics] == ["file.not-a-file"]
    assert [d.code for d in src.read_text("../x", max_bytes=100).diagnostics] == ["file.outside-repo"]
    assert src.is_dir("a") and src.is_file("a/x.txt") and not src.is_file("a") and src.walk("a") == ["a/x.txt"]
    assert src.listdir("a") == ["x.txt"] and src.blob_id("a/x.txt") == git(tmp_path, "rev-parse",
                                                                             "HEAD:a/x.txt").strip()
    with pytest.raises(RevisionError):
        at_revision(tmp_path, "no-such-ref")
    with pytest.raises(RevisionError):
        at_revision(tmp_path, "--output=/tmp/x")
    close_all()


def test_a_diff_in_process_leaves_the_parse_settings_as_they_were(tmp_path: Path) -> None:
    import govcell.load.features as features
    from govcell.report.revisions import diff as compute

    init_git(tmp_path)
    _cell(tmp_path)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "one")
    before = features.PARALLEL_MIN_FILES
    doc = compute(str(tmp_path), None, "HEAD", None)
    assert doc["diagnostics"] == [] and before == features.PARALLEL_MIN_FILES
