"""Context bundles: resolving a contextpack task to files, and judging the result.

A bundle is what an LLM agent is given to work on one task: a header (task,
prompt, the requirements and ACs it serves) and the files its ``include``
patterns pick, in the order written.  This module turns a task into a
:class:`Bundle` (files in, files left out and why, findings), and holds the
``context-bundles`` check and the :func:`budgets` the site shows.
Rendering lives in ``govcell.report.bundle``, the command in ``govcell.cli.bundle``.

Everything is read once per :class:`~govcell.cell.Cell` (the file list, each
file's bytes and its secret scan), so checking ten bundles that share files
costs one read of each file.

Safety rules, each with its own code so a team can see exactly what tripped:

* ``bundle.path-escape``: a pattern (or ``output``) that leaves the repository
  (``..``, an absolute or home path); it is never resolved.
* ``bundle.symlink-escape``: a file that is a symlink resolving outside the
  repository; it is never read.
* ``bundle.secret-file``: a file whose name says it holds secrets (``.env``...).
* ``bundle.secret-content``: secret-looking text (a private key block, a cloud
  key, a token), at its line and column.

Secret files and content are allowed only by naming the exact path in the
task's ``allow_secrets``.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govcell.diagnostics import Diagnostic, Severity, diag, did_you_mean
from govcell.load.secrets import SecretHit, scan_text, secret_file_kind

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.formats.contextpack import BundleTask
    from govcell.formats.ledger import AcceptanceCriterion, Requirement, Story
    from govcell.load.repofiles import RepoFiles

#: Codes whose error findings refuse to render a bundle at all.
SAFETY_CODES = frozenset({"bundle.path-escape", "bundle.symlink-escape", "bundle.secret-file",
                          "bundle.secret-content"})
#: git's own binary heuristic: a NUL byte in the first 8000 bytes.
BINARY_SNIFF = 8000
#: A bundle name becomes a file name: no separators, and no leading '.' or '-' (hidden files, option-like names).
_TASK_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


# --------------------------------------------------------------------------- data


@dataclasses.dataclass
class FileInfo:
    """One repository file as the bundler judged it (read at most once per cell)."""

    path: str
    size: int = 0
    text: str | None = None
    #: why the file cannot go into a bundle (binary, not UTF-8, ...); None when it can
    skip: str | None = None
    #: the short skip category used for grouping findings
    skip_kind: str | None = None
    #: where a symlink points when that is outside the repository
    escape: str | None = None
    secret_file: str | None = None
    hits: list[SecretHit] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Scenario:
    """A Gherkin scenario that proves an AC: its name and where it starts."""

    name: str
    file: str
    line: int


@dataclasses.dataclass
class LinkedAC:
    ac: AcceptanceCriterion
    scenarios: list[Scenario]
    status: str


@dataclasses.dataclass
class LinkedRequirement:
    story: Story
    requirement: Requirement
    acs: list[LinkedAC]


@dataclasses.dataclass
class Bundle:
    """A resolved bundle, ready to render: what goes in, what does not, and why."""

    name: str
    description: str
    prompt: str | None
    max_bytes: int
    commit: str | None
    in_git: bool
    links: list[LinkedRequirement]
    #: IDs the bundle names that the ledger does not hold
    missing_ids: list[str]
    files: list[FileInfo]
    #: (path, reason) of files matched but not included
    skipped: list[tuple[str, str]]
    findings: list[Diagnostic]
    #: (path, bytes, reason) of files left out to respect max_bytes/max_files
    omitted: list[tuple[str, int, str]] = dataclasses.field(default_factory=list)
    kind: str = "task"
    #: (title, Markdown) parts of the header after the prompt (the governance diff of a change bundle)
    sections: list[tuple[str, str]] = dataclasses.field(default_factory=list)

    @property
    def refused(self) -> bool:
        """True when a safety finding forbids rendering this bundle."""
        return any(d.code in SAFETY_CODES and d.severity is Severity.ERROR for d in self.findings)


@dataclasses.dataclass
class BundleBudget:
    """A bundle's size against its budget, for the site and ``govcell bundle --list``."""

    name: str
    description: str
    max_bytes: int
    bytes: int
    #: (path, bytes) of every file the bundle carries, in bundle order
    files: list[tuple[str, int]]
    #: (path, reason) of files matched but not carried
    skipped: list[tuple[str, str]]
    over: bool


