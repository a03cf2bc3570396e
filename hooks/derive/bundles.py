"""Context bundles: resolving a contextpack task to files, and judging the result.

A bundle is what an LLM agent is given to work on one task: a header (task,
prompt, the requirements and ACs it serves) and the files its ``include``
patterns pick, in the order written.  This module turns a task into a
:class:`Bundle` (files in, files left out and why, findings), and computes the
:func:`budgets` the site shows.  The ``context-bundles`` check lives in
``govcell.checks.context_bundles``, rendering in ``govcell.report.bundle``, the
command in ``govcell.cli.bundle``.

Everything is read once per :class:`Bundler` (the file list, each file's bytes
and its secret scan; one per ``Analysis``), so checking ten bundles that share
files costs one read of each file.

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
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from govcell.diagnostics import Diagnostic, Severity, diag
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
TASK_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


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
    #: the safety findings of ``findings`` that are about a file, each with its message without the bundle's
    #: name (a file picked by several bundles is reported once, naming them all)
    shared: list[tuple[Diagnostic, str]] = dataclasses.field(default_factory=list)
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


class AcState(Protocol):
    """What a bundle says of an AC's status (``govcell.derive.coverage.AcStatus`` is one)."""

    @property
    def coverage(self) -> str: ...

    @property
    def run(self) -> str: ...

    @property
    def suspect(self) -> bool: ...


class Bundler:
    """What one cell's bundles share: the file list, file reads, .llmignore, the ledger index.

    ``ac_states`` gives every AC's status by ID (``Analysis.coverage.acs``) when a
    bundle first needs one; ``Analysis.bundler`` makes one per analysis.
    """

    def __init__(self, cell: Cell, ac_states: Callable[[], Mapping[str, AcState]]) -> None:
        from govcell.load.repofiles import list_files

        self.cell = cell
        self.ac_states = ac_states
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


# --------------------------------------------------------------------------- ledger links


def _link_ac(state: Bundler, ac: AcceptanceCriterion) -> LinkedAC:
    """An AC with its scenarios and status, as the AC-tags layer computed them.

    Scenarios come from the cell's one Gherkin parse (``Cell.features``) and the
    status from the analysis' coverage, so a bundle says exactly what ``govcell
    status`` and the site say: static coverage, then run status.
    """
    cell = state.cell
    scenarios = [Scenario(sc.name, sc.file, sc.line) for sc in cell.features.by_ac.get(ac.id, [])]
    status = state.ac_states().get(ac.id)
    label = f"{status.coverage}, {status.run.replace('_', ' ')}" if status is not None else "uncovered"
    if status is not None and status.suspect:
        label += ", suspect"
    return LinkedAC(ac, scenarios, label)


def link(state: Bundler, requirements: list[str], acs: list[str]) -> tuple[list[LinkedRequirement], list[str]]:
    """The ledger entries for ``requirements`` and ``acs``, in ledger order, and the IDs not found.

    A linked requirement brings all its ACs; a linked AC brings its requirement
    and story for context.
    """
    ledger = state.cell.ledger.model
    want_reqs, want_acs = set(requirements), set(acs)
    if ledger is None:
        return [], sorted(want_reqs | want_acs)
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


def task_position(cell: Cell, *loc: str | int) -> tuple[int, int]:
    """Line and column of ``tasks.<loc...>`` in the contextpack."""
    return cell.contextpack.raw.position(("tasks", *loc))


