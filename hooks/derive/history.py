"""``govcell history [--last N]``: the cell's counts, static coverage and findings at each of the last N commits.

Each first-parent commit of ``HEAD`` is loaded from git (``govcell.load.sources``,
nothing checked out) and reduced to a *point*: stories, requirements, ACs (kernel,
covered, uncovered, meta), scenarios and findings by severity, from the checks
``govcell diff`` compares.

A point is a function of the files the cell read, so it is cached by what was
read: while a commit is loaded, every question its loader asks of the tree
(``is_file``, ``walk``, ``read_text``...) is recorded with git's answer (for a
file: its blob id).  Another commit that gives the same answers to the same
questions has the same point: it is *replayed* against that commit's tree (a
listing, no blob read) instead of loaded.  Feature and YAML files are parsed once
per blob (the shared cache, ``govcell.load.cache``), and points and read logs are
kept in that same cache (the repository's git directory, atomic entries, keyed with
govcell's code and the configuration file) by commit, so a second run reads only
new commits.

The work is split over two processes (the older and the newer half of the
commits) when there are two cores.  Output: text, JSON (``govcell.history/1``);
the site draws its trend chart from the same points.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from govcell.diagnostics import Diagnostic, diag
from govcell.load.sources import GitTree

if TYPE_CHECKING:
    from govcell.derive.analysis import Analysis
    from govcell.derive.diff_side import Findings

_T = TypeVar("_T")
FORMAT = "govcell.history/1"
#: The most distinct read logs the cache keeps for replaying.
MAX_LOGS = 64
COUNT_KEYS = ("stories", "requirements", "acs", "kernel_acs", "covered", "uncovered", "meta", "scenarios",
              "errors", "warnings", "infos", "findings")


# --------------------------------------------------------------------------- recording what a cell reads


class RecordingTree(GitTree):
    """A ``GitTree`` that records every question asked of it and git's answer (``log``)."""

    def __init__(self, tree: GitTree) -> None:
        super().__init__(tree.root, tree._entries, kind=tree.kind, label=tree.label, commit=tree.commit)
        self.log: dict[str, Any] = {}

    def _note(self, key: str, answer: _T) -> _T:
        self.log.setdefault(key, _digest(answer))
        return answer

    def is_file(self, rel: str) -> bool:
        return self._note(f"is_file\0{rel}", super().is_file(rel))

    def is_dir(self, rel: str) -> bool:
        return self._note(f"is_dir\0{rel}", super().is_dir(rel))

    def exists(self, rel: str) -> bool:
        return self._note(f"exists\0{rel}", super().exists(rel))

    def walk(self, rel_dir: str, *, skip_hidden_dirs: bool = False) -> list[str]:
        return self._note(f"walk\0{rel_dir}\0{int(skip_hidden_dirs)}",
                          super().walk(rel_dir, skip_hidden_dirs=skip_hidden_dirs))

    def listdir(self, rel_dir: str) -> list[str]:
        return self._note(f"listdir\0{rel_dir}", super().listdir(rel_dir))

    def repo_files(self, skip_dirs: list[str]) -> Any:
        files = super().repo_files(skip_dirs)
        self._note(f"repo_files\0{json.dumps(sorted(skip_dirs))}", files.paths)
        return files

    def blob_id(self, rel: str) -> str | None:
        return self._note(f"blob\0{rel}", super().blob_id(rel))

    def read_bytes(self, rel: str) -> bytes | None:
        self._note(f"read\0{rel}", answer(self, "read", rel))
        return super().read_bytes(rel)

    def read_text(self, rel: str, *, max_bytes: int, code: str = "file") -> Any:
        self._note(f"read\0{rel}", answer(self, "read", rel))
        return super().read_text(rel, max_bytes=max_bytes, code=code)


def answer(tree: GitTree, op: str, arg: str) -> Any:
    """What a (non-recording) tree answers to one recorded question."""
    if op == "read":
        path, entry = GitTree._resolve(tree, arg)
        return [path, entry.mode if entry else None, entry.sha if entry else None, GitTree.is_dir(tree, arg)]
    if op == "blob":
        return GitTree.blob_id(tree, arg)
    if op == "is_file":
        return GitTree.is_file(tree, arg)
    if op == "is_dir":
        return GitTree.is_dir(tree, arg)
    if op == "exists":
        return GitTree.exists(tree, arg)
    if op == "listdir":
        return GitTree.listdir(tree, arg)
    raise KeyError(op)


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha1(text.encode("utf-8", "surrogateescape")).hexdigest()[:20]


def replays(log: dict[str, str], tree: GitTree) -> bool:
    """Whether ``tree`` answers every question of ``log`` as the tree it was recorded on did."""
    for key, expected in log.items():
        op, _, rest = key.partition("\0")
        if op == "walk":
            rel_dir, _, hidden = rest.rpartition("\0")
            got: Any = GitTree.walk(tree, rel_dir, skip_hidden_dirs=hidden == "1")
        elif op == "repo_files":
            got = GitTree.repo_files(tree, json.loads(rest)).paths
        else:
            got = answer(tree, op, rest)
        if _digest(got) != expected:
            return False
    return True


