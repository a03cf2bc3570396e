"""The store behind govcell's shared cache: keys, where it lives, and entries never trusted blindly.

What is cached, and why it can never be stale, is :mod:`govcell.load.cache`;
this module is the part that knows nothing of cells: :func:`key` (BLAKE2b of
the parts and :func:`code_stamp`), :func:`cache_dir` (inside the git
directory, else the user cache directory), and :class:`Cache`, whose entries
carry a header, the key, the length and a CRC-32, are written atomically, and
are pruned least recently used first.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import struct
import sys
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: Entry header: magic and format version (bump on any change of the layout or the payloads' meaning).
MAGIC = b"GVCACHE2"
_HEAD = struct.Struct(">8s32sIQ")  # magic, key, crc32 of the payload, payload length
#: Default bound of the cache directory's size.
DEFAULT_MAX_MB = 256
#: After pruning, the cache is at most this share of its bound (so pruning is rare).
_PRUNE_TO = 0.8
#: A temporary file older than this is left over from a killed process.
_STALE_TMP_SECONDS = 3600
#: A hit refreshes the entry's modification time (its LRU age) at most this often.
_TOUCH_SECONDS = 3600

#: Hits, misses and stores per kind in this process (``GOVCELL_CACHE_STATS=1`` prints them at exit of a hook).
STATS: Counter[tuple[str, str]] = Counter()
#: Returned by :meth:`Cache.get` when there is no usable entry.
MISS: Any = object()


class _State:
    """This process's switches: how many ``disabled()`` blocks are open, the code stamp once computed."""

    off = 0
    stamp: bytes | None = None


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """No cache inside this block (``--no-cache``); restored afterwards, so in-process callers are unaffected."""
    _State.off += 1
    try:
        yield
    finally:
        _State.off -= 1


def switched_off() -> bool:
    """Inside a :func:`disabled` block (``--no-cache`` on this command line)."""
    return _State.off > 0


def env_off() -> bool:
    """``GOVCELL_NO_CACHE`` set to anything but "", "0", "false", "no"."""
    value = os.environ.get("GOVCELL_NO_CACHE", "")
    return value.strip().lower() not in ("", "0", "false", "no")


# --------------------------------------------------------------------------- keys


#: Modules whose code shapes what is cached besides govcell's own (parsers, models' runtime, and the
#: Rego engine, whose verdicts a replayed hook answer holds: ``govcell.entry.replay``).
_DEPENDENCIES = ("yaml", "_yaml", "gherkin", "pydantic", "pydantic_core", "regorus")


def code_stamp() -> bytes:
    """What govcell's cached results depend on besides their inputs: the code that made them.

    govcell's version, the Python version, and the size and modification time of
    every module file of govcell and of its parsers (an edit or an upgrade changes
    it); computed once per process (a few hundred ``stat`` calls, under 2 ms).
    """
    if _State.stamp is not None:
        return _State.stamp
    import importlib.util

    import govcell

    h = hashlib.blake2b(digest_size=32)
    h.update(f"{MAGIC!r} {govcell.__version__} {sys.version} {sys.implementation.cache_tag}\n".encode())
    roots = [Path(govcell.__file__).parent]
    for name in _DEPENDENCIES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = getattr(spec, "origin", None) if spec else None
        h.update(f"{name}={origin}\n".encode())
        if origin and spec is not None and spec.submodule_search_locations:
            roots.append(Path(origin).parent)
        elif origin:
            _stamp_file(h, origin)
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if name.endswith((".py", ".so", ".pyd", ".json")):
                    _stamp_file(h, os.path.join(dirpath, name))
    _State.stamp = h.digest()
    return _State.stamp


def _stamp_file(h: Any, path: str) -> None:
    try:
        st = os.stat(path)
    except OSError:
        h.update(f"{path} -\n".encode())
        return
    h.update(f"{path} {st.st_size} {st.st_mtime_ns}\n".encode())


def key(kind: str, *parts: bytes | str) -> bytes:
    """The key of a result of ``kind`` made from ``parts`` (each length-prefixed: no two splits collide)."""
    h = hashlib.blake2b(digest_size=32)
    h.update(code_stamp())
    for part in (kind, *parts):
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(struct.pack(">Q", len(data)))
        h.update(data)
    return h.digest()


# --------------------------------------------------------------------------- where


def git_common_dir(start: Path) -> Path | None:
    """The git directory shared by every worktree of the repository holding ``start`` (None: not in git).

    Read from the ``.git`` directory or ``.git`` file (worktrees, submodules) and
    its ``commondir`` file, as git itself does, without starting git.
    """
    try:
        here = Path(os.path.abspath(start))
    except (OSError, ValueError):
        return None
    for d in (here, *here.parents):
        dotgit = d / ".git"
        try:
            if dotgit.is_dir():
                gitdir = dotgit
            elif dotgit.is_file():
                text = dotgit.read_text(encoding="utf-8", errors="replace").strip()
                if not text.startswith("gitdir:"):
                    return None
                gitdir = Path(text[len("gitdir:"):].strip())
                if not gitdir.is_absolute():
                    gitdir = d / gitdir
            else:
                continue
            if not (gitdir / "HEAD").is_file():
                return None  # not a git directory: no cache there
            common = gitdir / "commondir"
            if common.is_file():
                rel = common.read_text(encoding="utf-8", errors="replace").strip()
                target = Path(rel) if Path(rel).is_absolute() else gitdir / rel
                return Path(os.path.normpath(target))
            return Path(os.path.normpath(gitdir))
        except OSError:
            return None
    return None


