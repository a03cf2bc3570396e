"""govcell.load.repofiles: which files a bundle can see, and the globs that pick them."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govcell.load.repofiles import RepoFiles, escape_reason, glob_regex, list_files, match, matcher
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


def _naive_glob_regex(pattern: str) -> re.Pattern[str]:
    """The straightforward translation (exponential on hostile input): the oracle for small cases."""
    from govcell.load.repofiles import normalise

    pat = normalise(pattern)
    if pat.endswith("/"):
        pat += "**"
    out: list[str] = []
    i, n = 0, len(pat)
    while i < n:
        c = pat[i]
        if c == "*":
            if pat.startswith("**", i):
                j = i + 2
                at_start = i == 0 or pat[i - 1] == "/"
                if at_start and j < n and pat[j] == "/":
                    out.append("(?:[^/]+/)*")
                    i = j + 1
                    continue
                if at_start and j == n:
                    out.append(".*")
                    i = j
                    continue
                i = j
            else:
                i += 1
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out) + r"\Z")


@pytest.mark.ac("AC-HOSTILE-002")
@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab*?/", min_size=1, max_size=10), st.lists(st.text(alphabet="ab/", max_size=8), max_size=6))
def test_safe_glob_translation_means_the_same_as_the_naive_one(pattern: str, paths: list[str]) -> None:
    if pattern.startswith("/") or "//" in pattern:
        return
    safe, naive = glob_regex(pattern), _naive_glob_regex(pattern)
    for path in paths:
        path = path.strip("/")
        if not path or "//" in path:
            continue
        assert bool(safe.match(path)) == bool(naive.match(path)), (pattern, path, safe.pattern)


@pytest.mark.ac("AC-HOSTILE-002")
@pytest.mark.parametrize("pattern", ["*a" * 30 + "*b", "**/" * 40 + "x", "**/a/" * 10 + "b", "*/" * 30 + "*"])
def test_glob_matching_is_fast_on_hostile_patterns_and_names(pattern: str) -> None:
    import time

    rx = glob_regex(pattern)
    for name in ("a" * 4000, "a/" * 2000 + "c", ("a" * 50 + "/") * 40):
        started = time.perf_counter()
        rx.match(name)
        assert time.perf_counter() - started < 0.1, (pattern, name[:20])
