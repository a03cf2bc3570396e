"""A content-addressed cache of what loading produces, shared by every govcell process of a repository.

pre-commit runs each govcell hook as its own process, and each used to read and
parse the whole cell again: on a large cell the seven hooks of one commit parsed
the same ledger seven times.  What loading produces from a file (the validated
model of a spec file, the scenarios of a feature file, the records of a result
file) depends only on that file's content, its path, govcell's own code and the
configuration, so it is stored once under a key made of exactly those, and the
next process that needs it unpickles it instead of parsing it.

* **Keys.**  :func:`key` hashes (BLAKE2b) the kind of result, every part that
  result depends on (the file's bytes, its path, the model, the AC tag pattern,
  the whole configuration) and :func:`code_stamp` (govcell's version, the size
  and modification time of every module of govcell and of the parsers it uses,
  the Python version).  Editing any input, upgrading anything, or changing the
  config gives a new key: an entry is never *updated*, so it can never be stale.
* **Where.**  Inside the repository's git directory (``$(git rev-parse
  --git-common-dir)/govcell/cache``; worktrees share it), found without running
  git; outside git, the user cache directory (``$XDG_CACHE_HOME/govcell``,
  ``~/.cache/govcell``).  ``GOVCELL_CACHE_DIR`` overrides both.  Never in
  tracked files.  This is the one place govcell writes inside ``.git/``
  (``govcell.write`` refuses every other write there); see docs/configuration.md.
* **Entries.**  One file per key: a magic header with the format version, the
  key itself, the payload's length and CRC-32, then the pickled payload.  A
  file that is truncated, corrupt, of another format version or stored under
  another key is ignored (and removed), and the result is rebuilt: an entry is
  never trusted without its header, key, length and checksum matching, and a
  payload that still fails to unpickle is a miss too.
* **Concurrency.**  Entries are written to a temporary file in the cache
  directory and renamed into place (``os.replace``, atomic on POSIX and
  Windows), so a concurrent reader sees a whole entry or none; two processes
  storing the same key store the same bytes.
* **Size.**  Bounded by ``cache.max_mb`` of the config (default 256 MB): the
  first store of each process removes the least recently used entries (a hit
  refreshes an entry's modification time) until the cache is under 80 % of the
  bound.
* **Off.**  ``--no-cache`` on the command line, ``GOVCELL_NO_CACHE=1`` in the
  environment, or ``cache: {enabled: false}`` in the config.

pickle is the serialiser: the payloads are govcell's own plain dataclasses and
pydantic models, and unpickling them is many times faster than parsing and
validating YAML (docs/benchmarks.md).  Like ``.git/hooks``, the cache directory
is the repository owner's: whoever can write there can already run code on the
next commit, so the checksum guards against accidents (a crash mid-write, a
full disk, a copied file), not against the owner.
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
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from pydantic import BaseModel

    from govcell.load.validate import Loaded

_M = TypeVar("_M", bound="BaseModel")

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


def env_off() -> bool:
    """``GOVCELL_NO_CACHE`` set to anything but "", "0", "false", "no"."""
    value = os.environ.get("GOVCELL_NO_CACHE", "")
    return value.strip().lower() not in ("", "0", "false", "no")


# --------------------------------------------------------------------------- keys


#: Modules whose code shapes what is cached besides govcell's own (parsers, models' runtime).
_DEPENDENCIES = ("yaml", "_yaml", "gherkin", "pydantic", "pydantic_core")


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


def for_cell(cell: Any) -> Cache:
    """The cache of ``cell`` (one per cell object): off when disabled by flag, variable or config."""
    found: Cache | None = cell.__dict__.get("_govcell_cache")
    if found is not None:
        return found
    settings = getattr(cell.config, "cache", None)
    enabled = not env_off() and (settings is None or settings.enabled)
    max_mb = getattr(settings, "max_mb", DEFAULT_MAX_MB)
    cache = Cache(cache_dir(cell.root) if enabled else None, max_bytes=int(max_mb * 1024 * 1024))
    cell.__dict__["_govcell_cache"] = cache
    return cache


def config_part(cell: Any) -> str:
    """The configuration as a key part (every setting: a result is only reused under the same config).

    The key of the files the config was read from when it was (:func:`cached_config`): the config is
    a function of them and of govcell's code, and dumping the model would build its serialiser."""
    found: str | None = cell.__dict__.get("_govcell_cache_config")
    if found is None:
        found = cell.__dict__["_govcell_cache_config"] = cell.config.model_dump_json()
    return found


#: Where a cell's configuration can come from (``govcell.load.config.load_config``).
_CONFIG_FILES = (".govcell.yaml", "pyproject.toml")


def _config_key(cell: Any) -> bytes | None:
    """The key of a working-tree cell's configuration: every file it may be read from (its real path and
    bytes, or its absence) and the ``--config`` argument; None when the config is not read from disk."""
    if not cell.in_worktree:
        return None
    parts: list[bytes | str] = [str(cell.config_path)]
    names = [*_CONFIG_FILES, *([cell.config_path] if cell.config_path else [])]
    root = os.path.realpath(cell.root)
    for rel in names:
        full = os.path.join(cell.root, rel)
        try:
            real = os.path.realpath(full)
            if real.startswith(root + os.sep):  # where a symlink leads, inside the cell relative to it
                real = "./" + os.path.relpath(real, root)
            with open(full, "rb") as f:
                data = f.read(4 * 1024 * 1024 + 1)
        except (OSError, ValueError):
            parts += [rel, "-"]
            continue
        parts += [rel, real, data]
    return key("config", *parts)


