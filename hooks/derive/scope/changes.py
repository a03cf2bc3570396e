"""What a change touched: protected paths, the files changed between two revisions, the commits between them.

``changes_input`` joins them with the declaration into the ``changes`` document,
which is the built-in policy input of that name (``cell_changes``: once per cell).
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from govcell.derive.scope.declared import (
    from_trailers,
    pr_declaration,
    read_limited,
    strip_comments,
    trailers,
)
from govcell.diagnostics import Diagnostic, diag

_GLOB = re.compile(r"[*?\[]")


def patterns(config: Any) -> list[str]:
    """Every protected path pattern of the configuration."""
    found: list[str] = config.scope.paths(config.paths)
    return found


def matches(path: str, pattern: str) -> bool:
    """Whether ``path`` is under ``pattern``: a directory (ending in /), a glob, or one file."""
    if pattern.endswith("/"):
        return path.startswith(pattern)
    if _GLOB.search(pattern):
        from govcell.load.globs import compile_glob  # the one dialect: docs/formats.md#globs

        return compile_glob(pattern).matches(path)
    return path == pattern


def protected(files: list[str], pats: list[str]) -> dict[str, str]:
    """Each protected file of ``files`` -> the first pattern that protects it."""
    out: dict[str, str] = {}
    for f in files:
        hit = next((p for p in pats if matches(f, p)), None)
        if hit is not None:
            out[f] = hit
    return out


def changed_files(root: Path, base: str | None, head: str | None) -> list[str]:
    """Files that differ between ``base`` and ``head`` (revisions, INDEX or WORKTREE; a rename is both paths)."""
    from govcell.load.git import git

    empty = git(root, "hash-object", "-t", "tree", "--stdin", input_=b"")
    base_ref = base or (empty.decode().strip() if empty else "4b825dc642cb6eb9a060e54bf8d69288fbee4904")
    args = ["diff", "--name-only", "-z", "--no-renames", "--relative", "--no-ext-diff"]
    hs = (head or "WORKTREE").upper()
    if hs in ("INDEX", ":INDEX", "STAGED"):
        args += ["--cached", base_ref]
    elif hs in ("WORKTREE", ":WORKTREE"):
        args += [base_ref]
    else:
        args += [base_ref, head or "HEAD"]
    out = git(root, *args, "--")
    return sorted({os.fsdecode(p) for p in (out or b"").split(b"\0") if p})


@dataclasses.dataclass
class Commit:
    id: str
    subject: str
    message: str
    files: list[str]
    merge: bool


def commits(root: Path, base: str | None, head: str) -> list[Commit]:
    """The commits of ``base..head``, oldest first, with their messages and files."""
    from govcell.load.git import git

    rng = f"{base}..{head}" if base else head
    out = git(root, "log", "--reverse", "-z", "--format=%H%x1f%P%x1f%B", "--end-of-options", rng, "--")
    found: list[Commit] = []
    for record in (out or b"").decode("utf-8", "replace").split("\0"):
        if not record.strip():
            continue
        sha, parents, body = (record.lstrip("\n").split("\x1f", 2) + ["", ""])[:3]
        first = parents.split()[0] if parents.split() else None
        files = changed_files(root, first, sha)
        found.append(Commit(sha, body.strip().splitlines()[0] if body.strip() else "", body, files,
                            len(parents.split()) > 1))
    return found


def changes_input(root: Path, config: Any, base: str | None = None, head: str | None = None, *,
                  scope_file: str | None = None, message_file: str | None = None,
                  diff: Callable[[str | None, str | None], dict[str, Any]] | None = None,
                  ) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The ``changes`` document: what a change touched and what it declared (findings: why it could not be made).

    Keys: ``base``/``head`` (``{ref, how, commit}``), ``changed_files``, ``protected_files``
    (``{path: pattern}``), ``scope`` (the declaration that covers the change: the pull request's, else
    the commit message's, else the last commit's), ``scope_declared`` and ``declared_type`` (as the
    Rust template's CI passes them to scope.rego), ``trailers`` (of the message or every commit),
    ``commits`` (``{id, subject, trailers, files, scope}``) and, given ``diff`` (``govcell.derive.diff``'s
    ``compute`` of the two revisions, passed in by a layer above: derivations do not import each other),
    ``diff`` (the govcell.diff/1 document).
    """
    from govcell.load.git import in_git

    root = Path(root).absolute()
    cfg = config.scope
    if not in_git(root):
        return {}, [diag("diff.not-git", f"{root.name or root} is not inside a git work tree: there is no change "
                         "to judge", ".", hint="run it in the repository")]
    sides, found = _sides(root, base, head)
    if sides is None:
        return {}, found
    bside, hside, base_commit, head_spec, head_commit = sides
    files = changed_files(root, base_commit, head_commit or head_spec)
    pats = patterns(config)
    declared, problems = pr_declaration(root, cfg.trailer, scope_file)
    all_trailers: dict[str, list[str]] = {}
    if message_file:
        text, more = read_limited(root, message_file, "commit message")
        problems += more
        if text is not None:
            all_trailers = trailers(root, strip_comments(text))
            if not declared.declared:
                declared = from_trailers(all_trailers, cfg.trailer)
    commit_docs = _commit_docs(root, base_commit, head_commit, pats, cfg.trailer, all_trailers)
    doc: dict[str, Any] = {
        "base": {"ref": bside.spec or "", "how": bside.how, "commit": base_commit},
        "head": {"ref": head_spec, "how": hside.how, "commit": head_commit},
        "changed_files": files,
        "protected_paths": pats,
        "protected_files": protected(files, pats),
        "scope": declared.as_dict(),
        "scope_declared": declared.declared,
        "declared_type": declared.type,
        "trailers": all_trailers,
        "commits": commit_docs,
    }
    if diff is not None:
        doc["diff"] = diff(base_commit or bside.spec, head_commit or head_spec)
    return doc, problems


