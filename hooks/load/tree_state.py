"""A digest of everything a cell's checks can read, computed without parsing anything.

The seven hooks of one commit, and the same hooks at the next commit when
nothing governed changed, would each load and check the same cell again.  If
the state of every file a check can read is the same as at an earlier run, the
check's output is the same (govcell's output is a function of its inputs), so
:mod:`govcell.entry.replay` can print that output again.  This module says
what "the same state" is, cheaply and conservatively:

* **git's view of the work tree.**  ``git ls-files -s -v`` (the blob id of
  every tracked file in the index, so a staged change counts), and the content
  of every file ``git ls-files -m -o --exclude-standard`` lists (tracked files
  changed in the work tree, untracked files that are not ignored), as git's
  own stat check finds them.  A file git is told not to look at (assume
  unchanged, skip worktree) is hashed by content; a submodule makes the
  state unknown (its files are not in this index).
* **What the configuration names**, whether git tracks it or not
  (:func:`watch_list`): every path of ``paths.*`` (files, and every file below
  directories), the files the result-file and policy globs match on disk, the
  files of composed policy inputs, and the config files themselves.  Those git does not cover
  (ignored, outside the repository) are hashed by content; a missing one
  counts as missing.
* **The commit HEAD names** (its ref files, read without starting git).

A cell outside git, a git that cannot be run, or a configuration whose checks
read what changes with the commit being made (the ``changes`` policy input)
has no digest (None): nothing is replayed then.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from govcell.load.layout import CONFIG_FILES

if TYPE_CHECKING:
    from govcell.load.config import Config


def watch_list(config: Config, explicit_config: str | None = None) -> tuple[str, ...] | None:
    """Every path ``config`` makes the checks read, relative to the root (None: the checks read the change)."""
    from govcell.load.config import InputSource

    paths: set[str] = set(CONFIG_FILES)
    if explicit_config:
        paths.add(explicit_config)
    for value in config.paths.model_dump().values():
        paths.update([value] if isinstance(value, str) else value)
    globs = list(config.results.files)
    for patterns in config.policy.targets.values():
        if "changes" in patterns:
            return None
        globs.extend(patterns)
    for composed in config.policy.inputs.values():
        sources: list[InputSource] = [*composed.merge, *composed.keys.values()]
        for source in sources:
            if source.builtin == "changes":
                return None
            if source.file:
                paths.add(source.file)
            if source.files:
                globs.append(source.files)
    paths.update(globs)
    return tuple(sorted(p for p in paths if p))


def digest(root: Path, watched: Sequence[str]) -> bytes | None:
    """The state of everything the checks of the cell at ``root`` can read (see the module docstring)."""
    from govcell.load import git

    index = git.git(root, "ls-files", "-z", "-s", "-v")
    changed = git.git(root, "ls-files", "-z", "-m", "-o", "--exclude-standard")
    if index is None or changed is None:
        return None
    h = hashlib.blake2b(digest_size=32)
    _part(h, index)
    covered: set[str] = set()
    hashed: list[str] = []
    for entry in index.split(b"\0"):
        if not entry:
            continue
        meta, _, raw = entry.partition(b"\t")
        tag, mode = meta[:1], meta[2:8]
        if mode == b"160000":
            return None  # a submodule: its files are not in this index
        path = os.fsdecode(raw)
        if tag.islower() or tag == b"S":
            hashed.append(path)  # assume-unchanged / skip-worktree: git would not see an edit
        else:
            covered.add(path)
    listed = sorted(set(git.paths(changed)))
    covered.difference_update(listed)
    for path in [*listed, *hashed]:
        _file(h, root, path)
    for path in _uncovered(root, watched, covered, set(listed) | set(hashed)):
        _file(h, root, path)
    _head(h, root)
    return h.digest()


def _uncovered(root: Path, watched: Iterable[str], covered: set[str], done: set[str]) -> list[str]:
    """The watched files git's view does not already cover, sorted.

    A watched path is a file, a folder (every file below it) or a glob (the files it
    matches on disk, as the result loader expands it: :func:`govcell.load.globs.on_disk`).
    """
    from govcell.load.globs import is_glob, on_disk

    out: set[str] = set()
    real_root = os.path.realpath(root)
    for rel in watched:
        if is_glob(rel):
            out.update(on_disk(root, rel))
            continue
        full = os.path.normpath(os.path.join(root, rel))
        real = os.path.realpath(full)
        if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
            out.add(rel)  # outside the repository: never walked; _file records that it is not read
            continue
        if os.path.isdir(full):
            for dirpath, dirnames, filenames in os.walk(full):
                dirnames[:] = sorted(d for d in dirnames if d != ".git")
                for name in filenames:
                    out.add(Path(os.path.relpath(os.path.join(dirpath, name), root)).as_posix())
        else:
            out.add(Path(os.path.relpath(full, root)).as_posix())
    return sorted(out - covered - done)


def _part(h: hashlib.blake2b, data: bytes) -> None:
    h.update(struct.pack(">Q", len(data)))
    h.update(data)


#: Files larger than this are known by their size and modification time, not read.
MAX_HASHED_BYTES = 64 * 1024 * 1024


def _file(h: hashlib.blake2b, root: Path, rel: str) -> None:
    """A file's path and content, read as the loaders read it (``govcell.load.text.read_raw``).

    So a path a committed config names outside the repository, a FIFO or a device is
    never read (only why not is part of the state), and a huge file is known by its
    size and modification time.
    """
    from govcell.load.text import read_raw

    _part(h, rel.encode("utf-8", "surrogateescape"))
    raw, why = read_raw(root, rel, max_bytes=MAX_HASHED_BYTES)
    if raw is not None:
        _part(h, raw)
        return
    _part(h, f"<{why.code if why else '?'}: {why.message if why else ''}>".encode("utf-8", "surrogateescape"))
    if why is not None and why.code == "file.too-large":
        try:
            _part(h, str(os.stat(os.path.join(root, rel)).st_mtime_ns).encode())
        except OSError:
            pass


def _head(h: hashlib.blake2b, root: Path) -> None:
    """The commit HEAD names: HEAD, the ref it points to and the packed refs, read as files."""
    from govcell.load.cache import git_common_dir

    common = git_common_dir(root)
    gitdir = _gitdir(root) or common
    if gitdir is None or common is None:
        _part(h, b"<no git dir>")
        return
    head = _read(gitdir / "HEAD")
    _part(h, head)
    if head.startswith(b"ref:"):
        ref = head[4:].strip().decode("utf-8", "surrogateescape")
        _part(h, _read(common / ref))
        _part(h, _read(gitdir / ref))
    _part(h, _read(common / "packed-refs"))


def _gitdir(root: Path) -> Path | None:
    """This work tree's own git directory (a linked worktree has its own HEAD)."""
    for d in (Path(os.path.abspath(root)), *Path(os.path.abspath(root)).parents):
        dotgit = d / ".git"
        if dotgit.is_dir():
            return dotgit
        if dotgit.is_file():
            text = _read(dotgit).decode("utf-8", "replace").strip()
            if text.startswith("gitdir:"):
                target = Path(text[len("gitdir:"):].strip())
                return target if target.is_absolute() else d / target
            return None
    return None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"<missing>"