def _choose(state: Bundler, cell: Cell, name: str, task: BundleTask,
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


def _admit(state: Bundler, name: str, paths: list[str], allowed: set[str], findings: list[Diagnostic],
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


def _header_secrets(cell: Cell, name: str, description: str | None, prompt: str | None,
                    links: list[LinkedRequirement]) -> list[Diagnostic]:
    """Secrets in what the bundle's header carries (description, prompt, ledger text): every byte is scanned."""
    out: list[Diagnostic] = []
    texts: list[tuple[str, str, tuple[str, int, int]]] = []
    for field, value in (("description", description), ("prompt", prompt)):
        if value:
            texts.append((field, value, (cell.contextpack.path, *task_position(cell, name, field))))
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


def _skip_findings(cell: Cell, name: str, skipped: list[tuple[str, str]], state: Bundler) -> list[Diagnostic]:
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


def build(state: Bundler, name: str) -> Bundle | None:
    """Resolve contextpack task ``name`` into a :class:`Bundle` (None when the contextpack has no such task)."""
    cell = state.cell
    pack = cell.contextpack.model
    task = pack.tasks.get(name) if pack is not None else None
    if task is None:
        return None
    findings: list[Diagnostic] = []
    chosen = _choose(state, cell, name, task, findings)
    shared: list[tuple[Diagnostic, str]] = []
    files, skipped = _admit(state, name, chosen, set(task.allow_secrets), findings, shared)
    findings.extend(_skip_findings(cell, name, skipped, state))
    reqs, acs = _task_links(cell, name, task)
    links, missing = link(state, reqs, acs)
    findings.extend(_header_secrets(cell, name, task.description, task.prompt, links))
    bundle = Bundle(name, task.description, task.prompt, task.max_bytes, state.files.commit, state.files.in_git,
                    links, missing, files, skipped, findings, shared=shared)
    if task.max_files is not None and len(files) > task.max_files:
        line, col = task_position(cell, name, "max_files")
        findings.append(diag("bundle.too-many-files", f"bundle '{name}' resolves to {len(files)} files, over its "
                             f"max_files {task.max_files}", cell.contextpack.path, line, col,
                             hint="narrow the include patterns, or raise max_files"))
        bundle.omitted.extend((f.path, f.size, "over max_files") for f in files[task.max_files:])
        bundle.files = files[:task.max_files]
    return bundle


def build_for_ac(state: Bundler, ac_id: str, max_bytes: int | None = None) -> Bundle | None:
    """An automatic bundle for one AC: its story, requirement, scenarios, tests, ADRs and docs.

    None when the ledger has no such AC.
    """
    cell = state.cell
    ledger = cell.ledger.model
    hit = next(((s, r, a) for s, r, a in (ledger.iter_acs() if ledger else []) if a.id == ac_id), None)
    if hit is None:
        return None
    story, req, ac = hit
    links, _ = link(state, [], [ac_id])
    findings: list[Diagnostic] = []
    wanted = _wanted(cell, state, [(ac_id, p) for p in _ac_paths(cell, story, req, ac)], findings)
    shared: list[tuple[Diagnostic, str]] = []
    files, skipped = _admit(state, ac_id, wanted, set(), findings, shared)
    findings.extend(_header_secrets(cell, ac_id, None, None, links))
    budget = max_bytes or cell.config.bundles.ac_max_bytes
    return Bundle(ac_id, f"Everything needed to implement and prove {ac_id}: {ac.text}",
                  None, budget, state.files.commit, state.files.in_git, links, [], files, skipped, findings,
                  kind="ac", shared=shared)


def _ac_paths(cell: Cell, story: Story, req: Requirement, ac: AcceptanceCriterion) -> list[str]:
    """An AC's files: scenarios first (what must hold), then the tests and code they map to, then decisions, docs."""
    paths = sorted({sc.file for sc in cell.features.by_ac.get(ac.id, [])})
    paths.extend(t.file for t in ac.tests if t.type == "bdd" and t.file)
    paths.extend(t.file for t in ac.tests if t.type != "bdd" and t.file)
    paths.extend(_adr_files(cell, [*story.adrs, *req.adrs, *ac.adrs]))
    paths.extend(req.docs)
    return paths


def _wanted(cell: Cell, state: Bundler, paths: list[tuple[str, str]], findings: list[Diagnostic]) -> list[str]:
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


def build_for_acs(state: Bundler, name: str, description: str, prompt: str | None, ac_ids: list[str],
                  sections: list[tuple[str, str]], max_bytes: int, kind: str) -> Bundle:
    """A bundle of several ACs (ledger order) with their requirements, stories, scenarios, tests, ADRs and docs,
    and ``sections`` (title, Markdown) in its header; IDs the ledger lacks are skipped."""
    cell = state.cell
    ledger = cell.ledger.model
    wanted_ids = set(ac_ids)
    links, _ = link(state, [], [a for a in ac_ids if a])
    pairs: list[tuple[str, str]] = []
    for story, req, ac in ledger.iter_acs() if ledger else ():
        if ac.id in wanted_ids:
            pairs.extend((ac.id, p) for p in _ac_paths(cell, story, req, ac))
    findings: list[Diagnostic] = []
    wanted = _wanted(cell, state, pairs, findings)
    shared: list[tuple[Diagnostic, str]] = []
    files, skipped = _admit(state, name, wanted, set(), findings, shared)
    findings.extend(_header_secrets(cell, name, None, None, links))
    for title, text in sections:
        for hit in scan_text(text, limit=1):
            findings.append(diag("bundle.secret-content", f"the section '{title}' of bundle '{name}' holds what "
                                 f"looks like a {hit.kind}", cell.ledger.path, hint="remove the secret: the "
                                 "bundle header carries this text to the agent"))
    return Bundle(name, description, prompt, max_bytes, state.files.commit, state.files.in_git, links, [], files,
                  skipped, findings, kind=kind, sections=list(sections), shared=shared)


def _adr_files(cell: Cell, adrs: list[str]) -> list[str]:
    """The decision record files of ``ADR-NNNN`` references (``cell.adrs``), unknown ones skipped.

    A reference to a missing ADR is the governance graph's finding, not the bundle's.
    """
    index = cell.adrs.adrs
    return [index[ref].path for ref in dict.fromkeys(adrs) if ref in index]


# --------------------------------------------------------------------------- budgets


def rendered_size(bundle: Bundle) -> int:
    """Bytes of the bundle's Markdown rendering (what ``max_bytes`` budgets)."""
    from govcell.report.bundle import render

    return len(render(bundle, "md").encode("utf-8"))


def budgets(state: Bundler) -> list[BundleBudget]:
    """Every contextpack task's rendered size against its budget, in contextpack order.

    ``bytes`` is the size of the full Markdown rendering (every carried file,
    nothing dropped); ``over`` is ``bytes > max_bytes``.  Empty when the cell
    has no valid contextpack.
    """
    pack = state.cell.contextpack.model
    if pack is None:
        return []
    out = []
    for name, task in pack.tasks.items():
        bundle = build(state, name)
        if bundle is None:
            continue
        carried = bundle.files + [state.info(p) for p, _b, _r in bundle.omitted]
        size = rendered_size(dataclasses.replace(bundle, files=carried, omitted=[]))
        out.append(BundleBudget(name, task.description, task.max_bytes, size,
                                [(f.path, f.size) for f in carried], list(bundle.skipped), size > task.max_bytes))
    return out