def _sides(root: Path, base: str | None, head: str | None) -> tuple[tuple[Any, Any, str | None, str, str | None] | None,
                                                                    list[Diagnostic]]:
    """(base side, head side, base commit, head spec, head commit) of a change, or None and why not."""
    from govcell.load.revisions import default_sides
    from govcell.load.sources import RevisionError, resolve_commit

    bside, hside, found = default_sides(root, base, head, False)
    if found:
        return None, found
    try:
        base_commit = resolve_commit(root, bside.spec) if bside.spec else None
    except RevisionError as exc:
        return None, [diag("diff.base-missing", f"the base revision '{bside.spec}' ({bside.how}) is not available: "
                           f"{exc}", ".", hint="check the name; in a shallow clone fetch more history "
                           "(`git fetch --unshallow`, or fetch-depth: 0 in CI)")]
    head_spec = hside.spec or "WORKTREE"
    head_commit = None
    if head_spec.upper() not in ("WORKTREE", ":WORKTREE", "INDEX", ":INDEX", "STAGED"):
        try:
            head_commit = resolve_commit(root, head_spec)
        except RevisionError as exc:
            return None, [diag("diff.head-missing", f"the head revision '{head_spec}' ({hside.how}) is not "
                               f"available: {exc}", ".", hint="check the name; fetch it")]
    return (bside, hside, base_commit, head_spec, head_commit), []


def _commit_docs(root: Path, base_commit: str | None, head_commit: str | None, pats: list[str], trailer: str,
                 all_trailers: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The commits of the change (up to ``head_commit``, else HEAD), each with its trailers, files and scope.

    Every commit's trailers are also added to ``all_trailers``.
    """
    from govcell.load.git import git

    head_now = git(root, "rev-parse", "-q", "--verify", "HEAD")
    range_head = head_commit or (head_now.decode().strip() if head_now else None)
    commit_docs: list[dict[str, Any]] = []
    if range_head and range_head != base_commit:
        for c in commits(root, base_commit, range_head):
            t = trailers(root, c.message)
            for k, vs in t.items():
                all_trailers.setdefault(k, []).extend(vs)
            commit_docs.append({"id": c.id, "subject": c.subject, "merge": c.merge, "trailers": t,
                                "files": c.files, "protected_files": protected(c.files, pats),
                                "scope": from_trailers(t, trailer).as_dict()})
    return commit_docs


# --------------------------------------------------------------------------- the policy input

#: ``computing``: set while a ``changes`` input (and its diff) is computed, so the diff's sides do not recurse
_STATE = {"computing": False}
_READS_DIFF = re.compile(r"input\s*\.\s*diff\b|input\s*\[\s*\"diff\"\s*\]")


def wants_changes(cell: Any) -> list[str]:
    """Policies whose targets or composed inputs use the built-in ``changes`` (empty: none does)."""
    pol = cell.config.policy
    composed = {name for name, spec in pol.inputs.items()
                if any(s.builtin == "changes" for s in [*spec.merge, *spec.keys.values()])}
    return sorted(name for name, targets in pol.targets.items() if "changes" in targets or composed & set(targets))


def reads_diff(cell: Any) -> bool:
    """Whether a policy fed ``changes`` reads ``input.diff`` (then the input carries the governance diff)."""
    policy_dir = cell.config.paths.policy.rstrip("/")
    for name in wants_changes(cell):
        read = cell.source.read_text(f"{policy_dir}/{name}.rego", max_bytes=cell.config.limits.max_file_bytes)
        if read.text and _READS_DIFF.search(read.text):
            return True
    return False


def cell_changes(cell: Any, diff: Callable[[str | None, str | None], dict[str, Any]] | None = None,
                 ) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """The ``changes`` input of the cell's working tree, computed once per cell (the first call decides).

    None (no document, no finding) for a cell read from a revision or the index (a
    change is not part of a revision: ``--new-since`` and ``govcell diff`` compare the
    other findings) and while the diff of an outer ``changes`` input is computed.  The
    ``policy-test`` check (``govcell.checks.policy_test``) calls it first, with the diff when
    a policy reads ``input.diff``.
    """
    cached: tuple[dict[str, Any] | None, list[Diagnostic]] | None = cell.__dict__.get("_changes_input")
    if cached is not None:
        return cached
    if _STATE["computing"] or cell.source.kind != "worktree":
        result: tuple[dict[str, Any] | None, list[Diagnostic]] = (None, [])
    else:
        _STATE["computing"] = True
        try:
            result = changes_input(cell.root, cell.config, diff=diff)
        finally:
            _STATE["computing"] = False
    cell.__dict__["_changes_input"] = result
    return result
