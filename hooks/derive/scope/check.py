"""The two checks of declared scope: a commit message (``commit-msg`` hook) and a range of commits (CI).

Protected files changed without a declared scope are ``scope.undeclared``; a
declaration of a type the configuration does not list is ``scope.unknown-type``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from govcell.derive.scope.changes import changed_files, changes_input, patterns, protected
from govcell.derive.scope.declared import (
    SCOPE_ENV,
    Declared,
    from_trailers,
    read_limited,
    strip_comments,
    trailers,
    type_problem,
)
from govcell.diagnostics import Diagnostic, diag


def _undeclared(files: dict[str, str], what: str, trailer: str) -> list[Diagnostic]:
    return [diag("scope.undeclared", f"protected path {f}{'' if pat == f else f' (under {pat})'} changed {what} "
                 "without a declared scope", f,
                 hint=f"declare the change's scope: a commit trailer `{trailer}: governance: "
                 f"why` (git commit --trailer '{trailer}: governance: why'), or in CI the pull request's "
                 f"## Scope block (govcell scope --scope-file, or {SCOPE_ENV})")
            for f, pat in sorted(files.items())]


def check_message(root: Path, config: Any, message_file: str) -> list[Diagnostic]:
    """The ``commit-msg`` check: the staged protected files need the commit's scope trailer."""
    from govcell.load.git import git

    cfg = config.scope
    text, problems = read_limited(root, message_file, "commit message")
    if text is None:
        return problems
    if git(root, "rev-parse", "-q", "--verify", "MERGE_HEAD") is not None:
        return []  # a merge: its commits were judged where they were made
    head = git(root, "rev-parse", "-q", "--verify", "HEAD")
    files = changed_files(root, head.decode().strip() if head else None, "INDEX")
    touched = protected(files, patterns(config))
    declared = from_trailers(trailers(root, strip_comments(text)), cfg.trailer)
    found = type_problem(declared, list(cfg.types), "the commit message", message_file)
    if touched and not declared.declared:
        found += _undeclared(touched, "in this commit", cfg.trailer)
    return found



def check_range(root: Path, config: Any, base: str | None, head: str | None, *,
                scope_file: str | None = None) -> tuple[dict[str, Any], list[Diagnostic]]:
    """CI's check of a change: protected files need the pull request's scope, else each commit's trailer."""
    cfg = config.scope
    doc, found = changes_input(root, config, base, head or "HEAD", scope_file=scope_file)
    if not doc:
        return doc, found
    types = list(cfg.types)
    scope = Declared(**doc["scope"])
    if scope.declared:
        found += type_problem(scope, types, "the pull request's scope" if scope.source == "file"
                               else f"{SCOPE_ENV}", scope_file or ".")
        return doc, found
    for c in doc["commits"]:
        if c["merge"]:
            continue  # a merge commit's files were judged in the commits it joins
        declared = Declared(**c["scope"])
        short = c["id"][:12]
        found += type_problem(declared, types, f"commit {short}", ".")
        if not declared.declared and c["protected_files"]:
            found += _undeclared(c["protected_files"], f"in commit {short} ({c['subject'][:60]})", cfg.trailer)
    if doc["head"]["commit"] is None:
        # the head is the working tree or the index: uncommitted changes have no trailer to declare them
        from govcell.load.git import git

        head_now = git(root, "rev-parse", "-q", "--verify", "HEAD")
        pending = changed_files(root, head_now.decode().strip() if head_now else None, doc["head"]["ref"])
        found += _undeclared(protected(pending, doc["protected_paths"]), "(not committed)", cfg.trailer)
    return doc, found
