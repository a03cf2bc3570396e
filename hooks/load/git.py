"""The one way govcell runs git: every git subprocess of the kernel goes through here.

git is optional (a cell may be an exported tarball) and may fail (no commit
yet, a revision that does not exist): every helper answers None or False then,
never raises, so the callers decide what a missing answer means.  Paths git
prints are bytes; ``paths`` decodes a ``-z`` listing as the file system would.
Blobs are read by one long-running ``git cat-file --batch`` per repository
(``blob``); ``close_all`` ends them (before a fork, and at the end of a run).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

#: Longest a single git command may take (a huge repository's ls-files is well under it).
TIMEOUT = 120


def run(root: Path, *args: str, input_: bytes | None = None) -> subprocess.CompletedProcess[bytes] | None:
    """``git ARGS`` in ``root``, its output captured; None when git cannot be run at all."""
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, input=input_, timeout=TIMEOUT,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None


def git(root: Path, *args: str, input_: bytes | None = None) -> bytes | None:
    """``git ARGS`` in ``root``: its stdout, or None when git is absent or the command failed."""
    proc = run(root, *args, input_=input_)
    return proc.stdout if proc is not None and proc.returncode == 0 else None


def later(root: Path, *args: str) -> Callable[[], bytes | None]:
    """``git ARGS`` started now; calling the result waits for it and gives what :func:`git` gives.

    For a listing the command needs only later: git runs on the other core meanwhile.
    """
    try:
        proc = subprocess.Popen(["git", *args], cwd=root, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
    except OSError:
        return lambda: None

    def wait() -> bytes | None:
        try:
            out, _ = proc.communicate(timeout=TIMEOUT)
        except subprocess.SubprocessError:
            proc.kill()
            proc.communicate()
            return None
        return out if proc.returncode == 0 else None

    return wait


def start(root: Path, *args: str) -> subprocess.Popen[bytes] | None:
    """A long-running ``git ARGS`` (``cat-file --batch``) talking through pipes; None when git is absent."""
    try:
        return subprocess.Popen(["git", *args], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
    except OSError:
        return None


def in_git(root: Path) -> bool:
    """``root`` is inside a git work tree."""
    out = git(root, "rev-parse", "--is-inside-work-tree")
    return out is not None and out.strip() == b"true"


def head(root: Path) -> str | None:
    """The commit HEAD names, or None (no git, or no commit yet)."""
    return commit_of(git(root, *HEAD_ARGS))


#: ``git rev-parse`` of the commit HEAD names (:func:`head`).
HEAD_ARGS = ("rev-parse", "--verify", "-q", "HEAD")


def commit_of(out: bytes | None) -> str | None:
    """The commit id ``git rev-parse`` printed, or None."""
    return out.decode().strip() if out else None


def paths(listing: bytes) -> list[str]:
    """A NUL-separated listing (``ls-files -z``) as path strings, in git's order."""
    return [os.fsdecode(raw) for raw in listing.split(b"\0") if raw]


def tracked(root: Path) -> list[str] | None:
    """The files git tracks below ``root`` (relative to it), or None outside git."""
    out = git(root, "ls-files", "-z")
    return None if out is None else paths(out)


class _BlobReader:
    """One ``git cat-file --batch`` process per repository; blobs cached by id."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache: dict[str, bytes | None] = {}
        self.proc: subprocess.Popen[bytes] | None = None
        self.broken = False

    def _start(self) -> subprocess.Popen[bytes] | None:
        if self.proc is None and not self.broken:
            self.proc = start(self.root, "cat-file", "--batch")
            self.broken = self.proc is None
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


def blob(root: Path, sha: str) -> bytes | None:
    """The content of object ``sha`` of the repository at ``root`` (one batch reader per repository)."""
    key = str(root)
    reader = _READERS.get(key)
    if reader is None:
        reader = _READERS[key] = _BlobReader(root)
    return reader.get(sha)


def close_all() -> None:
    """End every ``git cat-file`` process this process started."""
    for reader in _READERS.values():
        reader.close()
    _READERS.clear()
