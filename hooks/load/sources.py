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
from pathlib import Path
from typing import TYPE_CHECKING

from govcell.load.git import blob, git, head

if TYPE_CHECKING:
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
        target = blob(self.root, entry.sha)
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
        return blob(self.root, entry.sha)

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
        raw = blob(self.root, entry.sha)
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
    tree.parent_commit = head(root)
    return tree


def source_for(root: Path, spec: str | None) -> FileSource:
    """``None``/``WORKTREE`` -> the working tree, ``INDEX`` -> the index, else a revision."""
    if spec is None or spec.upper() in ("WORKTREE", ":WORKTREE"):
        return WorkTree(root)
    if spec.upper() in ("INDEX", ":INDEX", "STAGED"):
        return staged(root)
    return at_revision(root, spec)
