"""govcell.load.globs: the one glob dialect (gitignore's patterns), its meaning held equal to pathspec's."""

from __future__ import annotations

from pathlib import Path

import pathspec
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from govcell.load.globs import Globs, compile_glob, escape_reason, first_match, invalid_reason, match, on_disk

FILES = sorted([
    "README.md", "src/a.py", "src/pkg/b.py", "src/pkg/deep/c.py", "src/.hidden.py", "docs/x.md",
    "docs/sub/y.md", "specs/features/f.feature", "my dir/naïve file.txt", "data[1].csv", "docs/sub/README.md",
])


@pytest.mark.ac("AC-BDL-010")
@pytest.mark.parametrize(("pattern", "expected"), [
    ("src/*.py", ["src/.hidden.py", "src/a.py"]),
    ("src/**/*.py", ["src/.hidden.py", "src/a.py", "src/pkg/b.py", "src/pkg/deep/c.py"]),
    ("**/*.md", ["README.md", "docs/sub/README.md", "docs/sub/y.md", "docs/x.md"]),
    ("README.md", ["README.md"]),  # configuration globs are anchored at the repository root
    ("**/README.md", ["README.md", "docs/sub/README.md"]),
    ("docs/", ["docs/sub/README.md", "docs/sub/y.md", "docs/x.md"]),
    ("docs", ["docs/sub/README.md", "docs/sub/y.md", "docs/x.md"]),
    ("docs/**", ["docs/sub/README.md", "docs/sub/y.md", "docs/x.md"]),
    ("docs/*", ["docs/sub/README.md", "docs/sub/y.md", "docs/x.md"]),  # docs/sub, and what is below it
    ("./README.md", ["README.md"]),
    ("src/?.py", ["src/a.py"]),
    ("src/[ab].py", ["src/a.py"]),
    ("src/[!a].py", []),
    ("my dir/naïve file.txt", ["my dir/naïve file.txt"]),
    ("my dir/*", ["my dir/naïve file.txt"]),
    ("data[1].csv", []),
    ("data\\[1].csv", ["data[1].csv"]),
    ("data[[]1].csv", ["data[1].csv"]),
    ("nothing/*", []),
    ("", []),
])
def test_glob_semantics(pattern: str, expected: list[str]) -> None:
    assert match(pattern, FILES) == expected


def test_a_trailing_slash_names_a_directory_never_a_file_of_that_name() -> None:
    files = ["build", "build/x.o", "docs.md"]
    assert match("build/", files) == ["build/x.o"] == Globs(["build/"]).filter(files)
    assert match("build", files) == ["build", "build/x.o"] == Globs(["build"]).filter(files)


def test_a_list_takes_back_with_a_bang_and_the_last_match_decides() -> None:
    picked = Globs(["docs/", "!docs/sub/", "docs/sub/y.md"])
    assert picked.filter(FILES) == ["docs/sub/y.md", "docs/x.md"]


def test_llmignore_patterns_without_a_slash_match_at_any_depth() -> None:
    ignored = Globs(["README.md", "/src/a.py"], anchored=False)
    assert ignored.filter(FILES) == ["README.md", "docs/sub/README.md", "src/a.py"]


def test_first_match_and_invalid_patterns() -> None:
    assert first_match(["policy/legacy/*.rego", "policy/*.rego"], "policy/x.rego") == "policy/*.rego"
    assert first_match(["policy/*.rego"], "policy/sub/x.rego") is None
    assert invalid_reason("a\\") and invalid_reason("src/**/*.py") is None


@pytest.mark.parametrize(("pattern", "escapes"), [
    ("../../etc/*", True), ("/etc/passwd", True), ("src/../../x", True), ("~/.ssh/*", True),
    ("C:\\Windows\\*", True), ("..", True), ("src/..hidden", False), ("a..b/c", False), ("src/**", False),
])
def test_escape_reason(pattern: str, escapes: bool) -> None:
    assert (escape_reason(pattern) is not None) == escapes


