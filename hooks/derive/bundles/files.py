"""Which files a bundle carries: its include patterns resolved, then each file admitted or skipped.

The safety rules (path and symlink escapes, secret files, secret content) and
the files skipped for what they are (binary, not UTF-8, too large...) become
findings here, each at the place that names the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govcell.derive.bundles.bundler import Bundler
from govcell.derive.bundles.model import FileInfo
from govcell.diagnostics import Diagnostic, Severity, diag

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.formats.contextpack import BundleTask


def _pattern_locs(cell: Cell, name: str, task: BundleTask) -> list[tuple[str, str, int]]:
    """(pattern, key, index) of every include pattern, for locating findings."""
    return ([(p, "include", i) for i, p in enumerate(task.include)]
            + [(p, "include_globs", i) for i, p in enumerate(task.include_globs)])


def task_position(cell: Cell, *loc: str | int) -> tuple[int, int]:
    """Line and column of ``tasks.<loc...>`` in the contextpack."""
    return cell.contextpack.raw.position(("tasks", *loc))


def choose(state: Bundler, cell: Cell, name: str, task: BundleTask,
            findings: list[Diagnostic]) -> list[str]:
    """Resolve the include patterns: in order, duplicates dropped, exclusions applied.

    A ``!pattern`` among the includes takes back what the includes before it took.
    """
    from govcell.load.globs import Globs, escape_reason, is_glob, match

    cp = cell.contextpack.path
    excluded = Globs(task.exclude)
    chosen: list[str] = []
    seen: set[str] = set()
    for pattern, key, i in _pattern_locs(cell, name, task):
        line, col = task_position(cell, name, key, i)
        if pattern.strip().startswith("!"):
            taken = set(match(pattern.strip()[1:], chosen))
            chosen = [p for p in chosen if p not in taken]
            seen -= taken
            continue
        why = escape_reason(pattern)
        if why:
            findings.append(diag("bundle.path-escape", f"bundle '{name}': pattern '{pattern}' {why}, outside the "
                                 "repository", cp, line, col,
                                 hint="bundles carry files of this repository only: use a repository-relative "
                                      "pattern"))
            continue
        matched = match(pattern, state.files.paths)
        kept = [p for p in matched if not excluded(p) and not state.ignored(p)]
        if not matched:
            hint = "fix the pattern, or remove it"
            if state.files.in_git and cell.in_worktree and not is_glob(pattern) \
                    and (cell.root / pattern).exists():
                hint = f"'{pattern}' exists but is not tracked by git: `git add` it"
            findings.append(diag("bundle.no-match", f"bundle '{name}': pattern '{pattern}' matches no file",
                                 cp, line, col, hint=hint, severity=Severity.WARNING))
        elif not kept:
            findings.append(diag("bundle.no-match", f"bundle '{name}': pattern '{pattern}' matches only files "
                                 "removed by exclude or .llmignore", cp, line, col,
                                 hint="remove the pattern or the exclusion", severity=Severity.WARNING))
        for p in kept:
            if p not in seen:
                seen.add(p)
                chosen.append(p)
    return chosen


def _about_file(name: str, shared: list[tuple[Diagnostic, str]], code: str, what: str, path: str,
                line: int = 0, col: int = 0, *, hint: str) -> Diagnostic:
    """A safety finding about a file (not about the bundle): ``what``, then which bundle picked it.

    ``shared`` keeps it with ``what`` so the check can report it once for every bundle that picks the file.
    """
    found = diag(code, f"{what} (bundle '{name}')", path, line, col, hint=hint)
    shared.append((found, what))
    return found


def admit(state: Bundler, name: str, paths: list[str], allowed: set[str], findings: list[Diagnostic],
           shared: list[tuple[Diagnostic, str]]) -> tuple[list[FileInfo], list[tuple[str, str]]]:
    """Split chosen paths into files the bundle carries and files it skips (with reasons)."""
    files: list[FileInfo] = []
    skipped: list[tuple[str, str]] = []
    for path in paths:
        fi = state.info(path)
        if fi.escape is not None:
            findings.append(_about_file(name, shared, "bundle.symlink-escape", f"{path} is a symlink to "
                                        f"{fi.escape}, outside the repository", path,
                                        hint="remove the symlink or exclude it; bundles never follow links out "
                                             "of the repository"))
            skipped.append((path, fi.skip or "outside the repository"))
            continue
        secret = False
        if path not in allowed:
            if fi.secret_file:
                secret = True
                findings.append(_about_file(name, shared, "bundle.secret-file", f"{path} is a {fi.secret_file} and "
                                            "may hold secrets", path,
                                            hint=f"exclude it (exclude or .llmignore), or list '{path}' under "
                                                 f"allow_secrets of bundle '{name}' if it holds no real secret"))
            for hit in fi.hits:
                secret = True
                findings.append(_about_file(name, shared, "bundle.secret-content", f"{path} holds what looks like "
                                            f"a {hit.kind}", path, hit.line, hit.col,
                                            hint=f"remove the secret from the file; if it is a test fixture, list "
                                                 f"'{path}' under allow_secrets of bundle '{name}'"))
        if secret:
            skipped.append((path, "may hold secrets"))
        elif fi.skip is not None:
            skipped.append((path, fi.skip))
        else:
            files.append(fi)
    return files, skipped



def skip_findings(cell: Cell, name: str, skipped: list[tuple[str, str]], state: Bundler) -> list[Diagnostic]:
    """One info finding per kind of skipped file, listing them (binaries, non-UTF-8...)."""
    by_kind: dict[str, list[str]] = {}
    for path, _reason in skipped:
        kind = state.info(path).skip_kind
        if kind in ("binary", "encoding", "too-large", "missing", "not-a-file", "unreadable"):
            by_kind.setdefault(kind, []).append(path)
    labels = {"binary": "binary", "encoding": "not valid UTF-8", "too-large": "too large to read",
              "missing": "missing from the working tree", "not-a-file": "not regular files",
              "unreadable": "unreadable"}
    out = []
    line, col = task_position(cell, name)
    for kind, paths in sorted(by_kind.items()):
        shown = ", ".join(paths[:10]) + (f" and {len(paths) - 10} more" if len(paths) > 10 else "")
        out.append(diag(f"bundle.skipped-{kind}", f"bundle '{name}' skips {len(paths)} file(s) that are "
                        f"{labels[kind]}: {shown}", cell.contextpack.path, line, col,
                        hint="they are listed in the bundle and its manifest; exclude them to silence this",
                        severity=Severity.INFO))
    return out
