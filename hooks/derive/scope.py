"""Protected governance paths and declared scopes: what a change touched, and whether it said so.

Config (``scope.protected``, default: the ledger, tasks, flows, the policy
directory, CI workflows, the feature status report and agent instruction files)
lists paths a change may touch only with a *declared scope*:

* a commit declares it with a trailer (``Governance-Scope: governance: why``),
  checked by the ``governance-scope`` hook at the ``commit-msg`` stage;
* a pull request declares it in its description, passed to ``govcell scope``
  in CI as a file (``--scope-file``: a ``## Scope`` block with ``Type:`` and
  ``Intent:`` lines, as the Rust template's PR template has, or a
  ``Governance-Scope:`` line) or a variable (``GOVCELL_SCOPE``).

Without a pull-request scope, ``govcell scope BASE HEAD`` judges each commit of
the range by its own trailer.  The same facts (changed files, protected files,
the declaration, trailers, commits and, when a policy reads it, the governance
diff) are the built-in policy input ``changes`` (:func:`changes_input`), so a
cell writes its own Rego rules about changes.

Findings are values; the command and the hook print them.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from collections.abc import Callable
from typing import Any

from govcell.diagnostics import Diagnostic, diag

SCOPE_ENV = "GOVCELL_SCOPE"
SCOPE_FILE_ENV = "GOVCELL_SCOPE_FILE"
#: Largest commit message or scope file read (a pull-request body is a few kilobytes).
MAX_MESSAGE_BYTES = 1024 * 1024
_GLOB = re.compile(r"[*?\[]")
_BLOCK = re.compile(r"^\s{0,3}#{1,6}\s*Scope\s*$", re.IGNORECASE | re.MULTILINE)
_FIELD = re.compile(r"^\s*[-*]?\s*\**(Type|Intent|Touchpoints)\**\s*:\s*\**\s*(.*?)\s*$", re.IGNORECASE | re.MULTILINE)


@dataclasses.dataclass
class Declared:
    """A declared scope: where it came from, its type (first word) and the rest (the intent)."""

    declared: bool = False
    type: str = "any"
    intent: str = ""
    source: str = "none"  #: trailer | file | env | none
    value: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# --------------------------------------------------------------------------- protected paths


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


# --------------------------------------------------------------------------- declarations


def parse_value(value: str, source: str) -> Declared:
    """``governance: why`` / ``governance - why`` / ``governance`` -> a declaration (empty: not declared)."""
    value = " ".join(value.split())
    if not value:
        return Declared(source=source)
    m = re.match(r"([A-Za-z][\w-]*)\s*(?:[:;,—–-]+\s*)?(.*)$", value)
    kind, intent = (m.group(1).lower(), m.group(2)) if m else ("any", value)
    return Declared(True, kind, intent, source, value)


def trailers(root: Path, message: str) -> dict[str, list[str]]:
    """The trailers of a commit message (as ``git interpret-trailers --parse`` reads them), key -> values."""
    from govcell.load.git import git

    out = git(root, "-c", "trailer.separators=:", "interpret-trailers", "--parse", "--no-divider",
              input_=message.encode("utf-8", "surrogateescape"))
    found: dict[str, list[str]] = {}
    for line in (out or b"").decode("utf-8", "replace").splitlines():
        key, sep, value = line.partition(":")
        if sep:
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def from_trailers(found: dict[str, list[str]], trailer: str) -> Declared:
    """The declaration in a commit's trailers (the key compared case-insensitively, as git does)."""
    values = [v for k, vs in found.items() if k.lower() == trailer.lower() for v in vs]
    return parse_value(values[0], "trailer") if values else Declared()


def from_text(text: str, trailer: str, source: str) -> Declared:
    """A pull request's declaration: a ``## Scope`` block (``Type:``, ``Intent:``) or a ``Trailer: value`` line."""
    block = _BLOCK.search(text)
    if block:
        rest = text[block.end():]
        nxt = re.search(r"^\s{0,3}#{1,6}\s", rest, re.MULTILINE)
        body = rest[:nxt.start()] if nxt else rest
        fields = {k.lower(): v for k, v in reversed(_FIELD.findall(body))}
        kind = (fields.get("type") or "any").split()[0].strip("`*|").lower() if fields.get("type") else "any"
        return Declared(True, kind or "any", fields.get("intent", ""), source, " ".join(body.split())[:500])
    m = re.search(rf"^\s*{re.escape(trailer)}\s*:\s*(.+)$", text, re.IGNORECASE | re.MULTILINE)
    return parse_value(m.group(1), source) if m else Declared(source="none")


def read_limited(root: Path, rel: str, what: str) -> tuple[str | None, list[Diagnostic]]:
    """A message or scope file, read under the size bound; a finding when it cannot be read."""
    path = Path(rel) if os.path.isabs(rel) else root / rel
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_MESSAGE_BYTES + 1)
    except OSError as exc:
        return None, [diag("scope.unreadable", f"cannot read the {what} {rel}: {exc.strerror or exc}", rel,
                           hint=f"pass the {what} that exists (pre-commit passes the commit message file)")]
    if len(data) > MAX_MESSAGE_BYTES:
        return None, [diag("scope.unreadable", f"the {what} {rel} is larger than {MAX_MESSAGE_BYTES} bytes", rel,
                           hint=f"a {what} is a few kilobytes; pass the right file")]
    return data.decode("utf-8", "replace"), []


