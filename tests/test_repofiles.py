"""hooks.repofiles: which files a bundle can see, and the globs that pick them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hooks.repofiles import RepoFiles, escape_reason, glob_regex, list_files, match, matcher
from tests.conftest import CellBuilder, git, init_git

FILES = RepoFiles(sorted([
    "README.md", "src/a.py", "src/pkg/b.py", "src/pkg/deep/c.py", "src/.hidden.py", "docs/x.md",
    "docs/sub/y.md", "specs/features/f.feature", "my dir/naïve file.txt", "data[1].csv",
]), True, None)


@pytest.mark.parametrize(("pattern", "expected"), [
    ("src/*.py", ["src/.hidden.py", "src/a.py"]),
    ("src/**/*.py", ["src/.hidden.py", "src/a.py", "src/pkg/b.py", "src/pkg/deep/c.py"]),
    ("**/*.md", ["README.md", "docs/sub/y.md", "docs/x.md"]),
    ("docs/", ["docs/sub/y.md", "docs/x.md"]),
    ("docs", ["docs/sub/y.md", "docs/x.md"]),
    ("docs/**", ["docs/sub/y.md", "docs/x.md"]),
    ("./README.md", ["README.md"]),
    ("src/?.py", ["src/a.py"]),
    ("src/[ab].py", ["src/a.py"]),
    ("src/[!a].py", []),
    ("my dir/naïve file.txt", ["my dir/naïve file.txt"]),
    ("my dir/*", ["my dir/naïve file.txt"]),
    ("data[1].csv", []),
    ("data[[]1].csv", ["data[1].csv"]),
    ("src", ["src/.hidden.py", "src/a.py", "src/pkg/b.py", "src/pkg/deep/c.py"]),
    ("nothing/*", []),
])
def test_glob_semantics(pattern: str, expected: list[str]) -> None:
    assert match(pattern, FILES) == expected


def test_star_does_not_cross_directories() -> None:
    assert not glob_regex("src/*.py").match("src/pkg/b.py")
    assert glob_regex("**").match("any/depth/file")


def test_exclude_matcher() -> None:
    excluded = matcher(["docs", "**/*.csv", "src/pkg/"])
    assert [p for p in FILES.paths if not excluded(p)] == [
        "README.md", "my dir/naïve file.txt", "specs/features/f.feature", "src/.hidden.py", "src/a.py"]


@pytest.mark.parametrize(("pattern", "escapes"), [
    ("../../etc/*", True), ("/etc/passwd", True), ("src/../../x", True), ("~/.ssh/*", True),
    ("C:\\Windows\\*", True), ("..", True), ("src/..hidden", False), ("a..b/c", False), ("src/**", False),
])
def test_escape_reason(pattern: str, escapes: bool) -> None:
    assert (escape_reason(pattern) is not None) == escapes


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
