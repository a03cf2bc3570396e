"""A head start on the spec files: their YAML parsed by a child forked before the heavy imports.

A cold ``govcell check`` spends its first third importing pydantic and building the
format models, on one core, while the other core idles.  Parsing the spec files'
YAML needs none of that (libyaml and :mod:`govcell.load.yamlio`), so the command,
before it imports anything else, finds the spec files the configuration names (the
config read raw here: it is validated later, by the command), and forks a child
that reads and parses each of them and sends back what it parsed.

The command takes a parse only when it is a parse of exactly the text it read
itself at the same path: :func:`govcell.load.yamlio.parse_yaml` depends on nothing
else, so the result is the one the command would have computed.  A guess the
validated config contradicts, a file edited in between, a child that died or
answered garbage: the command parses the file itself.  A head start can only save
time, never change a result.

Only in an installed console script (the child is left to the process's end,
:func:`govcell.process.at_fast_exit`), on a cell whose spec files are large enough
to be worth a fork (:data:`MIN_BYTES`), with more than one core, and not under
``GOVCELL_DIFF_SERIAL=1`` (which keeps every command in one process).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govcell.load.layout import CONFIG_FILE, CONFIG_MAX_BYTES, PYPROJECT_MAX_BYTES, SPEC_FILES
from govcell.load.text import DEFAULT_MAX_BYTES, read_text

if TYPE_CHECKING:
    from govcell.load.yamlio import LoadedYaml

#: Below this many bytes of spec files, the fork and the transfer cost more than the parse they save.
MIN_BYTES = 128 * 1024

_FRAME = struct.Struct("<Q")


def digest(text: str) -> bytes:
    """What identifies a parsed text (the child's and the command's reads are compared by it)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def plan(root: Path, explicit_config: str | None) -> tuple[list[str], int]:
    """The spec files the configuration of the cell at ``root`` names, as written (raw), and its size limit.

    Read the way :func:`govcell.load.config.load_config` finds the configuration; where the
    raw configuration does not say (or says something the validated one will refuse), the
    default.  Only an order of work: the command checks every parse it takes.
    """
    section = _raw_config(root, explicit_config)
    given = section.get("paths")
    paths = given if isinstance(given, dict) else {}
    rels: list[str] = []
    for name, default in SPEC_FILES.items():
        value = paths.get(name, default)
        rel = value if isinstance(value, str) and value else default
        if rel not in rels:
            rels.append(rel)
    limits = section.get("limits")
    limit = limits.get("max_file_bytes") if isinstance(limits, dict) else None
    # Never above the default: a file the command reads only under a raised limit is too large to be
    # ready in time, and the child would hold a second copy of it meanwhile.
    given_limit = limit if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0 else None
    max_bytes = min(given_limit, DEFAULT_MAX_BYTES) if given_limit is not None else DEFAULT_MAX_BYTES
    return rels, max_bytes


def _raw_config(root: Path, explicit: str | None) -> dict[str, Any]:
    from govcell.load.yamlio import parse_yaml

    if explicit or (root / CONFIG_FILE).exists():
        rel = explicit or CONFIG_FILE
        read = read_text(root, rel, max_bytes=CONFIG_MAX_BYTES)
        data = parse_yaml(read.text, rel).data if read.text is not None else None
    elif (root / "pyproject.toml").is_file():
        from govcell.load.tomlio import load_table

        read = read_text(root, "pyproject.toml", max_bytes=PYPROJECT_MAX_BYTES)
        data = load_table(read.text, "pyproject.toml", ("tool", "govcell"), prefix="config").data \
            if read.text is not None else None
    else:
        data = None
    return data if isinstance(data, dict) else {}


