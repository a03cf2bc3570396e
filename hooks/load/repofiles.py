"""The files of a repository as a bundle sees them, and the globs that pick them.

Inside git, a bundle may only carry what ``git ls-files`` lists: tracked files,
so ``.gitignore`` holds and a stray local file (a ``.env``, a build output)
never reaches an agent by accident.  Outside git (an exported tarball) the tree
is walked instead, skipping ``.git`` and honouring a root ``.gitignore``.

Include/exclude patterns are repository-relative globs, anchored at the root:
``*`` and ``?`` stay inside one path segment, ``**`` spans directories
(``specs/**/*.feature``), ``[abc]`` is a character class, a trailing ``/`` or a
plain directory name means everything below it.  Unlike a shell, ``*`` also
matches dotfiles: what a pattern says is what it gets.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec

_GLOB_CHARS = frozenset("*?[")
_WINDOWS_ABS = re.compile(r"^[A-Za-z]:[\\/]")


@dataclasses.dataclass
class RepoFiles:
    """Every candidate file (sorted, ``/``-separated, relative to the cell root)."""

    paths: list[str]
    in_git: bool
    commit: str | None

    def __post_init__(self) -> None:
        self._set = frozenset(self.paths)

    def __contains__(self, path: object) -> bool:
        return path in self._set


def list_files(root: Path, skip_dirs: Iterable[str] = ()) -> RepoFiles:
    """Tracked files when ``root`` is inside a git work tree, else a walk of the tree."""
    # Without --full-name, ls-files lists what is below ``root``, relative to it.
    from govcell.load import git

    listed = git.git(root, "ls-files", "-z", "--cached")
    if listed is not None:
        return RepoFiles(sorted(set(git.paths(listed))), True, git.head(root))
    return RepoFiles(_walk(root, skip_dirs), False, None)


def _walk(root: Path, skip_dirs: Iterable[str]) -> list[str]:
    """All files below ``root`` without following directory symlinks.

    A symlink to a directory is listed as an entry itself (as git would track
    it), so the safety checks see it instead of it vanishing.
    """
    skip = {d.strip("/") for d in skip_dirs if d.strip("/")}
    ignore = _root_gitignore(root)
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        keep = []
        for d in sorted(dirnames):
            rel = rel_dir + d
            if d == ".git" or rel in skip or (ignore is not None and ignore.match_file(rel + "/")):
                continue
            if os.path.islink(os.path.join(dirpath, d)):
                out.append(rel)
                continue
            keep.append(d)
        dirnames[:] = keep
        for f in filenames:
            rel = rel_dir + f
            if ignore is None or not ignore.match_file(rel):
                out.append(rel)
    return sorted(out)


def _root_gitignore(root: Path) -> pathspec.GitIgnoreSpec | None:
    path = root / ".gitignore"
    if not path.is_file():
        return None
    import pathspec

    try:
        return pathspec.GitIgnoreSpec.from_lines(path.read_text(encoding="utf-8", errors="replace").splitlines())
    except (ValueError, TypeError):
        return None


# --------------------------------------------------------------------------- patterns


def normalise(pattern: str) -> str:
    """Strip ``./`` prefixes and collapse duplicate slashes (``./a//b`` -> ``a/b``)."""
    p = re.sub(r"/{2,}", "/", pattern.strip())
    while p.startswith("./"):
        p = p[2:]
    return p


def escape_reason(pattern: str) -> str | None:
    """Why ``pattern`` would leave the repository, or None when it stays inside."""
    p = pattern.strip()
    if p.startswith(("/", "\\")) or _WINDOWS_ABS.match(p):
        return "is an absolute path"
    if p.startswith("~"):
        return "points into a home directory"
    if ".." in re.split(r"[\\/]", p):
        return "climbs out with '..'"
    return None


def is_glob(pattern: str) -> bool:
    return any(c in _GLOB_CHARS for c in pattern)


def glob_regex(pattern: str) -> re.Pattern[str]:
    """Compile a repository glob (see the module docstring) to an anchored regex that cannot backtrack badly.

    A naive translation (``*`` -> ``[^/]*``, ``**/`` -> ``(?:[^/]+/)*``) backtracks
    polynomially in the number of wildcards: ``*a*a*a*a*a*a*a*a*b`` took a minute
    on one 60-character name, and a pull request controls both the pattern and
    the file names.  Here, as in CPython's ``fnmatch``, every part between two
    wildcards is matched at its *earliest* place inside an atomic group, which is
    always right (the next wildcard absorbs whatever follows), so matching is
    linear in the path for each part: inside a segment between stars, and
    across segments between globstars.  Repeated ``**/`` collapse into one.
    """
    pat = normalise(pattern)
    if pat.endswith("/"):
        pat += "**"
    segments: list[str] = []
    for seg in pat.split("/"):
        if seg == "**" and segments and segments[-1] == "**":
            continue
        segments.append(seg)
    # Groups of whole-segment globs separated by '**'.
    groups: list[list[str]] = [[]]
    for seg in segments:
        if seg == "**":
            groups.append([])
        else:
            groups[-1].append(_segment_regex(seg))
    if len(groups) == 1:
        return re.compile("/".join(groups[0]) + r"\Z", re.DOTALL)
    out = ["/".join(groups[0]) + "/" if groups[0] else ""]
    middle, last = groups[1:-1], groups[-1]
    for group in middle:
        out.append("(?>(?:[^/]+/)*?" + "/".join(group) + "/)")
    out.append("(?:[^/]+/)*" + "/".join(last) if last else ".*")
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def _segment_regex(seg: str) -> str:
    """One path segment's glob (no '/'): fixed parts between stars, the middle ones atomic and lazy."""
    parts: list[list[str]] = [[]]
    i, n = 0, len(seg)
    while i < n:
        c = seg[i]
        if c == "*":
            while i < n and seg[i] == "*":
                i += 1
            parts.append([])
            continue
        if c == "?":
            parts[-1].append("[^/]")
            i += 1
        elif c == "[":
            j = seg.find("]", i + 2)
            if j == -1:
                parts[-1].append(re.escape(c))
                i += 1
                continue
            body = seg[i + 1:j]
            if body.startswith("!"):
                body = "^" + body[1:]
            body = body.replace("\\", "\\\\").replace("[", "\\[")
            parts[-1].append(f"(?!/)[{body}]")
            i = j + 1
        else:
            parts[-1].append(re.escape(c))
            i += 1
    if len(parts) == 1:
        return "".join(parts[0])
    first, *middle, last = ("".join(p) for p in parts)
    return first + "".join(f"(?>[^/]*?{m})" for m in middle if m) + "[^/]*" + last


def match(pattern: str, files: RepoFiles) -> list[str]:
    """Files matching ``pattern``, sorted; a plain directory name means its whole subtree."""
    pat = normalise(pattern)
    if not pat:
        return []
    if not is_glob(pat) and not pat.endswith("/"):
        if pat in files:
            return [pat]
        prefix = pat + "/"
        return [p for p in files.paths if p.startswith(prefix)]
    try:
        rx = glob_regex(pat)
    except re.error:
        return []
    return [p for p in files.paths if rx.match(p)]


def matcher(patterns: Iterable[str]) -> Callable[[str], bool]:
    """A predicate true for paths matched by any of ``patterns`` (exclude lists)."""
    literal: set[str] = set()
    prefixes: list[str] = []
    regexes: list[re.Pattern[str]] = []
    for raw in patterns:
        pat = normalise(raw)
        if not pat:
            continue
        if not is_glob(pat) and not pat.endswith("/"):
            literal.add(pat)
            prefixes.append(pat + "/")
            continue
        try:
            regexes.append(glob_regex(pat))
        except re.error:
            continue
    prefix_tuple = tuple(prefixes)

    def matches(path: str) -> bool:
        return path in literal or path.startswith(prefix_tuple) or any(rx.match(path) for rx in regexes)

    return matches
