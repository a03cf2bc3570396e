"""Where a cell's files come from: the working tree, a git revision, or the staged index.

Everything that loads the cell (``Cell``, the config, the feature index, ADRs,
the graph, bundles) reads through one ``FileSource``, so a cell can be loaded
as it was at any commit, or as it is about to be committed, with the same code
that loads the working tree.  A git source reads blobs with one long-running
``git cat-file --batch`` per repository, lazily (only what the loader asks
for), and never checks anything out.

Paths are relative to the cell root, ``/``-separated, as everywhere else.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from govcell.load.repofiles import RepoFiles
    from govcell.load.text import ReadResult
    from govcell.load.yamlio import LoadedYaml

#: git's file modes that matter here.
_LINK, _GITLINK = "120000", "160000"


class RevisionError(Exception):
    """A revision that git cannot resolve (a typo, or history a shallow clone lacks)."""


class FileSource:
    """The files of a cell at one point in its history."""

    #: ``worktree`` | ``index`` | ``revision``
    kind = "worktree"
    #: how reports name it: "working tree", "index", a short commit id
    label = "working tree"
    #: the full commit id of a revision source (else None)
    commit: str | None = None

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # -- reading
    def read_text(self, rel: str, *, max_bytes: int, code: str = "file") -> ReadResult:
        from govcell.load.text import read_text

        return read_text(self.root, rel, max_bytes=max_bytes, code=code)

    def load_yaml(self, rel: str, *, max_bytes: int, required: bool = True) -> LoadedYaml:
        from govcell.load.yamlio import yaml_from_read

        return yaml_from_read(self.read_text(rel, max_bytes=max_bytes), rel, required=required)

    def read_bytes(self, rel: str) -> bytes | None:
        """The raw content of a regular file (symlinks followed inside the cell), or None."""
        full = self.root / rel
        try:
            real = os.path.realpath(full)
            root = os.path.realpath(self.root)
            if os.path.commonpath([real, root]) != root or not os.path.isfile(full):
                return None
            return full.read_bytes()
        except (OSError, ValueError):
            return None

    # -- the tree
    def is_file(self, rel: str) -> bool:
        return (self.root / rel).is_file()

    def is_dir(self, rel: str) -> bool:
        return (self.root / rel).is_dir()

    def exists(self, rel: str) -> bool:
        return (self.root / rel).exists() or os.path.islink(self.root / rel)

    def walk(self, rel_dir: str, *, skip_hidden_dirs: bool = False) -> list[str]:
        """Every file below ``rel_dir`` (not following directory symlinks), sorted."""
        base = self.root / rel_dir
        out: list[str] = []
        if not base.is_dir():
            return out
        for dirpath, dirnames, filenames in os.walk(base):
            if skip_hidden_dirs:
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in filenames:
                out.append((Path(dirpath) / name).relative_to(self.root).as_posix())
        return sorted(out)

    def listdir(self, rel_dir: str) -> list[str]:
        """Names of the files directly in ``rel_dir``, sorted."""
        base = self.root / rel_dir
        try:
            return sorted(e.name for e in base.iterdir() if e.is_file())
        except OSError:
            return []

    def repo_files(self, skip_dirs: list[str]) -> RepoFiles:
        """What a bundle may carry (tracked files in git, else the tree)."""
        from govcell.load.repofiles import list_files

        return list_files(self.root, skip_dirs)

    def blob_id(self, rel: str) -> str | None:
        """A content id of a file (git's blob id where known), for caches; None when absent."""
        data = self.read_bytes(rel)
        if data is None:
            return None
        return _hash_blob(data)

    def close(self) -> None:
        pass


class WorkTree(FileSource):
    """The files on disk (what every command reads unless told otherwise)."""


@dataclasses.dataclass(frozen=True, slots=True)
class _Entry:
    mode: str
    sha: str
    size: int | None


class GitTree(FileSource):
    """A cell as git stores it: a commit (``revision``) or the staged index (``index``)."""

    def __init__(self, root: Path, entries: dict[str, _Entry], *, kind: str, label: str,
                 commit: str | None = None) -> None:
        super().__init__(root)
        self.kind = kind
        self.label = label
        self.commit = commit
        self._entries = entries
        #: the index's parent commit (HEAD), which a bundle rendered from the index names
        self.parent_commit: str | None = None
        dirs: set[str] = set()
        for path in entries:
            parts = path.split("/")
            for i in range(1, len(parts)):
                dirs.add("/".join(parts[:i]))
        self._dirs = dirs
        self._sorted = sorted(entries)

    # -- the tree
    def _resolve(self, rel: str, depth: int = 0) -> tuple[str | None, _Entry | None]:
        """Follow symlinks inside the tree: (final path, entry); path None when it leaves the cell."""
        path = _norm(rel)
        if path is None:
            return None, None
        entry = self._entries.get(path)
        if entry is None or entry.mode != _LINK:
            return path, entry
        if depth > 20:
            return None, None
        target = _blobs(self.root).get(entry.sha)
        if target is None:
            return path, None
        dest = target.decode("utf-8", "replace")
        if dest.startswith("/"):
            return None, None
        return self._resolve(posixpath.join(posixpath.dirname(path), dest), depth + 1)

    def is_file(self, rel: str) -> bool:
        _path, entry = self._resolve(rel)
        return entry is not None and entry.mode not in (_LINK, _GITLINK)

    def is_dir(self, rel: str) -> bool:
        path = _norm(rel)
        return path is not None and (path == "" or path in self._dirs)

    def exists(self, rel: str) -> bool:
        path = _norm(rel)
        return path is not None and (path in self._entries or path in self._dirs or path == "")

    def walk(self, rel_dir: str, *, skip_hidden_dirs: bool = False) -> list[str]:
        norm = _norm(rel_dir)
        if norm is None:
            return []
        prefix = norm + "/" if norm else ""
        out = []
        for p in self._sorted:
            if not p.startswith(prefix):
                continue
            if skip_hidden_dirs and any(part.startswith(".") for part in p[len(prefix):].split("/")[:-1]):
                continue
            if self._entries[p].mode == _GITLINK:
                continue
            out.append(p)
        return out

    def listdir(self, rel_dir: str) -> list[str]:
        prefix = (_norm(rel_dir) or "").rstrip("/")
        prefix = prefix + "/" if prefix else ""
        return sorted(p[len(prefix):] for p in self._sorted
                      if p.startswith(prefix) and "/" not in p[len(prefix):] and self.is_file(p))

    def repo_files(self, skip_dirs: list[str]) -> RepoFiles:
        from govcell.load.repofiles import RepoFiles

        skip = tuple(d.strip("/") + "/" for d in skip_dirs if d.strip("/"))
        paths = [p for p in self._sorted if not p.startswith(skip) and self._entries[p].mode != _GITLINK]
        return RepoFiles(paths, True, self.commit or self.parent_commit)

    def blob_id(self, rel: str) -> str | None:
        _path, entry = self._resolve(rel)
        return entry.sha if entry is not None else None

    # -- reading
    def read_bytes(self, rel: str) -> bytes | None:
        _path, entry = self._resolve(rel)
        if entry is None or entry.mode in (_LINK, _GITLINK):
            return None
        return _blobs(self.root).get(entry.sha)

    def read_text(self, rel: str, *, max_bytes: int, code: str = "file") -> ReadResult:
        from govcell.diagnostics import diag
        from govcell.load.text import ReadResult, decode

        where = f" at {self.label}"
        path, entry = self._resolve(rel)
        if path is None:
            return ReadResult(None, [diag(f"{code}.outside-repo", f"{rel} resolves outside the repository{where}",
                                          rel, hint="point the path at a file inside the repository")])
        if entry is None:
            if self.is_dir(path):
                return ReadResult(None, [diag(f"{code}.not-a-file", f"{rel} is not a regular file{where}", rel,
                                              hint="expected a file here, found a directory or special file")])
            return ReadResult(None, [diag(f"{code}.missing", f"{rel} does not exist{where}", rel,
                                          hint="create it, or set its path in .govcell.yaml")])
        if entry.mode in (_LINK, _GITLINK):
            return ReadResult(None, [diag(f"{code}.not-a-file", f"{rel} is not a regular file{where}", rel)])
        if entry.size is not None and entry.size > max_bytes:
            return ReadResult(None, [diag(f"{code}.too-large", f"{rel} is {entry.size} bytes, over the "
                                          f"{max_bytes}-byte limit", rel,
                                          hint="split the file, or raise limits.max_file_bytes in the config")])
        raw = _blobs(self.root).get(entry.sha)
        if raw is None:
            return ReadResult(None, [diag(f"{code}.unreadable", f"cannot read {rel}{where} from git", rel)])
        if len(raw) > max_bytes:
            return ReadResult(None, [diag(f"{code}.too-large", f"{rel} is {len(raw)} bytes, over the "
                                          f"{max_bytes}-byte limit", rel,
                                          hint="split the file, or raise limits.max_file_bytes in the config")])
        return decode(raw, rel, code=code)


def _norm(rel: str) -> str | None:
    """``a/./b//c`` -> ``a/b/c``; None when it climbs out of the cell or is absolute."""
    rel = rel.replace("\\", "/")
    if rel.startswith("/"):
        return None
    parts: list[str] = []
    for part in rel.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
            continue
        parts.append(part)
    return "/".join(parts)


def _hash_blob(data: bytes) -> str:
    import hashlib

    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


# --------------------------------------------------------------------------- git plumbing


def git(root: Path, *args: str, input_: bytes | None = None) -> bytes | None:
    """Run git in ``root``; stdout, or None when git fails or is not there."""
    try:
        proc = subprocess.run(["git", *args], cwd=root, capture_output=True, input=input_, timeout=120, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def in_git(root: Path) -> bool:
    out = git(root, "rev-parse", "--is-inside-work-tree")
    return out is not None and out.strip() == b"true"


def resolve_commit(root: Path, rev: str) -> str:
    """The full commit id ``rev`` names; RevisionError when there is none."""
    if not rev or rev.startswith("-"):
        raise RevisionError(f"'{rev}' is not a revision")
    out = git(root, "rev-parse", "--verify", "-q", "--end-of-options", f"{rev}^{{commit}}")
    if not out:
        raise RevisionError(f"git has no commit '{rev}' here")
    return out.decode().strip()


def _prefix(root: Path) -> str:
    out = git(root, "rev-parse", "--show-prefix")
    return out.decode("utf-8", "surrogateescape").strip() if out else ""


def at_revision(root: Path, rev: str) -> GitTree:
    """The cell at commit ``rev`` (RevisionError when git does not have it)."""
    commit = resolve_commit(root, rev)
    prefix = _prefix(root)
    out = git(root, "ls-tree", "-r", "-z", "-l", "--full-tree", commit)
    if out is None:
        raise RevisionError(f"cannot list the files of {rev} (is the history complete?)")
    entries: dict[str, _Entry] = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, _type, sha, size = meta.split(None, 3)
        path = os.fsdecode(raw_path)
        if prefix:
            if not path.startswith(prefix):
                continue
            path = path[len(prefix):]
        size_s = size.strip()
        entries[path] = _Entry(mode.decode(), sha.decode(), int(size_s) if size_s.isdigit() else None)
    return GitTree(root, entries, kind="revision", label=commit[:12], commit=commit)


def staged(root: Path) -> GitTree:
    """The cell as it is staged for the next commit (the index)."""
    out = git(root, "ls-files", "-s", "-z")
    if out is None:
        raise RevisionError("not inside a git work tree: there is no index to read")
    entries: dict[str, _Entry] = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, sha, stage = meta.split()
        path = os.fsdecode(raw_path)
        if stage != b"0" and path in entries:
            continue  # an unresolved merge: the first stage listed stands for the file
        entries[path] = _Entry(mode.decode(), sha.decode(), None)
    tree = GitTree(root, entries, kind="index", label="index")
    head = git(root, "rev-parse", "--verify", "-q", "HEAD")
    tree.parent_commit = head.decode().strip() if head else None
    return tree


def source_for(root: Path, spec: str | None) -> FileSource:
    """``None``/``WORKTREE`` -> the working tree, ``INDEX`` -> the index, else a revision."""
    if spec is None or spec.upper() in ("WORKTREE", ":WORKTREE"):
        return WorkTree(root)
    if spec.upper() in ("INDEX", ":INDEX", "STAGED"):
        return staged(root)
    return at_revision(root, spec)


class _BlobReader:
    """One ``git cat-file --batch`` process per repository; blobs cached by id."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache: dict[str, bytes | None] = {}
        self.proc: subprocess.Popen[bytes] | None = None
        self.broken = False

    def _start(self) -> subprocess.Popen[bytes] | None:
        if self.proc is None and not self.broken:
            try:
                self.proc = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self.root, stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            except OSError:
                self.broken = True
        return self.proc

    def get(self, sha: str) -> bytes | None:
        if sha in self.cache:
            return self.cache[sha]
        self.cache[sha] = data = self._fetch(sha)
        return data

    def _fetch(self, sha: str) -> bytes | None:
        proc = self._start()
        if proc is None or proc.stdin is None or proc.stdout is None:
            return None
        try:
            proc.stdin.write(sha.encode() + b"\n")
            proc.stdin.flush()
            header = proc.stdout.readline().split()
            if len(header) < 3 or header[1] == b"missing":
                return None
            size = int(header[2])
            data = proc.stdout.read(size)
            proc.stdout.read(1)  # the newline after the content
            return data
        except (OSError, ValueError):
            self.close()
            self.broken = True
            return None

    def close(self) -> None:
        if self.proc is not None:
            try:
                if self.proc.stdin:
                    self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.SubprocessError):
                self.proc.kill()
            if self.proc.stdout:
                self.proc.stdout.close()
            self.proc = None


_READERS: dict[str, _BlobReader] = {}


def _blobs(root: Path) -> _BlobReader:
    key = str(root)
    reader = _READERS.get(key)
    if reader is None:
        reader = _READERS[key] = _BlobReader(root)
    return reader


def close_all() -> None:
    """End every ``git cat-file`` process this process started."""
    for reader in _READERS.values():
        reader.close()
    _READERS.clear()


# --------------------------------------------------------------------------- policies at a revision


def policy_files(cell_config: object, files: list[str]) -> list[str]:
    """The files the policy check of a cell reads: policies, fixtures, targets, built-in inputs, config."""
    from govcell.load.repofiles import match, matcher

    cfg = cell_config  # govcell.load.config.Config
    paths = cfg.paths  # type: ignore[attr-defined]
    patterns = [paths.policy.rstrip("/") + "/", *[d.rstrip("/") + "/" for d in paths.policy_testdata],
                paths.ledger, paths.tasks, paths.flows, paths.contextpack, paths.doc_index,
                *[d.rstrip("/") + "/" for d in paths.features], ".govcell.yaml", "pyproject.toml"]
    wanted = matcher(patterns)
    out = {p for p in files if wanted(p)}
    from govcell.load.repofiles import RepoFiles

    listing = RepoFiles(files, True, None)
    for globs in cfg.policy.targets.values():  # type: ignore[attr-defined]
        for pattern in globs:
            out.update(match(pattern, listing))
    return sorted(out)


def policy_report_at(cell: object) -> object:
    """The policy report of a cell read from git: the policy engine runs on a private copy of the
    files it reads (policies, fixtures, targets, the ledger...), written to a temporary directory
    that is removed afterwards.  Nothing in the repository is written."""
    import tempfile

    from govcell.cell import Cell
    from govcell.derive.policy.run import build_report

    source: FileSource = cell.source  # type: ignore[attr-defined]
    config_source = cell.config_source  # type: ignore[attr-defined]
    listing = source.repo_files([]).paths
    with tempfile.TemporaryDirectory(prefix="govcell-rev-") as tmp:
        dest = Path(tmp)
        for rel in policy_files(cell.config, listing):  # type: ignore[attr-defined]
            data = source.read_bytes(rel)
            if data is None:
                continue
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        explicit = config_source if config_source and config_source not in (".govcell.yaml", "pyproject.toml") \
            else None
        if explicit and not (dest / explicit).exists() and source.is_file(explicit):
            (dest / explicit).parent.mkdir(parents=True, exist_ok=True)
            (dest / explicit).write_bytes(source.read_bytes(explicit) or b"")
        sub = Cell(dest, explicit)
        # The models are the revision's, already loaded: share them instead of parsing the copies again.
        for name in ("ledger", "tasks", "flows", "contextpack", "doc_index", "features"):
            if name in cell.__dict__ or name in ("ledger", "features"):
                sub.__dict__[name] = getattr(cell, name)
        return build_report(sub)


# --------------------------------------------------------------------------- the other side, at the same time


class Later:
    """A call running in a forked child process (or already done, where forking is not worth it)."""

    def __init__(self, fn: Callable[..., Any], args: tuple[object, ...]) -> None:
        self._value: tuple[str, Any] = ("error", "not run")
        self._done = False
        self._child: BaseProcess | None = None
        self._receive: Connection | None = None
        if (os.cpu_count() or 1) > 1 and os.environ.get("GOVCELL_DIFF_SERIAL") != "1":
            import multiprocessing

            if "fork" in multiprocessing.get_all_start_methods():
                close_all()  # no git pipe is shared with the child
                ctx = multiprocessing.get_context("fork")
                receive, send = ctx.Pipe(duplex=False)
                child = ctx.Process(target=_run_child, args=(send, fn, args), daemon=False)
                try:
                    child.start()
                except OSError:
                    receive.close()
                    send.close()
                else:
                    send.close()
                    self._child, self._receive = child, receive
                    return
        self._value, self._done = _call(fn, args), True

    def result(self) -> tuple[str, Any]:
        """``("ok", value)`` or ``("error", "Type: message")``."""
        if not self._done:
            assert self._child is not None and self._receive is not None
            try:
                self._value = self._receive.recv()
            except EOFError:
                self._value = ("error", "the child process ended without a result")
            finally:
                self._child.join()
                self._receive.close()
            self._done = True
        return self._value


def _call(fn: Callable[..., Any], args: tuple[object, ...]) -> tuple[str, Any]:
    try:
        return ("ok", fn(*args))
    except Exception as exc:  # noqa: BLE001 - reported by the caller as a finding
        return ("error", f"{type(exc).__name__}: {exc}")


def _run_child(send: Connection, fn: Callable[..., Any], args: tuple[object, ...]) -> None:
    try:
        send.send(_call(fn, args))
    finally:
        send.close()
        close_all()