# --------------------------------------------------------------------------- one commit's point


def point_of(analysis: Analysis, found: list[Diagnostic]) -> dict[str, int]:
    """The counts of one analysed cell and its findings."""
    cell = analysis.cell
    ledger = cell.ledger.model
    stories = list(ledger.stories) if ledger is not None else []
    reqs = [r for s in stories for r in s.requirements]
    cov = analysis.coverage.acs.values()
    by = {"covered": 0, "uncovered": 0, "meta": 0}
    for a in cov:
        by[a.coverage] = by.get(a.coverage, 0) + 1
    sev = {"error": 0, "warning": 0, "info": 0}
    for d in found:
        sev[d.severity.value] += 1
    return {"stories": len(stories), "requirements": len(reqs), "acs": sum(len(r.acceptance_criteria) for r in reqs),
            "kernel_acs": sum(1 for a in cov if a.kernel), "covered": by["covered"], "uncovered": by["uncovered"],
            "meta": by["meta"], "scenarios": len(cell.features.scenarios), "errors": sev["error"],
            "warnings": sev["warning"], "infos": sev["info"], "findings": len(found)}


#: The YAML files of a cell, loaded and validated once per blob in a run (``Cell`` attribute -> its path).
_FILES = ("ledger", "tasks", "flows", "contextpack", "doc_index")


def compute_point(root: Path, config: str | None, commit: str, findings: Findings,
                  memo: dict[Any, Any] | None = None) -> tuple[dict[str, int], dict[str, str]]:
    """Load the cell at ``commit``, check it with ``findings``; its counts and the read log that determines them.

    ``memo`` keeps the validated YAML files by blob (and the configuration's blob) across the commits
    of a run; a file taken from it is recorded as read, as loading it would have.
    """
    from govcell.cell import Cell
    from govcell.derive.analysis import Analysis
    from govcell.load.sources import at_revision

    tree = RecordingTree(at_revision(root, commit))
    cell = Cell(root, config, source=tree)
    keys: dict[str, Any] = {}
    if memo is not None:
        cfg_blob = tree.blob_id(cell.config_source) if cell.config_source else None
        for name in _FILES:
            rel = getattr(cell.config.paths, name)
            keys[name] = (name, rel, GitTree.blob_id(tree, rel), GitTree.is_dir(tree, rel), cfg_blob)
            if keys[name] in memo:
                tree._note(f"read\0{rel}", answer(tree, "read", rel))
                cell.__dict__[name] = memo[keys[name]]
    analysis = Analysis(cell)
    found = findings(analysis)
    counts = point_of(analysis, found)
    analysis.release()  # the next commit's cell takes its place (no cyclic collection: see release)
    if memo is not None:
        for name, key in keys.items():
            if name in cell.__dict__:
                memo.setdefault(key, cell.__dict__[name])
    return counts, dict(tree.log)


# --------------------------------------------------------------------------- commits and the cache


@dataclasses.dataclass
class Commit:
    id: str
    date: str  #: committer date, ISO 8601
    subject: str


def first_parent_commits(root: Path, last: int, head: str = "HEAD") -> list[Commit]:
    """The last ``last`` first-parent commits of ``head``, oldest first."""
    from govcell.load.git import git

    out = git(root, "log", "--first-parent", f"--max-count={last}", "-z", "--format=%H%x1f%cI%x1f%s",
              "--end-of-options", head, "--")
    commits = []
    for record in (out or b"").decode("utf-8", "replace").split("\0"):
        if record.strip():
            sha, date, subject = (record.strip("\n").split("\x1f", 2) + ["", ""])[:3]
            commits.append(Commit(sha, date, subject))
    return list(reversed(commits))


def _store(root: Path, use_cache: bool) -> Any:
    """The repository's shared cache (``govcell.load.cache``): off with ``--no-cache`` or ``GOVCELL_NO_CACHE=1``."""
    from govcell.load.cache import Cache, cache_dir, env_off

    return Cache(cache_dir(root) if use_cache and not env_off() else None)


# --------------------------------------------------------------------------- the whole history


def _work(root: str, config: str | None, commits: list[str], logs: list[dict[str, Any]],
          findings: Findings) -> list[dict[str, Any]]:
    """Points of ``commits`` (in order), replaying ``logs`` and the logs recorded on the way.

    Returns per commit ``{"counts"}``, with ``"log"`` when the commit was loaded (not replayed).
    """
    from govcell.load.git import close_all
    from govcell.load.sources import at_revision

    root_path = Path(root)
    known = list(logs)
    out: list[dict[str, Any]] = []
    memo: dict[Any, Any] = {}
    try:
        for sha in commits:
            tree = at_revision(root_path, sha)
            hit = next((i for i in range(len(known) - 1, -1, -1) if replays(known[i]["log"], tree)), None)
            if hit is not None:
                out.append({"counts": known[hit]["counts"]})
                continue
            counts, log = compute_point(root_path, config, sha, findings, memo)
            known.append({"counts": counts, "log": log})
            out.append({"counts": counts, "log": log})
    finally:
        close_all()
    return out