@pytest.mark.ac("AC-BDL-012")
def test_on_disk_walks_the_fixed_directories_and_sees_ignored_files(tmp_path: Path) -> None:
    for rel in ("out/a.xml", "out/deep/b.xml", "out/c.json", ".git/x.xml", "other/d.xml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    (tmp_path / ".gitignore").write_text("out/\n")
    assert on_disk(tmp_path, "out/**/*.xml") == ["out/a.xml", "out/deep/b.xml"]
    assert on_disk(tmp_path, "**/*.xml") == ["other/d.xml", "out/a.xml", "out/deep/b.xml"]
    assert on_disk(tmp_path, "missing/*.xml") == []


_PIECES = st.sampled_from(["a", "b", "*", "?", "/", "**", "[ab]", "\\*"])


@pytest.mark.ac("AC-BDL-012")
@pytest.mark.ac("AC-HOSTILE-002")
@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=7).map("".join), st.booleans(),
       st.lists(st.lists(st.sampled_from(["a", "b", "ab", "ba", "bb"]), min_size=1, max_size=4).map("/".join),
                max_size=6))
def test_the_dialect_means_what_pathspec_means(pattern: str, anchored: bool, paths: list[str]) -> None:
    """pathspec's GitIgnoreSpec is the reference (a leading '/' anchors, as configuration globs are)."""
    if pattern.startswith("/") or "//" in pattern or not pattern.strip("/"):
        return
    spec = pathspec.GitIgnoreSpec.from_lines(["/" + pattern if anchored else pattern])
    spec_b = pathspec.GitIgnoreSpec.from_lines(["/b"]).match_file
    ours = compile_glob(pattern, anchored=anchored)
    for path in paths:
        assert ours.matches(path) == spec.match_file(path), (pattern, anchored, path)
    if anchored:  # match() runs the regex only where the fixed text before the first wildcard is
        assert match(pattern, paths) == [p for p in paths if spec.match_file(p)], pattern
        assert match(pattern, paths) == [p for p in paths if ours.matches(p)], pattern  # the prefix pre-test
        assert Globs([pattern, "b"]).filter(paths) == [p for p in paths if ours.matches(p) or spec_b(p)], pattern


@pytest.mark.ac("AC-HOSTILE-002")
@pytest.mark.parametrize("pattern", ["*a" * 30 + "*b", "**/" * 40 + "x", "**/a/" * 10 + "b", "*/" * 30 + "*"])
def test_glob_matching_is_fast_on_hostile_patterns_and_names(pattern: str) -> None:
    """Backtracking patterns finish: a hang detector, not a speed test (linear takes milliseconds,
    catastrophic backtracking would take years; the bound only has to tell the two apart on a loaded machine)."""
    import time

    glob = compile_glob(pattern)
    started = time.perf_counter()
    for name in ("a" * 4000, "a/" * 2000 + "c", ("a" * 50 + "/") * 40):
        glob.matches(name)
    assert time.perf_counter() - started < 20, pattern


def _pathspec_reason(pattern: str) -> str | None:
    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
    except (ValueError, TypeError) as exc:
        return str(exc) or "not a gitignore pattern"
    return None


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab/*?[]!#\\ .-", max_size=8))
def test_the_validity_shortcut_agrees_with_pathspec(pattern: str) -> None:
    """invalid_reason answers most lines without importing pathspec: never otherwise than pathspec."""
    import re

    try:
        expected = _pathspec_reason(pattern)
    except re.error:  # pathspec's own regex of a backwards range ('[?-.]'): its bug, see below
        assume(False)
    assert (invalid_reason(pattern) is None) == (expected is None), pattern


def test_a_backwards_range_is_not_a_crash() -> None:
    """pathspec raises re.error building '[?-.]' (git reads it); govcell's own translation reads it."""
    assert invalid_reason("[?-.]") is None
    assert Globs.from_gitignore(["[?-.]"])("a") is False