# --------------------------------------------------------------------------- per-cell state


class _State:
    """What one cell's bundles share: the file list, file reads, .llmignore, features."""

    def __init__(self, cell: Cell) -> None:
        from govcell.load.repofiles import list_files

        self.cell = cell
        self.root_real = os.path.realpath(cell.root)
        skip = [cell.config.bundles.output_dir]
        self.files: RepoFiles = list_files(cell.root, skip) if cell.in_worktree else cell.source.repo_files(skip)
        self._info: dict[str, FileInfo] = {}
        self._texts: dict[str, str | None] = {}
        self.ignore_findings: list[Diagnostic] = []
        self.ignored: Callable[[str], bool] = self._load_llmignore()
        self._ledger_index: _LedgerIndex | None = None

    def ledger_index(self) -> _LedgerIndex:
        if self._ledger_index is None:
            self._ledger_index = _ledger_index(self.cell)
        return self._ledger_index

    def _load_llmignore(self) -> Callable[[str], bool]:
        rel = self.cell.config.paths.llmignore
        if not self.cell.source.exists(rel):
            return lambda _path: False
        read = self.cell.read_text(rel, max_bytes=1024 * 1024, code="bundle.llmignore")
        if read.text is None:
            self.ignore_findings.extend(read.diagnostics)
            return lambda _path: False
        from govcell.load.globs import Globs, invalid_reason

        good: list[str] = []
        for n, line in enumerate(read.text.splitlines(), 1):
            why = invalid_reason(line)
            if why is not None:
                self.ignore_findings.append(diag("bundle.llmignore-pattern", f"invalid pattern {line!r}: {why}",
                                                 rel, n, 1, hint="use gitignore syntax"))
                continue
            good.append(line)
        return Globs.from_gitignore(good)

    def info(self, path: str) -> FileInfo:
        got = self._info.get(path)
        if got is None:
            got = self._info[path] = self._read(path)
        return got

    def _read(self, path: str) -> FileInfo:
        if not self.cell.in_worktree:
            return self._read_from_source(path)
        full = os.path.join(self.cell.root, path)
        fi = FileInfo(path, secret_file=secret_file_kind(path))
        real = os.path.realpath(full)
        if os.path.commonpath([real, self.root_real]) != self.root_real:
            try:
                fi.escape = os.readlink(full) if os.path.islink(full) else real
            except OSError:
                fi.escape = real
            fi.skip, fi.skip_kind = f"resolves outside the repository (-> {fi.escape})", "escape"
            return fi
        if os.path.islink(full):
            # Judged by what it is: a harmless-named link to an untracked .env or to .git/config is a secret file.
            target = os.path.relpath(real, self.root_real).replace(os.sep, "/")
            fi.secret_file = fi.secret_file or secret_file_kind(target)
        try:
            st = os.stat(full)
        except OSError:
            fi.skip, fi.skip_kind = "missing from the working tree", "missing"
            return fi
        if not os.path.isfile(full):
            fi.skip, fi.skip_kind = "not a regular file", "not-a-file"
            return fi
        fi.size = st.st_size
        limit = self.cell.config.limits.max_file_bytes
        if st.st_size > limit:
            fi.skip, fi.skip_kind = f"too large to read ({st.st_size} bytes, limit {limit})", "too-large"
            return fi
        try:
            raw = Path(full).read_bytes()
        except OSError as exc:
            fi.skip, fi.skip_kind = f"unreadable: {exc.strerror or exc}", "unreadable"
            return fi
        return self._content(fi, raw)

    def _read_from_source(self, path: str) -> FileInfo:
        """``_read`` for a cell loaded from a git revision or the index."""
        fi = FileInfo(path, secret_file=secret_file_kind(path))
        source = self.cell.source
        if not source.is_file(path):
            kind = "missing" if not source.exists(path) else "not-a-file"
            fi.skip, fi.skip_kind = ("missing from " + source.label if kind == "missing"
                                     else "not a regular file (or a link out of the repository)"), kind
            return fi
        raw = source.read_bytes(path)
        if raw is None:
            fi.skip, fi.skip_kind = "unreadable", "unreadable"
            return fi
        limit = self.cell.config.limits.max_file_bytes
        if len(raw) > limit:
            fi.size = len(raw)
            fi.skip, fi.skip_kind = f"too large to read ({len(raw)} bytes, limit {limit})", "too-large"
            return fi
        return self._content(fi, raw)

    def _content(self, fi: FileInfo, raw: bytes) -> FileInfo:
        fi.size = len(raw)
        if b"\x00" in raw[:BINARY_SNIFF]:
            fi.skip, fi.skip_kind = "binary", "binary"
            return fi
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            fi.skip, fi.skip_kind = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} on line {line})", "encoding"
            return fi
        fi.text = text[1:] if text.startswith("\ufeff") else text
        from govcell.load.cache import cached_call

        fi.hits = cached_call(self.cell, "secrets", (fi.text,), scan_text, fi.text)
        return fi

    def text(self, path: str) -> str | None:
        """A ledger-referenced text file (feature file), or None when unreadable."""
        if path not in self._texts:
            self._texts[path] = self.cell.read_text(path).text
        return self._texts[path]


