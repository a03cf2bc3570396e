"""govcell.load.repofiles: which files a bundle can see (the globs that pick among them: tests/test_globs.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govcell.load.repofiles import list_files
from tests.conftest import CellBuilder, git, init_git


def test_git_lists_tracked_files_only(cell: CellBuilder) -> None:
    init_git(cell.root)
    cell.write(".gitignore", "build/\n")
    cell.write("build/out.py", "x\n")
    cell.write("src/a b ü.py", "x\n")
    git(cell.root, "add", "-A")
    git(cell.root, "commit", "-q", "-m", "x")
    cell.write("untracked.py", "x\n")
    files = list_files(cell.root)
    assert files.in_git and files.commit and len(files.commit) == 40
    assert files.paths == [".gitignore", "src/a b ü.py"]


def test_git_lists_paths_below_a_subdirectory_cell(cell: CellBuilder) -> None:
    init_git(cell.root)
    cell.write("outer.txt", "x\n")
    cell.write("svc/inner.txt", "x\n")
    git(cell.root, "add", "-A")
    files = list_files(cell.root / "svc")
    assert files.in_git and files.commit is None
    assert files.paths == ["inner.txt"]


def test_walk_honours_gitignore_and_skips_dot_git(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    cell = CellBuilder(root)
    cell.write(".gitignore", "*.log\nbuild/\n")
    cell.write("a.py", "x\n")
    cell.write("debug.log", "x\n")
    cell.write("build/out.py", "x\n")
    cell.write(".llm/bundle/old.md", "x\n")
    (root / "sub").mkdir()
    os.symlink("/etc", root / "sub" / "etc-link")
    files = list_files(root, [".llm/bundle"])
    assert not files.in_git and files.commit is None
    assert files.paths == [".gitignore", "a.py", "sub/etc-link"]


def test_a_listing_started_early_is_the_one_listed_later(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`govcell check` starts git before it reads the ledger (Analysis.start_listing); the bundler takes that list."""
    from govcell import process
    from govcell.cell import Cell
    from govcell.derive.analysis import Analysis
    from govcell.load import git as git_mod
    from tests.test_cache import _cell

    root = _cell(tmp_path / "cell")
    (root / "untracked.txt").write_text("not in git\n", encoding="utf-8")
    expected = list_files(root, [".llm/bundle"])
    in_process = Analysis(Cell(root))
    in_process.start_listing()
    assert "_listing" not in in_process.__dict__, "an in-process caller lists when it needs the files"
    monkeypatch.setattr(process, "_FAST_EXIT", process._FastExitState())
    process._FAST_EXIT.retaining = True
    analysis = Analysis(Cell(root))
    analysis.start_listing()
    assert "_listing" in analysis.__dict__
    monkeypatch.setattr(git_mod, "later", lambda *_a: pytest.fail("listed twice"))
    files = analysis.bundler.files
    assert (files.paths, files.in_git, files.commit) == (expected.paths, expected.in_git, expected.commit)
    assert "untracked.txt" not in files and files.commit