def cached_config(cell: Any, load: Any) -> Any:
    """``load(cell.root, cell.config_path, source=cell.source)`` (the cell's ``LoadedConfig``), cached.

    A custom ID or tag pattern is judged from its parse tree (``govcell.load.regex_safety``), the same
    verdict on every machine, so it is stored like any other.  Nothing is stored when the
    configuration turns the cache off."""
    if env_off() or _State.off:
        return load(cell.root, cell.config_path, source=cell.source)
    k = _config_key(cell)
    store = Cache(cache_dir(cell.root)) if k is not None else None
    if store is not None and k is not None:
        hit = store.get("config", k)
        if hit is not MISS:
            cell.__dict__["_govcell_cache_config"] = k.hex()
            return hit
    loaded = load(cell.root, cell.config_path, source=cell.source)
    settings = getattr(loaded.config, "cache", None)
    if store is None or k is None or (settings is not None and not settings.enabled):
        return loaded
    store.max_bytes = int(getattr(settings, "max_mb", DEFAULT_MAX_MB) * 1024 * 1024)
    store.put("config", k, loaded)
    cell.__dict__["_govcell_cache_config"] = k.hex()
    return loaded


def report_stats() -> str:
    """One line of this process's hits/misses/stores per kind (``GOVCELL_CACHE_STATS=1``)."""
    kinds = sorted({k for k, _ in STATS})
    return "govcell cache: " + "; ".join(
        f"{k} " + " ".join(f"{what} {STATS[(k, what)]}" for what in ("hit", "miss", "bad", "store")
                           if STATS[(k, what)]) for k in kinds)


# --------------------------------------------------------------------------- what loading caches


_FAST: set[type] = set()


def fast_pickle(*classes: type) -> None:
    """Pickle frozen, slotted dataclasses as ``cls(*fields)``.

    pickle's generic path for them calls a Python ``__setstate__`` per object;
    rebuilding through ``__init__`` unpickles the many small objects of a feature
    index (scenarios, tags, examples) about 2.5 times faster.  Only classes whose
    every field is an ``__init__`` argument and that have no ``__post_init__``
    qualify (the object rebuilt is then equal to the one stored).
    """
    import copyreg
    import dataclasses

    for cls in classes:
        if cls in _FAST or not dataclasses.is_dataclass(cls):
            continue
        fields = dataclasses.fields(cls)
        names = tuple(f.name for f in fields if f.init)
        if len(names) != len(fields) or getattr(cls, "__post_init__", None) is not None:
            continue

        def reduce(obj: Any, cls: type = cls, names: tuple[str, ...] = names) -> tuple[Any, ...]:
            return (cls, tuple([getattr(obj, n) for n in names]))

        copyreg.pickle(cls, reduce)
        _FAST.add(cls)


def cached_validated(cell: Any, rel: str, model: type[_M], prefix: str, *, required: bool,
                     empty_ok: bool) -> Loaded[_M]:
    """A spec file of ``cell`` read, parsed and validated (``govcell.load.validate.Loaded``), cached by content."""
    from govcell.load.validate import validate
    from govcell.load.yamlio import yaml_from_read

    read = cell.source.read_text(rel, max_bytes=cell.config.limits.max_file_bytes)
    cache = for_cell(cell)
    k = b""
    if read.text is not None and cache.enabled:
        k = key("validated", rel, f"{model.__module__}.{model.__qualname__}", prefix, str(empty_ok),
                config_part(cell), read.text)
        hit = cache.get("validated", k)
        if hit is not MISS:
            return cast("Loaded[_M]", hit)
    loaded = validate(model, yaml_from_read(read, rel, required=required), prefix, empty_ok=empty_ok)
    if k:
        cache.put("validated", k, loaded)
    return loaded


def cached_features(cell: Any, texts: list[tuple[str, str]], matcher: Any, parse_all: Any,
                    classes: tuple[type, ...] = ()) -> list[Any]:
    """``parse_all(texts, matcher)`` (each feature file's scenarios and findings), reparsing only files
    whose text (or the AC tag pattern, or the config) changed since they were cached; ``classes``: the
    index's dataclasses, pickled by :func:`fast_pickle`."""
    cache = for_cell(cell)
    if not cache.enabled or not texts:
        parsed: list[Any] = parse_all(texts, matcher)
        return parsed
    from govcell.diagnostics import Diagnostic

    fast_pickle(*classes, Diagnostic)
    conf = config_part(cell)
    keys = [key("feature", rel, matcher.pattern, conf, text) for rel, text in texts]
    out: list[Any] = [cache.get("feature", k) for k in keys]
    todo = [i for i, value in enumerate(out) if value is MISS]
    if todo:
        parsed = parse_all([texts[i] for i in todo], matcher)
        for i, value in zip(todo, parsed):
            out[i] = value
            cache.put("feature", keys[i], value)
    return out


def cached_call(cell: Any, kind: str, parts: tuple[str, ...], fn: Any, *args: Any) -> Any:
    """``fn(*args)``, cached under ``kind`` and ``parts`` (which must name everything the result depends on)."""
    cache = for_cell(cell)
    if not cache.enabled:
        return fn(*args)
    k = key(kind, config_part(cell), *parts)
    hit = cache.get(kind, k)
    if hit is not MISS:
        return hit
    value = fn(*args)
    cache.put(kind, k, value)
    return value