def user_cache_dir() -> Path:
    """The per-user cache directory (XDG on Linux, ~/Library/Caches on macOS, LOCALAPPDATA on Windows)."""
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "govcell" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "govcell"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "govcell"


def cache_dir(root: Path) -> Path:
    """Where the cache of the cell at ``root`` lives (see the module docstring)."""
    override = os.environ.get("GOVCELL_CACHE_DIR")
    if override:
        return Path(override)
    common = git_common_dir(root)
    if common is not None:
        return common / "govcell" / "cache"
    return user_cache_dir()


# --------------------------------------------------------------------------- the store


class Cache:
    """The cache directory of one cell; every failure to read or write it is a miss, never an error."""

    def __init__(self, directory: Path | None, *, max_bytes: int = DEFAULT_MAX_MB * 1024 * 1024) -> None:
        #: None: the cache is off
        self.directory = directory
        self.max_bytes = max_bytes
        self._pruned = False
        self._made = False

    @property
    def enabled(self) -> bool:
        return self.directory is not None and not _State.off

    def _path(self, k: bytes) -> Path:
        assert self.directory is not None
        return self.directory / (k.hex() + ".bin")

    def has(self, k: bytes) -> bool:
        """An entry is stored under ``k`` (not read, so not checked: :meth:`get` still may miss)."""
        return self.enabled and self._path(k).is_file()

    def get(self, kind: str, k: bytes) -> Any:
        """The value stored under ``k``, or :data:`MISS`."""
        if not self.enabled:
            return MISS
        path = self._path(k)
        try:
            with open(path, "rb") as f:
                st = os.fstat(f.fileno())
                blob = f.read()
        except OSError:
            STATS[(kind, "miss")] += 1
            return MISS
        value = self._decode(blob, k)
        if value is MISS:
            STATS[(kind, "bad")] += 1
            with contextlib.suppress(OSError):
                path.unlink()  # rebuilt and stored again by the caller
            return MISS
        STATS[(kind, "hit")] += 1
        if time.time() - st.st_mtime > _TOUCH_SECONDS:
            with contextlib.suppress(OSError):
                os.utime(path)
        return value

    @staticmethod
    def _decode(blob: bytes, k: bytes) -> Any:
        if len(blob) < _HEAD.size:
            return MISS
        magic, stored_key, crc, length = _HEAD.unpack_from(blob)
        payload = memoryview(blob)[_HEAD.size:]
        if magic != MAGIC or stored_key != k or length != len(payload) or zlib.crc32(payload) != crc:
            return MISS
        import pickle

        try:
            return pickle.loads(payload)
        except Exception:  # noqa: BLE001 - a payload of other code (renamed class...): rebuilt, never trusted
            return MISS

    def put(self, kind: str, k: bytes, value: Any) -> None:
        """Store ``value`` under ``k`` (atomically; silently nothing when the directory is not writable)."""
        if not self.enabled:
            return
        import pickle

        try:
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - something unpicklable is simply not cached
            STATS[(kind, "unpicklable")] += 1
            return
        blob = _HEAD.pack(MAGIC, k, zlib.crc32(payload), len(payload)) + payload
        assert self.directory is not None
        try:
            if not self._made:
                self.directory.mkdir(parents=True, exist_ok=True)
                self._made = True
            if not self._pruned:
                self._pruned = True
                self.prune(reserve=len(blob))
            import tempfile

            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.directory)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(blob)
                os.replace(tmp, self._path(k))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            STATS[(kind, "unwritable")] += 1
            return
        STATS[(kind, "store")] += 1

    def prune(self, *, reserve: int = 0) -> None:
        """Remove the least recently used entries while the cache is over its bound (and stale temp files)."""
        if self.directory is None:
            return
        entries: list[tuple[float, int, str]] = []
        now = time.time()
        try:
            with os.scandir(self.directory) as it:
                for e in it:
                    try:
                        st = e.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if e.name.startswith(".tmp-"):
                        if now - st.st_mtime > _STALE_TMP_SECONDS:
                            with contextlib.suppress(OSError):
                                os.unlink(e.path)
                        continue
                    if e.name.endswith(".bin"):
                        entries.append((st.st_mtime, st.st_size, e.path))
        except OSError:
            return
        total = sum(size for _, size, _ in entries) + reserve
        if total <= self.max_bytes:
            return
        target = self.max_bytes * _PRUNE_TO
        for _, size, path in sorted(entries):
            if total <= target:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)
                total -= size

    def size(self) -> int:
        """Bytes held by the cache's entries."""
        if self.directory is None:
            return 0
        try:
            return sum(e.stat().st_size for e in os.scandir(self.directory) if e.name.endswith(".bin"))
        except OSError:
            return 0
