"""Replay a hook's output when nothing it can read has changed since it last ran.

pre-commit starts every govcell hook as its own process.  The shared parse
cache (:mod:`govcell.load.cache`) spares each one the parsing, but each still
imported the models and rebuilt the graph, the coverage and the bundles: about
0.2 s of CPU per hook on a small cell and 0.5 s on a large one, for an answer
that only changes when an input does.  So a hook first computes the digest of
everything its check can read (:func:`govcell.load.tree_state.digest`: git's
view of the work tree and index, every path the configuration names, HEAD),
which needs no parsing and no pydantic, and when an earlier run saw the same
digest under the same command line, working directory, environment and
govcell code, it prints that run's output again, in the same order on the
same streams, and exits with its code.

The single-check hooks of a commit run one after another with the same
options, so the first of them to miss computes the others' answers too, over
the cell it has just analysed (about what ``govcell check`` costs, instead of
each hook loading and deriving the cell again), and the hooks that follow
replay.

Stored only when it is safe to replay:

* the run ended with 0 or 1 (findings or none) and wrote no file: the digest
  taken after the run equals the one taken before (a fixer that rewrote its
  report changed a watched file), and no ``--out`` was given;
* the command line reads or writes nothing else: no ``--new-since``/``--baseline``,
  no ``--format github`` with ``$GITHUB_STEP_SUMMARY`` set, and no policy input
  ``changes`` (what the commit being made touched);
* the cache is on (``--no-cache``, ``GOVCELL_NO_CACHE=1`` and ``cache: {enabled:
  false}`` turn replay off with it) and ``GOVCELL_CACHE_STATS`` is unset (its
  counts are the run's own).

Entries live in the shared cache, so they are bounded, atomic, and a corrupt
one is a miss; the output is byte-identical to a fresh run's by construction.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO, cast

#: Options that never change what a hook prints: the file names pre-commit passes.
_IGNORED_OPTIONS = frozenset({"filenames", "run", "parser"})
#: Options whose run reads or writes what the digest does not cover.
_UNSAFE_OPTIONS = ("out", "new_since", "baseline")
#: Environment variables that may change what a hook prints.
_ENV_PREFIXES = ("GOVCELL_", "PRE_COMMIT_", "GITHUB_", "NO_COLOR", "CI")

Chunks = list[tuple[int, str]]


@dataclasses.dataclass(frozen=True)
class Sibling:
    """Another hook of the commit: its name, its command line, a body reusing what this hook loaded,
    and the exit codes for which the body's answer is that hook's own."""

    name: str
    args: argparse.Namespace
    body: Callable[[], int]
    codes: tuple[int, ...] = (0, 1)


def run(name: str, args: argparse.Namespace, body: Callable[[], int], siblings: Sequence[Sibling] = ()) -> int:
    """``body()``, or the output and exit code of an earlier run of it over the same inputs.

    ``siblings``: the other hooks pre-commit runs next.  After a run that missed, their answers
    are computed too (silently) and stored under the same state, so those hooks replay.
    """
    session = _Session.open(name, args)
    if session is None:
        return body()
    hit = session.lookup()
    if hit is not None:
        chunks, code = hit
        for stream, text in chunks:
            (sys.stdout if stream == 1 else sys.stderr).write(text)
        return code
    chunks = []
    with _captured(chunks, echo=True):
        code = body()
    if session.store(chunks, code) and siblings:
        _answer_siblings(session, siblings)
    return code


def _answer_siblings(session: _Session, siblings: Sequence[Sibling]) -> None:
    """Compute and store the siblings' answers that are not stored yet (never disturbing this hook's own)."""
    answers: list[tuple[_Session, Chunks, int]] = []
    for sibling in siblings:
        other = _Session.open(sibling.name, sibling.args)
        if other is None or not other.adopt(session):
            continue
        chunks: Chunks = []
        try:
            with _captured(chunks, echo=False):
                code = sibling.body()
        except Exception:  # noqa: BLE001 - a sibling's answer is a bonus: its own run will report the problem
            continue
        if code in sibling.codes:
            answers.append((other, chunks, code))
    if answers and session.unchanged():
        for other, chunks, code in answers:
            other.put(chunks, code)


class _Session:
    """One hook run's keys into the cache."""

    def __init__(self, root: Path, explicit_config: str | None, index_key: bytes) -> None:
        from govcell.load.cache import Cache, cache_dir

        self.root = root
        self.explicit_config = explicit_config
        self.index_key = index_key
        self.cache = Cache(cache_dir(root))
        self.watched: tuple[str, ...] | None = None
        self.before: bytes | None = None
        #: the watch list was read from the config by this process (not taken from an earlier run)
        self.fresh = False

    @classmethod
    def open(cls, name: str, args: argparse.Namespace) -> _Session | None:
        """A session for this command line, or None when replay is off or unsafe for it."""
        from govcell.load.cache import env_off, key

        options = vars(args)
        if (env_off() or options.get("no_cache") or options.get("no_cache_global")
                or os.environ.get("GOVCELL_CACHE_STATS") or any(options.get(o) for o in _UNSAFE_OPTIONS)
                or (options.get("format") == "github" and os.environ.get("GITHUB_STEP_SUMMARY"))):
            return None  # (a GitHub job summary is a file the run appends to)
        root = Path(os.path.abspath(options.get("root") or "."))
        shown = sorted((k, repr(v)) for k, v in options.items() if k not in _IGNORED_OPTIONS)
        env = sorted((k, v) for k, v in os.environ.items() if k.startswith(_ENV_PREFIXES))
        index_key = key("replay-watch", name, repr(shown), os.getcwd(), str(root), repr(env),
                        repr((_isatty(sys.stdout), _isatty(sys.stderr))))
        return cls(root, options.get("config"), index_key)

    def lookup(self) -> tuple[Chunks, int] | None:
        """The stored answer for the current state, if any (and the state, for :meth:`store`)."""
        from govcell.load.cache import MISS

        watched = self.cache.get("replay-watch", self.index_key)
        if watched is MISS or not isinstance(watched, tuple):
            watched, self.fresh = self._watch_list(), True
        if watched is None:
            return None
        self.watched = watched
        self.before = self._digest()
        if self.before is None:
            return None
        found = self.cache.get("replay", self._answer_key(self.before))
        if isinstance(found, tuple) and len(found) == 2:
            chunks, code = found
            return chunks, code
        return None

    def store(self, chunks: Chunks, code: int) -> bool:
        """Keep the answer when it is safe to replay (see the module docstring); True when kept."""
        if self.before is None or self.watched is None or code not in (0, 1):
            return False
        if not self.unchanged():
            return False  # the config changed, or the run (or someone) changed a watched file
        self.put(chunks, code)
        return True

    def unchanged(self) -> bool:
        """Neither the config nor any watched file changed since :meth:`lookup` took the state.

        A watch list taken from an earlier run is checked against the config once (it may
        predate an edit of the config); after that, the config files being watched, the
        digest alone tells an edit.
        """
        if self.watched is None:
            return False
        if not self.fresh:
            current = self._watch_list()
            if current != self.watched:
                if current is not None:  # learnt for the next run, whose state is then taken with it
                    self.cache.put("replay-watch", self.index_key, current)
                return False
            self.fresh = True
        return self._digest() == self.before

    def put(self, chunks: Chunks, code: int) -> None:
        assert self.before is not None and self.watched is not None
        self.cache.put("replay-watch", self.index_key, self.watched)
        self.cache.put("replay", self._answer_key(self.before), (chunks, code))

    def adopt(self, other: _Session) -> bool:
        """Take ``other``'s state (the same cell, just read); False when this answer is stored already."""
        self.watched, self.before = other.watched, other.before
        if self.before is None:
            return False
        return not self.cache.has(self._answer_key(self.before))

    def _watch_list(self) -> tuple[str, ...] | None:
        from govcell.load.config import load_config
        from govcell.load.tree_state import watch_list

        loaded = load_config(self.root, self.explicit_config)
        settings = loaded.config.cache
        if not settings.enabled:
            return None
        self.cache.max_bytes = int(settings.max_mb * 1024 * 1024)
        return watch_list(loaded.config, self.explicit_config)

    def _digest(self) -> bytes | None:
        from govcell.load.tree_state import digest

        assert self.watched is not None
        return digest(self.root, self.watched)

    def _answer_key(self, state: bytes) -> bytes:
        from govcell.load.cache import key

        assert self.watched is not None
        return key("replay", self.index_key, state, "\0".join(self.watched))


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class _Tee:
    """A text stream that records what is written, in order, and writes it through to ``real`` if ``echo``."""

    def __init__(self, real: TextIO, fd: int, chunks: Chunks, echo: bool) -> None:
        self._real = real
        self._fd = fd
        self._chunks = chunks
        self._echo = echo

    def write(self, text: str) -> int:
        self._chunks.append((self._fd, text))
        return self._real.write(text) if self._echo else len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class _captured:
    """Record stdout and stderr (in their interleaved order), writing them through when ``echo``."""

    def __init__(self, chunks: Chunks, *, echo: bool) -> None:
        self.chunks = chunks
        self.echo = echo

    def __enter__(self) -> None:
        self.saved = sys.stdout, sys.stderr
        # A stand-in stream: what it does not define (flush, encoding, fileno...) is the real one's.
        sys.stdout = cast(TextIO, _Tee(sys.stdout, 1, self.chunks, self.echo))
        sys.stderr = cast(TextIO, _Tee(sys.stderr, 2, self.chunks, self.echo))

    def __exit__(self, *exc: object) -> None:
        sys.stdout, sys.stderr = self.saved
