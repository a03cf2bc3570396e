"""Process-level settings for govcell's short-lived commands.

A govcell command builds hundreds of thousands of small objects (YAML nodes,
located marks, Gherkin AST dicts, pydantic models) and drops them all when it
exits.  CPython's cyclic garbage collector walks the whole young heap every
700 allocations and the whole heap every few of those, so on a large cell it
spends as long collecting as working (an 8,000-item ledger composes in 0.28 s
without it and 0.7 s with it), and finds almost nothing: these structures hold
no reference cycles worth freeing before exit.  Reference counting still frees
everything as usual; only the cycle detector is paused.

:func:`no_cycle_gc` pauses it for the duration of a command and restores the
previous state afterwards, so calling a ``main`` in-process (as the tests do)
leaves the interpreter as it was.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NoReturn, Protocol, TypeVar

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

T = TypeVar("T")
R = TypeVar("R")


@contextlib.contextmanager
def no_cycle_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees memory).

    Also tells pydantic not to look for third-party pydantic plugins (unless the
    user already set ``PYDANTIC_DISABLE_PLUGINS``): the lookup reads the entry
    points of every installed distribution when govcell defines its first model,
    about 40 ms of every hook's start, for plugins that have no business
    observing govcell's own file models.
    """
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # Under exit_fast the process ends next: turning the collector back on would
        # make the first allocation walk every object the command made (0.03 s at 2k).
        if was_enabled and not _FAST_EXIT.retaining:
            gc.enable()


def exit_fast(main: Callable[[], int]) -> Callable[[], NoReturn]:
    """Wrap a console script's ``main`` so the process ends without tearing the heap down.

    Freeing a large cell's object graph at interpreter exit costs as much as a
    fifth of a run (0.7 s of 3.1 s on an 8,000-item cell) and changes nothing:
    the process is ending.  The wrapper flushes stdout and stderr and leaves
    with ``os._exit``.  Only the installed console scripts use it; ``main``
    itself returns normally, so in-process callers (the tests) are unaffected.
    Every file govcell writes is closed (and atomically renamed) before
    ``main`` returns, so nothing is lost.  ``main`` is expected to run inside
    :func:`govcell.cli.errors.error_boundary` (as :mod:`govcell.entry.console`
    does), which turns every failure into an exit code.
    """

    def run() -> NoReturn:
        import sys

        _FAST_EXIT.retaining = True
        tolerant_streams()
        try:
            code = int(main() or 0)
        except KeyboardInterrupt:
            code = INTERRUPTED
        finally:
            _stop_children()
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            code = code or 1
        os._exit(code)

    run.__doc__ = main.__doc__
    return run


class _FastExitState:
    """Whether this process ends through :func:`exit_fast`, and what it keeps alive until then."""

    def __init__(self) -> None:
        self.retaining = False
        self.kept: list[object] = []


_FAST_EXIT = _FastExitState()


def in_console_script() -> bool:
    """This process is an installed console script that ends through :func:`exit_fast` (not a test)."""
    return _FAST_EXIT.retaining


def retain(obj: object) -> None:
    """Keep ``obj`` alive until the process ends, when it ends through :func:`exit_fast`.

    A cell and its analysis are the largest object graphs a command builds; when
    the command returns, dropping them frees every node one by one (0.06 s of a
    0.7 s ``govcell check`` on a 2,000-item cell), just before the process exits
    anyway.  A command that is done with them (``govcell check``, each hook)
    hands them here as it returns: under :func:`exit_fast` they are kept and never
    freed.  Only then: a command that builds several cells in turn (the site, a
    history) must free each as it goes.  In every other process (the tests, an
    in-process caller) this does nothing, so nothing leaks.
    """
    if _FAST_EXIT.retaining:
        _FAST_EXIT.kept.append(obj)


#: Exit status of a command interrupted by Ctrl-C (128 + SIGINT), as shells report it.
INTERRUPTED = 130


def tolerant_streams() -> None:
    """Let stdout/stderr print any text: characters the terminal's encoding lacks are escaped.

    Under ``PYTHONIOENCODING=ascii`` or a ``LANG=C`` terminal, a finding that
    quotes a non-ASCII name would otherwise end the command with
    ``UnicodeEncodeError``; ``backslashreplace`` prints ``\\xe9`` instead.
    """
    import sys

    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass


def cores() -> int:
    """The cores this process may fan out on: all of them, but one fewer in a :class:`Later` child.

    A :class:`Later` child runs while its parent works on: on two cores, a child
    that parsed the feature files with two workers of its own made three busy
    processes, and slowed the parent's read of the ledger by a third (0.28 s
    to 0.38 s on an 8,000-item cell).
    """
    return max(1, (os.cpu_count() or 1) - _CORES.held)


class _Cores:
    """How many cores this process leaves to others (1 in a :class:`Later` child: its parent's)."""

    held = 0


_CORES = _Cores()