def compute(root: str, config: str | None, last: int = 50, *, findings: Findings, use_cache: bool = True,
            preload: Sequence[str] = ()) -> dict[str, Any]:
    """The ``govcell.history/1`` document of the last ``last`` first-parent commits of HEAD.

    ``findings`` checks each loaded commit's analysed cell (the caller's: derive never runs the checks);
    ``preload`` names the modules it needs, imported before the work is forked.
    """
    from govcell.load.git import git, in_git

    root_path = Path(root).absolute()
    doc: dict[str, Any] = {"format": FORMAT, "head": None, "diagnostics": [], "points": []}
    if not in_git(root_path):
        doc["diagnostics"] = [diag("diff.not-git", f"{root} is not inside a git work tree: there is no history",
                                   ".", hint="run govcell history in a git repository").as_dict()]
        return doc
    head = git(root_path, "rev-parse", "-q", "--verify", "HEAD^{commit}")
    if head is None:
        return doc  # no commit yet: an empty history
    doc["head"] = head.decode().strip()
    commits = first_parent_commits(root_path, max(last, 1))
    from govcell.load.cache import MISS, key

    store = _store(root_path, use_cache)
    part = config or ""
    points: dict[str, dict[str, int]] = {}
    todo: list[str] = []
    for c in commits:
        got = store.get("history", key("history-point", c.id, part))
        if isinstance(got, dict):
            points[c.id] = got
        else:
            todo.append(c.id)
    logs_key = key("history-logs", part)
    logs = store.get("history", logs_key)
    logs = logs if logs is not MISS and isinstance(logs, list) else []
    loaded = 0
    if todo:
        results = _spread(str(root_path), config, todo, logs, findings, preload)
        fresh = [{"counts": r["counts"], "log": r["log"]} for r in results if "log" in r]
        loaded = len(fresh)
        for sha, res in zip(todo, results):
            points[sha] = res["counts"]
            store.put("history", key("history-point", sha, part), res["counts"])
        if fresh:
            store.put("history", logs_key, (logs + fresh)[-MAX_LOGS:])
    for c in commits:
        doc["points"].append({"commit": c.id, "date": c.date, "subject": c.subject, **points[c.id]})
    doc["stats"] = {"loaded": loaded, "replayed": len(todo) - loaded, "cached": len(commits) - len(todo)}
    return doc


def _spread(root: str, config: str | None, todo: list[str], logs: list[dict[str, Any]], findings: Findings,
            preload: Sequence[str]) -> list[dict[str, Any]]:
    """``_work`` over ``todo``: the older half in a forked child, the newer half here, when there are two cores."""
    from govcell.derive.diff_side import preload_modules
    from govcell.process import Later

    if len(todo) < 4 or (os.cpu_count() or 1) < 2 or os.environ.get("GOVCELL_DIFF_SERIAL") == "1":
        return _work(root, config, todo, logs, findings)
    from govcell.load import features

    preload_modules(preload)  # imported once here, inherited by the child
    saved = features.PARALLEL_MIN_FILES
    features.PARALLEL_MIN_FILES = 1 << 30  # the two halves already use both cores
    try:
        half = len(todo) // 2
        older = Later(_work, (root, config, todo[:half], logs, findings))
        newer = _work(root, config, todo[half:], logs, findings)
        status, first = older.result()
    finally:
        features.PARALLEL_MIN_FILES = saved
    if status != "ok":
        first = _work(root, config, todo[:half], logs, findings)
    return cast("list[dict[str, Any]]", first) + newer


def json_schema() -> dict[str, Any]:
    """JSON Schema of the ``govcell.history/1`` document (``govcell schema history``)."""
    i = {"type": "integer", "minimum": 0}
    point = {"type": "object", "required": ["commit", "date", "subject", *COUNT_KEYS],
             "properties": {"commit": {"type": "string", "pattern": "^[0-9a-f]{40,64}$"}, "date": {"type": "string"},
                            "subject": {"type": "string"}, **dict.fromkeys(COUNT_KEYS, i)}}
    finding = {"type": "object", "required": ["code", "severity", "path", "line", "col", "message", "hint"]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://govcell.dev/schema/history.json",
        "title": "govcell history",
        "description": "The cell's counts, static coverage and findings at each of the last N first-parent commits "
                       "of HEAD, oldest first (govcell history --format json).",
        "type": "object",
        "required": ["format", "head", "diagnostics", "points"],
        "properties": {"format": {"const": FORMAT}, "head": {"type": ["string", "null"]},
                       "diagnostics": {"type": "array", "items": finding},
                       "points": {"type": "array", "items": point}},
    }
