"""govcell.load.repofiles: which files a bundle can see (the globs that pick among them: tests/test_globs.py)."""

from __future__ import annotations

import os
from pathlib import Path


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