def parallel_map(fn: Callable[[T], R], items: list[T], *, min_items: int, chunks_per_worker: int = 4) -> list[R]:
    """``[fn(x) for x in items]``, on every core when there are enough items.

    For the pure-Python parts of a large cell (Gherkin parsing, drawing
    diagrams): forked workers, results in ``items`` order, so the output is
    identical to a serial run.  Below ``min_items``, on one core, or where
    ``fork`` is unavailable, it is the plain serial loop.
    """
    workers = min(cores(), 4)
    if len(items) < min_items or workers < 2:
        return [fn(x) for x in items]
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return [fn(x) for x in items]
    chunksize = max(1, len(items) // (workers * chunks_per_worker))
    import signal

    # Workers leave Ctrl-C to the parent, which ends the command with one line (see ``govcell.cli.errors``).
    with multiprocessing.get_context("fork").Pool(workers, initializer=signal.signal,
                                                  initargs=(signal.SIGINT, signal.SIG_IGN)) as pool:
        return pool.map(fn, items, chunksize=chunksize)


#: Children of :class:`Later` whose result has not been taken (stopped when the command ends early).
_RUNNING: list[BaseProcess] = []
#: What else ends with the command (other children: the policy run's, ``govcell.derive.policy.isolation``).
_AT_EXIT: list[Callable[[], None]] = []


def at_fast_exit(stop: Callable[[], None]) -> None:
    """Call ``stop`` when a console script ends (a child no one will wait for any more); tests never do."""
    if _FAST_EXIT.retaining:
        _AT_EXIT.append(stop)


def _stop_children() -> None:
    """End the children no one will ask for any more (a Ctrl-C, an error before their result was needed)."""
    while _RUNNING:
        child = _RUNNING.pop()
        if child.is_alive():
            child.terminate()
            child.join(timeout=1)
    while _AT_EXIT:
        _AT_EXIT.pop()()


class Later:
    """A call running in a forked child process (or already done, where forking is not worth it).

    ``cleanup`` runs before the fork and when the child is done: it closes what
    parent and child must not share (the git readers, ``govcell.load.git.close_all``).
    """

    def __init__(self, fn: Callable[..., Any], args: tuple[object, ...],
                 cleanup: Callable[[], None] = lambda: None) -> None:
        self._value: tuple[str, Any] = ("error", "not run")
        self._done = False
        self._child: BaseProcess | None = None
        self._receive: Connection | None = None
        if (os.cpu_count() or 1) > 1 and os.environ.get("GOVCELL_DIFF_SERIAL") != "1":
            import multiprocessing

            if "fork" in multiprocessing.get_all_start_methods():
                cleanup()  # no git pipe is shared with the child
                ctx = multiprocessing.get_context("fork")
                receive, send = ctx.Pipe(duplex=False)
                child = ctx.Process(target=_run_child, args=(send, fn, args, cleanup), daemon=False)
                try:
                    child.start()
                except OSError:
                    receive.close()
                    send.close()
                else:
                    send.close()
                    self._child, self._receive = child, receive
                    _RUNNING.append(child)
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
            except BaseException:
                self._child.terminate()  # interrupted (Ctrl-C): the child's answer is not wanted
                raise
            finally:
                self._child.join()
                self._receive.close()
                if self._child in _RUNNING:
                    _RUNNING.remove(self._child)
            self._done = True
        return self._value


def _call(fn: Callable[..., Any], args: tuple[object, ...]) -> tuple[str, Any]:
    try:
        return ("ok", fn(*args))
    except Exception as exc:  # noqa: BLE001 - reported by the caller as a finding
        return ("error", f"{type(exc).__name__}: {exc}")


def _run_child(send: Connection, fn: Callable[..., Any], args: tuple[object, ...],
               cleanup: Callable[[], None]) -> None:
    _CORES.held += 1  # the parent goes on working meanwhile
    try:
        send.send(_call(fn, args))
    finally:
        send.close()
        cleanup()


class _Lock(Protocol):
    """What :class:`Claims` needs of a lock (``multiprocessing``'s and ``threading``'s both have it)."""

    def acquire(self, block: bool = ..., timeout: float = ...) -> bool: ...

    def release(self) -> None: ...


class Claims:
    """Numbered pieces of work that a forked child and its parent share without a coordinator.

    The child claims from the front (:meth:`front`), the parent from the back
    (:meth:`back`) once it has nothing else to do; each piece goes to exactly one
    of them, and they meet where the work is done.  Two integers in an anonymous
    shared mapping and a lock, both inherited by the fork (no ``ctypes`` import).
    """

    def __init__(self, count: int) -> None:
        import mmap
        import multiprocessing

        self._shared = mmap.mmap(-1, 8)  # MAP_SHARED: the child's claims are the parent's
        if "fork" in multiprocessing.get_all_start_methods():
            self._lock: _Lock = multiprocessing.get_context("fork").Lock()
        else:  # no fork (Windows): a Later runs in this process, so nothing else claims
            import threading

            self._lock = threading.Lock()
        self._set(0, count)

    def _get(self) -> tuple[int, int]:
        import struct

        first, end = struct.unpack("ii", self._shared[:8])
        return first, end

    def _set(self, first: int, end: int) -> None:
        import struct

        self._shared[:8] = struct.pack("ii", first, end)

    def front(self) -> int | None:
        """The first piece nobody has claimed (None: all are claimed)."""
        with self._held():
            first, end = self._get()
            if first >= end:
                return None
            self._set(first + 1, end)
            return first

    def back(self) -> int | None:
        """The last piece nobody has claimed (None: all are claimed)."""
        with self._held():
            first, end = self._get()
            if first >= end:
                return None
            self._set(first, end - 1)
            return end - 1

    @contextlib.contextmanager
    def _held(self) -> Iterator[None]:
        """The lock, or after :data:`CLAIM_WAIT` seconds none: its holder died inside the few
        instructions it holds it for, and never a hang.  Claiming without it can at worst give a
        piece to both processes; the results are the same either way.
        """
        got = self._lock.acquire(timeout=CLAIM_WAIT)
        try:
            yield
        finally:
            if got:
                self._lock.release()


#: How long a claim waits for the lock before it takes the counters without it (a holder that died).
CLAIM_WAIT = 2.0
