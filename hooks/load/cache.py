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

import os
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from govcell.load.layout import CONFIG_FILES
from govcell.load.cache_store import (
    DEFAULT_MAX_MB,
    MISS,
    STATS,
    Cache,
    cache_dir,
    code_stamp,
    disabled,
    env_off,
    git_common_dir,
    key,
    switched_off,
)

if TYPE_CHECKING:
    from pydantic import BaseModel

    from govcell.process import Later

    from govcell.load.validate import Loaded

#: The store's names the callers of the cache use, with this module's own.
__all__ = ["DEFAULT_MAX_MB", "MISS", "STATS", "Cache", "cache_dir", "cached_call", "cached_config", "cached_features",
           "cached_validated", "code_stamp", "config_part", "counted_result", "disabled", "env_off", "fast_pickle",
           "for_cell", "git_common_dir", "key", "report_stats", "with_counts"]

_M = TypeVar("_M", bound="BaseModel")
T = TypeVar("T")


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
        at = _config_key_at(cell) if not cell.in_worktree else None
        found = at.hex() if at is not None else cell.config.model_dump_json()
        cell.__dict__["_govcell_cache_config"] = found
    return found


def _config_key_at(cell: Any) -> bytes | None:
    """A revision's (or the index's) config files as :func:`_config_key` keys the working tree's.

    The same bytes at the same paths give the same key, so a revision whose config is
    the working tree's reuses what the working tree's runs parsed (``govcell diff``
    right after ``govcell check``): the files both hold unchanged are not parsed again.
    """
    read = getattr(cell.source, "read_bytes", None)
    if read is None:
        return None
    parts: list[bytes | str] = [str(cell.config_path)]
    for rel in [*CONFIG_FILES, *([cell.config_path] if cell.config_path else [])]:
        data = read(rel)
        parts += [rel, "-"] if data is None else [rel, "./" + rel, data[:4 * 1024 * 1024 + 1]]
    return key("config", *parts)


def _config_key(cell: Any) -> bytes | None:
    """The key of a working-tree cell's configuration: every file it may be read from (its real path and
    bytes, or its absence) and the ``--config`` argument; None when the config is not read from disk."""
    if not cell.in_worktree:
        return None
    parts: list[bytes | str] = [str(cell.config_path)]
    names = [*CONFIG_FILES, *([cell.config_path] if cell.config_path else [])]
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
    if env_off() or switched_off():
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


def with_counts(fn: Callable[..., T], *args: Any) -> tuple[T, dict[tuple[str, str], int]]:
    """``fn(*args)`` and the cache counts it added: what a forked child sends back with its result.

    A child's hits and misses are its own process's; :func:`counted_result` adds them to the
    parent's, so ``GOVCELL_CACHE_STATS`` tells the whole command whichever process did the work.
    The counts travel with the result (taken out of this process's), so a call that ran in the
    parent after all (no fork: one core) is counted once too.
    """
    before = Counter(STATS)
    value = fn(*args)
    added = STATS - before
    for count in added:
        STATS[count] -= added[count]
        if not STATS[count]:
            del STATS[count]
    return value, dict(added)


def counted_result(later: Later) -> tuple[bool, Any]:
    """The answer of a :class:`~govcell.process.Later` that ran :func:`with_counts`: ``(True, value)``,
    its cache counts added to this process's; ``(False, None)`` when the child failed."""
    status, value = later.result()
    if status != "ok":
        return False, None
    result, counts = value
    STATS.update(counts)
    return True, result


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
    """A spec file of ``cell`` read, parsed and validated (``govcell.load.validate.Loaded``), cached by content.

    Parsed by the command's head start (``govcell.load.head_start``) when it parsed this very text."""
    from govcell.load.head_start import not_needed, parsed_by_head_start
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
            if cell.in_worktree:
                not_needed(cell.root, rel)
            return cast("Loaded[_M]", hit)
    parsed = parsed_by_head_start(cell.root, rel, read.text) if cell.in_worktree else None
    if parsed is None:
        parsed = yaml_from_read(read, rel, required=required)
    loaded = validate(model, parsed, prefix, empty_ok=empty_ok)
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