def pr_declaration(root: Path, trailer: str, scope_file: str | None) -> tuple[Declared, list[Diagnostic]]:
    """The pull request's declaration: ``--scope-file`` / ``GOVCELL_SCOPE_FILE``, else ``GOVCELL_SCOPE``."""
    scope_file = scope_file or os.environ.get(SCOPE_FILE_ENV) or None
    if scope_file:
        text, problems = read_limited(root, scope_file, "scope file")
        if text is None:
            return Declared(), problems
        return from_text(text, trailer, "file"), []
    value = os.environ.get(SCOPE_ENV)
    if value is not None and value.strip():
        return parse_value(value, "env"), []
    return Declared(), []


def _type_problem(d: Declared, types: list[str], where: str, path: str) -> list[Diagnostic]:
    if not d.declared or not types or d.type in types or d.type == "any":
        return []
    return [diag("scope.unknown-type", f"{where} declares scope type '{d.type}', which is not one of "
                 f"{', '.join(types)}", path, hint=f"start the declaration with one of: {', '.join(types)} "
                 "(scope.types in the configuration)")]


# --------------------------------------------------------------------------- what changed


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


# --------------------------------------------------------------------------- the check


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
    declared = from_trailers(trailers(root, _strip_comments(text)), cfg.trailer)
    found = _type_problem(declared, list(cfg.types), "the commit message", message_file)
    if touched and not declared.declared:
        found += _undeclared(touched, "in this commit", cfg.trailer)
    return found


def _strip_comments(text: str) -> str:
    return "\n".join(ln for ln in text.splitlines() if not ln.startswith("#"))


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
    from govcell.load.revisions import default_sides
    from govcell.load.git import in_git
    from govcell.load.sources import RevisionError, resolve_commit

    root = Path(root).absolute()
    cfg = config.scope
    if not in_git(root):
        return {}, [diag("diff.not-git", f"{root.name or root} is not inside a git work tree: there is no change "
                         "to judge", ".", hint="run it in the repository")]
    bside, hside, found = default_sides(root, base, head, False)
    if found:
        return {}, found
    try:
        base_commit = resolve_commit(root, bside.spec) if bside.spec else None
    except RevisionError as exc:
        return {}, [diag("diff.base-missing", f"the base revision '{bside.spec}' ({bside.how}) is not available: "
                         f"{exc}", ".", hint="check the name; in a shallow clone fetch more history "
                         "(`git fetch --unshallow`, or fetch-depth: 0 in CI)")]
    head_spec = hside.spec or "WORKTREE"
    head_commit = None
    if head_spec.upper() not in ("WORKTREE", ":WORKTREE", "INDEX", ":INDEX", "STAGED"):
        try:
            head_commit = resolve_commit(root, head_spec)
        except RevisionError as exc:
            return {}, [diag("diff.head-missing", f"the head revision '{head_spec}' ({hside.how}) is not "
                             f"available: {exc}", ".", hint="check the name; fetch it")]
    files = changed_files(root, base_commit, head_commit or head_spec)
    pats = patterns(config)
    declared, problems = pr_declaration(root, cfg.trailer, scope_file)
    all_trailers: dict[str, list[str]] = {}
    commit_docs: list[dict[str, Any]] = []
    if message_file:
        text, more = read_limited(root, message_file, "commit message")
        problems += more
        if text is not None:
            all_trailers = trailers(root, _strip_comments(text))
            if not declared.declared:
                declared = from_trailers(all_trailers, cfg.trailer)
    from govcell.load.git import git

    head_now = git(root, "rev-parse", "-q", "--verify", "HEAD")
    range_head = head_commit or (head_now.decode().strip() if head_now else None)
    if range_head and range_head != base_commit:
        for c in commits(root, base_commit, range_head):
            t = trailers(root, c.message)
            for k, vs in t.items():
                all_trailers.setdefault(k, []).extend(vs)
            commit_docs.append({"id": c.id, "subject": c.subject, "merge": c.merge, "trailers": t,
                                "files": c.files, "protected_files": protected(c.files, pats),
                                "scope": from_trailers(t, cfg.trailer).as_dict()})
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
        found += _type_problem(scope, types, "the pull request's scope" if scope.source == "file"
                               else f"{SCOPE_ENV}", scope_file or ".")
        return doc, found
    for c in doc["commits"]:
        if c["merge"]:
            continue  # a merge commit's files were judged in the commits it joins
        declared = Declared(**c["scope"])
        short = c["id"][:12]
        found += _type_problem(declared, types, f"commit {short}", ".")
        if not declared.declared and c["protected_files"]:
            found += _undeclared(c["protected_files"], f"in commit {short} ({c['subject'][:60]})", cfg.trailer)
    if doc["head"]["commit"] is None:
        # the head is the working tree or the index: uncommitted changes have no trailer to declare them
        from govcell.load.git import git

        head_now = git(root, "rev-parse", "-q", "--verify", "HEAD")
        pending = changed_files(root, head_now.decode().strip() if head_now else None, doc["head"]["ref"])
        found += _undeclared(protected(pending, doc["protected_paths"]), "(not committed)", cfg.trailer)
    return doc, found


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