@dataclasses.dataclass
class _LedgerIndex:
    """Requirements in ledger order, and where each requirement and AC ID occurs."""

    entries: list[tuple[Any, Any]]
    by_req: dict[str, list[int]]
    by_ac: dict[str, list[int]]
    ids: set[str]


def _ledger_index(cell: Cell) -> _LedgerIndex:
    ledger = cell.ledger.model
    entries = list(ledger.iter_requirements()) if ledger is not None else []
    by_req: dict[str, list[int]] = {}
    by_ac: dict[str, list[int]] = {}
    for p, (_story, req) in enumerate(entries):
        by_req.setdefault(req.id, []).append(p)
        for ac in req.acceptance_criteria:
            by_ac.setdefault(ac.id, []).append(p)
    return _LedgerIndex(entries, by_req, by_ac, set(by_req) | set(by_ac))


def _state(cell: Cell) -> _State:
    """The cell's bundle state, kept on the cell (a WeakKeyDictionary whose value holds the cell
    would keep every cell alive for the whole process)."""
    state: _State | None = cell.__dict__.get("_bundle_state")
    if state is None:
        state = cell.__dict__["_bundle_state"] = _State(cell)
    return state


# --------------------------------------------------------------------------- ledger links


def _link_ac(state: _State, ac: AcceptanceCriterion) -> LinkedAC:
    """An AC with its scenarios and status, as the AC-tags layer computed them.

    Scenarios come from the cell's one Gherkin parse (``Cell.features``) and the
    status from ``Cell.coverage``, so a bundle says exactly what ``govcell
    status`` and the site say: static coverage, then run status.
    """
    cell = state.cell
    scenarios = [Scenario(sc.name, sc.file, sc.line) for sc in cell.features.by_ac.get(ac.id, [])]
    status = cell.coverage.acs.get(ac.id)
    label = f"{status.coverage}, {status.run.replace('_', ' ')}" if status is not None else "uncovered"
    if status is not None and status.suspect:
        label += ", suspect"
    return LinkedAC(ac, scenarios, label)