class HeadStart:
    """The child parsing the spec files of one cell, and what it has sent so far."""

    def __init__(self, root: Path, rels: list[str], pid: int, read_fd: int) -> None:
        self.root = root
        #: the process that forked the child: the only one that may read its pipe
        self.owner = os.getpid()
        #: the files the child parses, in order; each is taken (or given up) at most once
        self.pending = list(rels)
        self._pid: int | None = pid
        self._fd: int | None = read_fd
        self._got: dict[str, tuple[bytes, LoadedYaml | None]] = {}

    def take(self, rel: str, text: str) -> LoadedYaml | None:
        """The child's parse of ``rel`` if it is done and parsed exactly ``text``; None: parse it yourself.

        A child still parsing the file the command needs now is stopped rather than waited for: it
        started only a few tenths of a second earlier, so on a file that large the command, parsing it
        on a core of its own, is done about as soon, and the cores stay free for the work that follows.
        """
        if rel not in self.pending:
            return None
        self.pending.remove(rel)
        while self._fd is not None and rel not in self._got and self._ready():
            if not self._receive():
                break
        found = self._got.pop(rel, None)
        if found is None or not self.pending:
            self.stop()
        if found is None or found[0] != digest(text):
            return None
        return found[1]

    def give_up(self, rel: str) -> None:
        """``rel`` is not needed from the child (the command found it in the cache)."""
        if rel in self.pending:
            self.pending.remove(rel)
            self._got.pop(rel, None)
            if not self.pending:
                self.stop()

    def _ready(self) -> bool:
        """The child has begun sending its next file (it sends a file whole once it is parsed)."""
        import select

        assert self._fd is not None
        try:
            return bool(select.select([self._fd], [], [], 0)[0])
        except (OSError, ValueError):
            return False

    def _receive(self) -> bool:
        """Read the child's next file (False: it has no more, or the pipe broke)."""
        head = self._read(_FRAME.size)
        if head is None:
            self.stop()
            return False
        (length,) = _FRAME.unpack(head)
        body = self._read(length)
        try:
            rel, seen, loaded = pickle.loads(body) if body is not None else (None, b"", None)
        except Exception:  # noqa: BLE001 - a garbled answer is no answer: the command parses the file
            rel = None
        if not isinstance(rel, str):
            self.stop()
            return False
        self._got[rel] = (seen, loaded)
        return True

    def _read(self, size: int) -> bytes | None:
        chunks: list[bytes] = []
        left = size
        while left and self._fd is not None:
            try:
                chunk = os.read(self._fd, min(left, 1 << 22))
            except OSError:
                return None
            if not chunk:
                return None
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks) if not left else None

    def stop(self) -> None:
        """End the child (it may still be parsing a file nobody wants) and close the pipe."""
        if self._pid is not None:
            import signal

            try:
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
            except OSError:
                pass
            self._pid = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


#: The head start of each cell root in this process (one command, one root, in practice).
_STARTED: dict[Path, HeadStart] = {}


def start(root: str | Path, explicit_config: str | None) -> HeadStart | None:
    """Fork the child that parses the spec files of the cell at ``root``, if it is worth it (see the module)."""
    where = Path(root).absolute()
    if where in _STARTED or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2 \
            or os.environ.get("GOVCELL_DIFF_SERIAL") == "1":
        return _STARTED.get(where)
    planned, max_bytes = plan(where, explicit_config)
    rels, size = [], 0
    for rel in planned:
        try:
            size += os.stat(where / rel).st_size
        except (OSError, ValueError):
            continue  # absent (or not even a path): the command finds that out itself
        rels.append(rel)
    if size < MIN_BYTES:
        return None
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:  # the child: never returns into the caller's stack
        code = 0
        try:
            os.close(read_fd)
            _parse_and_send(where, rels, max_bytes, write_fd)
        except BaseException:  # noqa: BLE001 - the command parses whatever it did not get
            code = 70
        finally:
            os._exit(code)
    os.close(write_fd)
    head = HeadStart(where, rels, pid, read_fd)
    _STARTED[where] = head
    from govcell.process import at_fast_exit

    at_fast_exit(head.stop)
    return head


def _parse_and_send(root: Path, rels: list[str], max_bytes: int, write_fd: int) -> None:
    """The child's work: each file read, parsed and handed to a writer thread, so that a command not yet
    reading its pipe never keeps the child from parsing the next file."""
    import queue
    import signal
    import threading

    from govcell.load.yamlio import parse_yaml

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the command's to report
    out: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()

    def write() -> None:
        with os.fdopen(write_fd, "wb") as pipe:
            while (frame := out.get()) is not None:
                pipe.write(frame)
                pipe.flush()

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    for rel in rels:
        read = read_text(root, rel, max_bytes=max_bytes)
        if read.text is None:
            body = pickle.dumps((rel, b"", None), protocol=pickle.HIGHEST_PROTOCOL)
        else:
            body = pickle.dumps((rel, digest(read.text), parse_yaml(read.text, rel)),
                                protocol=pickle.HIGHEST_PROTOCOL)
        out.put(_FRAME.pack(len(body)) + body)
    out.put(None)
    writer.join()


def _mine(root: Path) -> HeadStart | None:
    """The head start of ``root`` this process started: a child forked since (a check set aside, the
    policy run) inherits the record but must leave the pipe to the command."""
    head = _STARTED.get(root)
    return head if head is not None and head.owner == os.getpid() else None


def parsed_by_head_start(root: Path, rel: str, text: str | None) -> LoadedYaml | None:
    """The head start's parse of ``rel`` of the cell at ``root``, when it parsed exactly ``text``
    (None: the command could not read the file, so it wants no parse of it)."""
    head = _mine(root)
    if head is None:
        return None
    if text is None:
        head.give_up(rel)
        return None
    return head.take(rel, text)


def not_needed(root: Path, rel: str) -> None:
    """The command will not ask for ``rel`` (see :meth:`HeadStart.give_up`)."""
    head = _mine(root)
    if head is not None:
        head.give_up(rel)
