"""The one glob dialect of govcell: gitignore's patterns, for every glob a user writes.

Configuration globs (bundles' ``include``/``exclude``, ``results.files``,
``policy.targets``, ``policy.inputs`` ``files:``, ``policy.rego_versions``)
and the ``.llmignore`` file are all gitignore patterns (docs/formats.md,
"Globs"), matched against ``/``-separated paths relative to the repository root:

* ``*`` and ``?`` stay inside one path segment, ``[abc]``/``[!abc]`` is a
  character class, ``\\`` escapes the next character;
* ``**`` as a whole segment spans any number of directories (``a/**/b``,
  ``**/x``, ``a/**``);
* a pattern names a path and everything below it: ``docs`` and ``docs/`` (a
  trailing ``/``: directories only) take the whole subtree;
* ``!pattern`` in a list takes back what an earlier pattern of the list took (the
  last pattern that matches decides);
* ``*`` matches dotfiles too: what a pattern says is what it gets.

In configuration every pattern is anchored at the repository root, as if it
began with ``/`` (``README.md`` is the root's README, ``**/README.md`` any); in
``.llmignore``, as in ``.gitignore``, a pattern without a ``/`` before its end
matches at any depth.

The patterns' meaning is pathspec's ``GitIgnoreSpec`` (a property test holds
the two equal), and pathspec rejects the patterns git would; the matching is
done here, because pathspec's regular expressions backtrack polynomially in the
number of wildcards (``*a*a*a*a*a*a*a*a*b`` takes seconds on a 40-character
name) and a pull request controls both the patterns and the file names.  Here,
as in CPython's ``fnmatch``, every part between two wildcards is matched at its
earliest place inside an atomic group, which is always right (the next wildcard
absorbs whatever follows), so matching is linear in the path for each part.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from collections.abc import Iterable
from pathlib import Path

_GLOB_CHARS = frozenset("*?[\\")
_WINDOWS_ABS = re.compile(r"^[A-Za-z]:[\\/]")


def normalise(pattern: str) -> str:
    """Strip white space and ``./`` prefixes, collapse duplicate slashes (``./a//b`` -> ``a/b``)."""
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
    """True when ``pattern`` has a wildcard (else it names one path and what is below it)."""
    return any(c in _GLOB_CHARS for c in pattern)


def invalid_reason(pattern: str) -> str | None:
    """Why git (and pathspec) would reject ``pattern``, or None.

    pathspec rejects only a pattern that is nothing but a negation (``!``) or that
    holds a backslash it cannot read as an escape; every other line is valid without
    importing it (10 ms of every context-bundles run; a test holds the shortcut to
    pathspec's verdicts).
    """
    if "\\" not in pattern and pattern.rstrip() != "!":
        return None
    import pathspec

    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
    except (ValueError, TypeError, re.error) as exc:  # re.error: pathspec's regex of a backwards range
        return str(exc) or "not a gitignore pattern"
    return None


@dataclasses.dataclass(frozen=True)
class Glob:
    """One compiled pattern: ``matches(path)`` is true for the path it names and everything below it."""

    pattern: str
    negated: bool
    regex: re.Pattern[str] | None  # None: a pattern that can match nothing (empty, or only "!")
    #: what every path it matches starts with: the pattern's text before its first wildcard (anchored ones)
    prefix: str = ""

    def matches(self, path: str) -> bool:
        return self.regex is not None and self.regex.match(path) is not None


@functools.lru_cache(maxsize=4096)
def compile_glob(pattern: str, *, anchored: bool = True) -> Glob:
    """Compile one gitignore pattern; ``anchored=False`` is a ``.gitignore`` file's rule for slash-less ones."""
    pat = normalise(pattern)
    negated = pat.startswith("!")
    if negated:
        pat = pat[1:]
    elif pat.startswith(("\\!", "\\#")):
        pat = pat[1:]
    dir_only = pat.endswith("/")
    pat = pat.rstrip("/")
    if pat.startswith("/"):
        pat, anchored = pat.lstrip("/"), True
    elif "/" in pat:
        anchored = True
    if not pat:
        return Glob(pattern, negated, None)
    segments: list[str] = [] if anchored else ["**"]
    for seg in pat.split("/"):
        if seg == "**" and segments and segments[-1] == "**":
            continue
        segments.append(seg)
    prefix = pat[:next((i for i, c in enumerate(pat) if c in _GLOB_CHARS), len(pat))] if anchored else ""
    try:
        return Glob(pattern, negated, re.compile(_regex(segments, dir_only), re.DOTALL), prefix)
    except re.error:
        return Glob(pattern, negated, None)


def _regex(segments: list[str], dir_only: bool) -> str:
    """The segments (``**`` for any directories) as a regex matching a path or one of its ancestors."""
    end = r"(?=/)" if dir_only else r"(?=/|\Z)"
    if segments[-1] == "**":
        # everything below: at least one more segment (``a/**`` is not ``a`` itself)
        segments = segments[:-1]
        # ``**/`` alone: what is below any directory; ``a/**/`` is ``a/**`` (as pathspec has it)
        end = r"/.+\Z" if segments else (r"[^/]+/.+\Z" if dir_only else r".+\Z")
    groups: list[list[str]] = [[]]  # whole-segment globs separated by '**'
    for seg in segments:
        if seg == "**":
            groups.append([])
        else:
            groups[-1].append(_segment_regex(seg))
    if len(groups) == 1:
        return "/".join(groups[0]) + end
    out = ["/".join(groups[0]) + "/" if groups[0] else ""]
    middle, last = groups[1:-1], groups[-1]
    for group in middle:
        out.append("(?>(?:[^/]+/)*?" + "/".join(group) + "/)")
    out.append("(?:[^/]+/)*" + "/".join(last) if last else "")
    if not last and end.startswith("/"):
        end = end[1:]
    return "".join(out) + end


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
        elif c == "\\" and i + 1 < n:
            parts[-1].append(re.escape(seg[i + 1]))
            i += 2
        elif c == "[":
            klass, i = _class(seg, i)
            parts[-1].append(klass)
        else:
            parts[-1].append(re.escape(c))
            i += 1
    if len(parts) == 1:
        return "".join(parts[0])
    first, *middle, last = ("".join(p) for p in parts)
    return first + "".join(f"(?>[^/]*?{m})" for m in middle if m) + "[^/]*" + last


def _class(seg: str, i: int) -> tuple[str, int]:
    """The bracket expression at ``seg[i] == '['`` as a regex class, and the index after it."""
    j = i + 1
    if j < len(seg) and seg[j] in "!^":
        j += 1
    if j < len(seg) and seg[j] == "]":
        j += 1
    while j < len(seg) and seg[j] != "]":
        j += 1
    if j >= len(seg):
        return re.escape("["), i + 1  # no closing bracket: a literal '['
    body = seg[i + 1:j]
    negate = body[:1] in ("!", "^")
    if negate:
        body = body[1:]
    body = body.replace("\\", "\\\\").replace("[", "\\[")
    return f"(?!/)[{'^' if negate else ''}{body}]", j + 1


class Globs:
    """A list of patterns; a path is matched when the last pattern that matches it is not a ``!`` one."""

    def __init__(self, patterns: Iterable[str], *, anchored: bool = True) -> None:
        self.globs = [g for g in (compile_glob(p, anchored=anchored) for p in patterns) if g.regex is not None]
        self._plain = not any(g.negated for g in self.globs)
        # Without a '!', plain names (a file, or a directory and what is below it) need no regex.
        literal = [normalise(g.pattern) for g in self.globs if self._plain and anchored and not is_glob(g.pattern)]
        # ``docs/`` names a directory only: what is below it, never a file named ``docs``.
        self._names = frozenset(n.strip("/") for n in literal if not n.endswith("/"))
        self._prefixes = tuple(n.strip("/") + "/" for n in literal)
        self._rest = [g for g in self.globs if not (self._plain and anchored and not is_glob(g.pattern))]
        # A regex runs only on the paths that start with its pattern's fixed text (Glob.prefix).
        self._tests = [(g.prefix, g.regex.match) for g in self._rest if g.regex is not None]

    @classmethod
    def from_gitignore(cls, lines: Iterable[str]) -> Globs:
        """The patterns of a ``.gitignore``-style file (blank lines and ``#`` comments skipped)."""
        return cls((ln for ln in lines if ln.strip() and not ln.startswith("#")), anchored=False)

    def __call__(self, path: str) -> bool:
        if self._plain:
            return path in self._names or path.startswith(self._prefixes) \
                or any(path.startswith(pre) and rx(path) is not None for pre, rx in self._tests)
        hit = False
        for g in self.globs:
            if g.negated == hit and g.matches(path):
                hit = not g.negated
        return hit

    def filter(self, paths: Iterable[str]) -> list[str]:
        """The matched ones of ``paths``, in their order.

        Without a ``!``, one comprehension and no call per path: forty bundles' patterns
        on a thousand files are 40,000 tests, and most fail on the fixed text alone.
        """
        if not self._plain:
            return [p for p in paths if self(p)]
        names, prefixes, tests = self._names, self._prefixes, self._tests
        if not tests:
            return [p for p in paths if p in names or p.startswith(prefixes)]
        if len(tests) == 1 and not names and not prefixes:
            pre, rx = tests[0]
            return [p for p in paths if p.startswith(pre) and rx(p) is not None]
        return [p for p in paths if self(p)]


def match(pattern: str, paths: Iterable[str]) -> list[str]:
    """The paths ``pattern`` matches, in their order."""
    return Globs([pattern]).filter(paths)


def first_match(patterns: Iterable[str], path: str) -> str | None:
    """The first of ``patterns`` that matches ``path`` (per-file settings keyed by glob)."""
    return next((p for p in patterns if compile_glob(p).matches(path)), None)


def on_disk(root: Path, pattern: str) -> list[str]:
    """Existing files below ``root`` the pattern matches (untracked and ignored ones too), sorted.

    Only the pattern's fixed leading directories are walked (``test-results/*.xml``
    walks ``test-results/``); ``.git`` is never entered, symlinked directories
    are not followed.
    """
    pat = normalise(pattern).lstrip("/")
    fixed: list[str] = []
    for seg in pat.rstrip("/").split("/")[:-1]:
        if is_glob(seg) or seg.startswith("!"):
            break
        fixed.append(seg)
    base = root.joinpath(*fixed) if fixed else root
    if not base.is_dir():
        return []
    wanted = compile_glob(pat)
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        prefix = "" if rel_dir == "." else rel_dir + "/"
        out.extend(prefix + f for f in filenames if wanted.matches(prefix + f))
    return sorted(out)