def link(cell: Cell, requirements: list[str], acs: list[str]) -> tuple[list[LinkedRequirement], list[str]]:
    """The ledger entries for ``requirements`` and ``acs``, in ledger order, and the IDs not found.

    A linked requirement brings all its ACs; a linked AC brings its requirement
    and story for context.
    """
    ledger = cell.ledger.model
    want_reqs, want_acs = set(requirements), set(acs)
    if ledger is None:
        return [], sorted(want_reqs | want_acs)
    state = _state(cell)
    index = state.ledger_index()
    out: list[LinkedRequirement] = []
    # Only the requirements that hold a wanted ID, in ledger order (one index per cell,
    # not a walk of the whole ledger per bundle: bundles grow with the ledger too).
    positions = {p for r in want_reqs for p in index.by_req.get(r, ())}
    positions.update(p for a in want_acs for p in index.by_ac.get(a, ()))
    for p in sorted(positions):
        story, req = index.entries[p]
        chosen = [ac for ac in req.acceptance_criteria if req.id in want_reqs or ac.id in want_acs]
        if req.id in want_reqs or chosen:
            out.append(LinkedRequirement(story, req, [_link_ac(state, ac) for ac in chosen]))
    missing = sorted((want_reqs | want_acs) - index.ids)
    return out, missing


def _task_links(cell: Cell, name: str, task: BundleTask) -> tuple[list[str], list[str]]:
    """The bundle's own REQ/AC IDs plus those of a ``specs/tasks.yaml`` task of the same id."""
    reqs, acs = list(task.requirements), list(task.acs)
    tasks = cell.tasks.model
    if tasks is not None:
        for t in tasks.tasks:
            if t.id == name:
                if t.requirement:
                    reqs.append(t.requirement)
                acs.extend(t.acs)
    return list(dict.fromkeys(reqs)), list(dict.fromkeys(acs))


# --------------------------------------------------------------------------- resolution


def _pattern_locs(cell: Cell, name: str, task: BundleTask) -> list[tuple[str, str, int]]:
    """(pattern, key, index) of every include pattern, for locating findings."""
    return ([(p, "include", i) for i, p in enumerate(task.include)]
            + [(p, "include_globs", i) for i, p in enumerate(task.include_globs)])


def _pos(cell: Cell, *loc: str | int) -> tuple[int, int]:
    return cell.contextpack.raw.position(("tasks", *loc))


def _choose(state: _State, cell: Cell, name: str, task: BundleTask,
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
        line, col = _pos(cell, name, key, i)
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


def _admit(state: _State, name: str, paths: list[str], allowed: set[str],
           findings: list[Diagnostic]) -> tuple[list[FileInfo], list[tuple[str, str]]]:
    """Split chosen paths into files the bundle carries and files it skips (with reasons)."""
    files: list[FileInfo] = []
    skipped: list[tuple[str, str]] = []
    for path in paths:
        fi = state.info(path)
        if fi.escape is not None:
            findings.append(diag("bundle.symlink-escape", f"{path} is a symlink to {fi.escape}, outside the "
                                 f"repository (bundle '{name}')", path,
                                 hint="remove the symlink or exclude it; bundles never follow links out of the "
                                      "repository"))
            skipped.append((path, fi.skip or "outside the repository"))
            continue
        secret = False
        if path not in allowed:
            if fi.secret_file:
                secret = True
                findings.append(diag("bundle.secret-file", f"{path} is a {fi.secret_file} and may hold secrets "
                                     f"(bundle '{name}')", path,
                                     hint=f"exclude it (exclude or .llmignore), or list '{path}' under "
                                          f"allow_secrets of bundle '{name}' if it holds no real secret"))
            for hit in fi.hits:
                secret = True
                findings.append(diag("bundle.secret-content", f"{path} holds what looks like a {hit.kind} "
                                     f"(bundle '{name}')", path, hit.line, hit.col,
                                     hint=f"remove the secret from the file; if it is a test fixture, list "
                                          f"'{path}' under allow_secrets of bundle '{name}'"))
        if secret:
            skipped.append((path, "may hold secrets"))
        elif fi.skip is not None:
            skipped.append((path, fi.skip))
        else:
            files.append(fi)
    return files, skipped


def _header_secrets(cell: Cell, name: str, description: str | None, prompt: str | None,
                    links: list[LinkedRequirement]) -> list[Diagnostic]:
    """Secrets in what the bundle's header carries (description, prompt, ledger text): every byte is scanned."""
    out: list[Diagnostic] = []
    texts: list[tuple[str, str, tuple[str, int, int]]] = []
    for field, value in (("description", description), ("prompt", prompt)):
        if value:
            texts.append((field, value, (cell.contextpack.path, *_pos(cell, name, field))))
    for lr in links:
        for label, value in ((lr.story.id, lr.story.title), (lr.requirement.id, lr.requirement.title),
                             *((la.ac.id, la.ac.text) for la in lr.acs),
                             *((la.ac.id, sc.name) for la in lr.acs for sc in la.scenarios)):
            if value:
                texts.append((f"{label} text", value, (cell.ledger.path, 0, 0)))
    for field, value, (path, line, col) in texts:
        for hit in scan_text(value, limit=1):
            out.append(diag("bundle.secret-content", f"the {field} of bundle '{name}' holds what looks like a "
                            f"{hit.kind}", path, line, col,
                            hint="remove the secret: the bundle header carries this text to the agent"))
    return out


def _skip_findings(cell: Cell, name: str, skipped: list[tuple[str, str]], state: _State) -> list[Diagnostic]:
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
    line, col = _pos(cell, name)
    for kind, paths in sorted(by_kind.items()):
        shown = ", ".join(paths[:10]) + (f" and {len(paths) - 10} more" if len(paths) > 10 else "")
        out.append(diag(f"bundle.skipped-{kind}", f"bundle '{name}' skips {len(paths)} file(s) that are "
                        f"{labels[kind]}: {shown}", cell.contextpack.path, line, col,
                        hint="they are listed in the bundle and its manifest; exclude them to silence this",
                        severity=Severity.INFO))
    return out


def build(cell: Cell, name: str) -> Bundle:
    """Resolve contextpack task ``name`` (which must exist) into a :class:`Bundle`."""
    pack = cell.contextpack.model
    assert pack is not None and name in pack.tasks
    task = pack.tasks[name]
    state = _state(cell)
    findings: list[Diagnostic] = []
    chosen = _choose(state, cell, name, task, findings)
    files, skipped = _admit(state, name, chosen, set(task.allow_secrets), findings)
    findings.extend(_skip_findings(cell, name, skipped, state))
    reqs, acs = _task_links(cell, name, task)
    links, missing = link(cell, reqs, acs)
    findings.extend(_header_secrets(cell, name, task.description, task.prompt, links))
    bundle = Bundle(name, task.description, task.prompt, task.max_bytes, state.files.commit, state.files.in_git,
                    links, missing, files, skipped, findings)
    if task.max_files is not None and len(files) > task.max_files:
        line, col = _pos(cell, name, "max_files")
        findings.append(diag("bundle.too-many-files", f"bundle '{name}' resolves to {len(files)} files, over its "
                             f"max_files {task.max_files}", cell.contextpack.path, line, col,
                             hint="narrow the include patterns, or raise max_files"))
        bundle.omitted.extend((f.path, f.size, "over max_files") for f in files[task.max_files:])
        bundle.files = files[:task.max_files]
    return bundle


def build_for_ac(cell: Cell, ac_id: str, max_bytes: int | None = None) -> Bundle:
    """An automatic bundle for one AC: its story, requirement, scenarios, tests, ADRs and docs.

    Raises ``KeyError`` when the ledger has no such AC.
    """
    ledger = cell.ledger.model
    hit = next(((s, r, a) for s, r, a in (ledger.iter_acs() if ledger else []) if a.id == ac_id), None)
    if hit is None:
        raise KeyError(ac_id)
    story, req, ac = hit
    state = _state(cell)
    links, _ = link(cell, [], [ac_id])
    findings: list[Diagnostic] = []
    wanted = _wanted(cell, state, [(ac_id, p) for p in _ac_paths(cell, story, req, ac)], findings)
    files, skipped = _admit(state, ac_id, wanted, set(), findings)
    findings.extend(_header_secrets(cell, ac_id, None, None, links))
    budget = max_bytes or cell.config.bundles.ac_max_bytes
    return Bundle(ac_id, f"Everything needed to implement and prove {ac_id}: {ac.text}",
                  None, budget, state.files.commit, state.files.in_git, links, [], files, skipped, findings,
                  kind="ac")


def _ac_paths(cell: Cell, story: Story, req: Requirement, ac: AcceptanceCriterion) -> list[str]:
    """An AC's files: scenarios first (what must hold), then the tests and code they map to, then decisions, docs."""
    paths = sorted({sc.file for sc in cell.features.by_ac.get(ac.id, [])})
    paths.extend(t.file for t in ac.tests if t.type == "bdd" and t.file)
    paths.extend(t.file for t in ac.tests if t.type != "bdd" and t.file)
    paths.extend(_adr_files(cell, [*story.adrs, *req.adrs, *ac.adrs]))
    paths.extend(req.docs)
    return paths


def _wanted(cell: Cell, state: _State, paths: list[tuple[str, str]], findings: list[Diagnostic]) -> list[str]:
    """The (AC, path) pairs' paths a bundle may carry, once each; findings for the others."""
    from govcell.load.globs import escape_reason, normalise

    wanted: list[str] = []
    for p, ac_id in dict.fromkeys((normalise(p), a) for a, p in paths):
        if p in wanted:
            continue
        why = escape_reason(p)
        if why:
            findings.append(diag("bundle.path-escape", f"{ac_id} maps to '{p}', which {why}",
                                 cell.ledger.path, hint="ledger paths are repository-relative"))
        elif p not in state.files:
            findings.append(diag("bundle.no-match", f"{ac_id} maps to '{p}', which is not a "
                                 f"{'tracked ' if state.files.in_git else ''}file of the repository",
                                 cell.ledger.path, hint="fix the mapping's file", severity=Severity.WARNING))
        elif not state.ignored(p):
            wanted.append(p)
    return wanted


def build_for_acs(cell: Cell, name: str, description: str, prompt: str | None, ac_ids: list[str],
                  sections: list[tuple[str, str]], max_bytes: int, kind: str) -> Bundle:
    """A bundle of several ACs (ledger order) with their requirements, stories, scenarios, tests, ADRs and docs,
    and ``sections`` (title, Markdown) in its header; IDs the ledger lacks are skipped."""
    ledger = cell.ledger.model
    state = _state(cell)
    wanted_ids = set(ac_ids)
    links, _ = link(cell, [], [a for a in ac_ids if a])
    pairs: list[tuple[str, str]] = []
    for story, req, ac in ledger.iter_acs() if ledger else ():
        if ac.id in wanted_ids:
            pairs.extend((ac.id, p) for p in _ac_paths(cell, story, req, ac))
    findings: list[Diagnostic] = []
    wanted = _wanted(cell, state, pairs, findings)
    files, skipped = _admit(state, name, wanted, set(), findings)
    findings.extend(_header_secrets(cell, name, None, None, links))
    for title, text in sections:
        for hit in scan_text(text, limit=1):
            findings.append(diag("bundle.secret-content", f"the section '{title}' of bundle '{name}' holds what "
                                 f"looks like a {hit.kind}", cell.ledger.path, hint="remove the secret: the "
                                 "bundle header carries this text to the agent"))
    return Bundle(name, description, prompt, max_bytes, state.files.commit, state.files.in_git, links, [], files,
                  skipped, findings, kind=kind, sections=list(sections))


def _adr_files(cell: Cell, adrs: list[str]) -> list[str]:
    """The decision record files of ``ADR-NNNN`` references (``cell.adrs``), unknown ones skipped.

    A reference to a missing ADR is the governance graph's finding, not the bundle's.
    """
    index = cell.adrs.adrs
    return [index[ref].path for ref in dict.fromkeys(adrs) if ref in index]


# --------------------------------------------------------------------------- the check


def check(cell: Cell) -> list[Diagnostic]:
    """The ``context-bundles`` check: every task resolves safely, within budget, to known IDs."""
    loaded = cell.contextpack
    found = list(loaded.diagnostics)
    if not loaded.present or loaded.model is None:
        return found
    state = _state(cell)
    found.extend(state.ignore_findings)
    ids = _ledger_ids(cell)
    if ids is None and any(t.acs or t.requirements for t in loaded.model.tasks.values()):
        found.extend(cell.ledger.causes())  # the bundles' AC/REQ references could not be checked
    for name, task in loaded.model.tasks.items():
        found.extend(_check_task_fields(cell, name, task, ids))
        bundle = build(cell, name)
        found.extend(bundle.findings)
        if not bundle.files and not bundle.omitted:
            line, col = _pos(cell, name)
            found.append(diag("bundle.empty", f"bundle '{name}' resolves to no file it can carry",
                              loaded.path, line, col, hint="fix its include patterns"))
        found.extend(_budget_findings(cell, bundle))
    return _merge_file_findings(found)


def _ledger_ids(cell: Cell) -> tuple[set[str], set[str]] | None:
    ledger = cell.ledger.model
    if ledger is None:
        return None
    reqs = {r.id for _, r in ledger.iter_requirements()}
    acs = {a.id for _, _, a in ledger.iter_acs()}
    return reqs, acs


def _check_task_fields(cell: Cell, name: str, task: BundleTask,
                       ids: tuple[set[str], set[str]] | None) -> list[Diagnostic]:
    from govcell.load.globs import escape_reason, is_glob, normalise

    cp = cell.contextpack.path
    out: list[Diagnostic] = []
    if not _TASK_NAME.fullmatch(name):
        line, col = cell.contextpack.raw.position(("tasks", name), key=True)
        out.append(diag("bundle.bad-name", f"bundle name '{name}' is not a plain file name", cp, line, col,
                        hint="use letters, digits, '-', '_' and '.', not starting with '.' or '-': "
                             "the name becomes the output file name"))
    if task.output and escape_reason(task.output):
        line, col = _pos(cell, name, "output")
        out.append(diag("bundle.path-escape", f"bundle '{name}': output '{task.output}' "
                        f"{escape_reason(task.output)}", cp, line, col,
                        hint="write bundles inside the repository (they are usually gitignored)"))
    else:
        out.extend(_output_findings(cell, name, task))
    if ids is not None:
        reqs, acs = ids
        for field, known, code in (("requirements", reqs, "bundle.unknown-requirement"),
                                   ("acs", acs, "bundle.unknown-ac")):
            for i, ident in enumerate(getattr(task, field)):
                if ident not in known:
                    line, col = _pos(cell, name, field, i)
                    out.append(diag(code, f"bundle '{name}' names {ident}, which the ledger does not hold", cp,
                                    line, col, hint=did_you_mean(ident, known) or "fix the ID or add it to the "
                                                                                  "ledger"))
    files = _state(cell).files
    for i, allowed in enumerate(task.allow_secrets):
        line, col = _pos(cell, name, "allow_secrets", i)
        if is_glob(allowed):
            out.append(diag("bundle.allow-not-exact", f"bundle '{name}': allow_secrets entry '{allowed}' is a "
                            "pattern; only exact paths are allowed", cp, line, col,
                            hint="name each allowed file by its exact path", severity=Severity.ERROR))
        elif normalise(allowed) not in files:
            out.append(diag("bundle.allow-unused", f"bundle '{name}': allow_secrets entry '{allowed}' names no "
                            "file of the repository", cp, line, col, hint="remove the stale entry",
                            severity=Severity.WARNING))
    return out


def _output_findings(cell: Cell, name: str, task: BundleTask) -> list[Diagnostic]:
    """Where ``govcell bundle NAME`` would write, judged by the path policy (govcell.write)."""
    from govcell.write import cell_inputs, resolve_output

    target = task.output or f"{cell.config.bundles.output_dir}/{name}.md"
    loc = ("tasks", name, "output") if task.output else ("tasks", name)
    line, col = cell.contextpack.raw.position(loc, key=not task.output)
    inputs = cell_inputs(cell)
    for path in (target, target + ".manifest.json"):
        _place, problem = resolve_output(cell.root, path, what="bundle output", inputs=inputs,
                                         where=(cell.contextpack.path, line, col))
        if problem is not None:
            return [problem]
    return []


def _budget_findings(cell: Cell, bundle: Bundle) -> list[Diagnostic]:
    from govcell.report.bundle import render

    if bundle.refused:
        return []
    size = len(render(bundle, "md").encode("utf-8"))
    if size <= bundle.max_bytes:
        return []
    largest = sorted(bundle.files, key=lambda f: (-f.size, f.path))[:5]
    listed = ", ".join(f"{f.path} ({f.size} bytes)" for f in largest)
    line, col = _pos(cell, bundle.name, "max_bytes")
    return [diag("bundle.over-budget", f"bundle '{bundle.name}' renders to {size} bytes, {size - bundle.max_bytes} "
                 f"over its max_bytes {bundle.max_bytes}; largest files: {listed}", cell.contextpack.path,
                 line, col, hint="exclude large or generated files, split the bundle, or raise max_bytes")]


def _merge_file_findings(found: list[Diagnostic]) -> list[Diagnostic]:
    """One finding per secret/symlink location, naming every bundle that includes it."""
    merged: dict[tuple[str, str, int, int], tuple[Diagnostic, list[str]]] = {}
    out: list[Diagnostic] = []
    for d in found:
        m = re.search(r" \(bundle '([^']*)'\)$", d.message)
        if d.code in SAFETY_CODES and m:
            key = (d.code, d.path, d.line, d.col)
            if key in merged:
                merged[key][1].append(m.group(1))
            else:
                merged[key] = (d, [m.group(1)])
            continue
        out.append(d)
    for d, names in merged.values():
        names = sorted(set(names))
        label = "bundle" if len(names) == 1 else "bundles"
        message = d.message[: d.message.rindex(" (bundle '")] + f" ({label} {', '.join(repr(n) for n in names)})"
        out.append(dataclasses.replace(d, message=message))
    return out


# --------------------------------------------------------------------------- budgets


def budgets(cell: Cell) -> list[BundleBudget]:
    """Every contextpack task's rendered size against its budget, in contextpack order.

    ``bytes`` is the size of the full Markdown rendering (every carried file,
    nothing dropped); ``over`` is ``bytes > max_bytes``.  Empty when the cell
    has no valid contextpack.
    """
    from govcell.report.bundle import render

    pack = cell.contextpack.model
    if pack is None:
        return []
    out = []
    for name, task in pack.tasks.items():
        bundle = build(cell, name)
        carried = bundle.files + [_state(cell).info(p) for p, _b, _r in bundle.omitted]
        size = len(render(dataclasses.replace(bundle, files=carried, omitted=[]), "md").encode("utf-8"))
        out.append(BundleBudget(name, task.description, task.max_bytes, size,
                                [(f.path, f.size) for f in carried], list(bundle.skipped), size > task.max_bytes))
    return out


def task_names(cell: Cell) -> list[str]:
    pack = cell.contextpack.model
    return list(pack.tasks) if pack else []
