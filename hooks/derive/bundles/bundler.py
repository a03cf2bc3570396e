"""What one cell's bundles share (the ``Bundler``): the file list, each file read and judged once, .llmignore.

Checking ten bundles that share files costs one read (and one secret scan) of
each file; the ledger index is built once, when a bundle first links an ID.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from govcell.derive.bundles.model import BINARY_SNIFF, FileInfo
from govcell.diagnostics import Diagnostic, diag
from govcell.load.secrets import scan_text, secret_file_kind

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.formats.tasks import Task
    from govcell.load.repofiles import RepoFiles
    from govcell.write import InputFiles


class AcState(Protocol):
    """What a bundle says of an AC's status (``govcell.derive.coverage.AcStatus`` is one)."""

    @property
    def coverage(self) -> str: ...

    @property
    def run(self) -> str: ...

    @property
    def suspect(self) -> bool: ...


def start_listing(cell: Cell) -> Callable[[], RepoFiles]:
    """The files a bundle of ``cell`` may carry, listed from now on (git's tracked files, or a walk)."""
    from govcell.load.repofiles import start_listing as start

    skip = [cell.config.bundles.output_dir]
    if cell.in_worktree:
        return start(cell.root, skip)
    files = cell.source.repo_files(skip)
    return lambda: files


class Bundler:
    """What one cell's bundles share: the file list, file reads, .llmignore, the ledger index.

    ``ac_states`` gives every AC's status by ID (``Analysis.coverage.acs``) when a
    bundle first needs one; ``Analysis.bundler`` makes one per analysis.
    """

    def __init__(self, cell: Cell, ac_states: Callable[[], Mapping[str, AcState]],
                 files: RepoFiles | None = None) -> None:
        self.cell = cell
        self.ac_states = ac_states
        self.root_real = os.path.realpath(cell.root)
        #: the candidate files (``files``: listed already, see ``Analysis.start_listing``)
        self.files: RepoFiles = files if files is not None else start_listing(cell)()
        self._info: dict[str, FileInfo] = {}
        self._texts: dict[str, str | None] = {}
        self.ignore_findings: list[Diagnostic] = []
        self.ignored: Callable[[str], bool] = self._load_llmignore()
        self._ledger_index: _LedgerIndex | None = None

    @functools.cached_property
    def inputs(self) -> InputFiles:
        """The cell's input files (``govcell.write.cell_inputs``), where no bundle may be written."""
        from govcell.write import cell_inputs

        return cell_inputs(self.cell)

    @functools.cached_property
    def tasks_by_id(self) -> dict[str, list[Task]]:
        """The ``specs/tasks.yaml`` tasks by ID (a bundle takes the links of the tasks of its name)."""
        by_id: dict[str, list[Task]] = {}
        model = self.cell.tasks.model
        for task in model.tasks if model is not None else ():
            by_id.setdefault(task.id, []).append(task)
        return by_id

    def ledger_index(self) -> _LedgerIndex:
        if self._ledger_index is None:
            self._ledger_index = _ledger_index(self.cell)
        return self._ledger_index

    def _load_llmignore(self) -> Callable[[str], bool]:
        rel = self.cell.config.paths.llmignore
        if not self.cell.source.exists(rel):
            return lambda _path: False
        read = self.cell.read_text(rel, max_bytes=1024 * 1024, code="bundle.llmignore")
        if read.text is None:
            self.ignore_findings.extend(read.diagnostics)
            return lambda _path: False
        from govcell.load.globs import Globs, invalid_reason

        good: list[str] = []
        for n, line in enumerate(read.text.splitlines(), 1):
            why = invalid_reason(line)
            if why is not None:
                self.ignore_findings.append(diag("bundle.llmignore-pattern", f"invalid pattern {line!r}: {why}",
                                                 rel, n, 1, hint="use gitignore syntax"))
                continue
            good.append(line)
        return Globs.from_gitignore(good)

    def info(self, path: str) -> FileInfo:
        got = self._info.get(path)
        if got is None:
            got = self._info[path] = self._read(path)
        return got

    def _read(self, path: str) -> FileInfo:
        if not self.cell.in_worktree:
            return self._read_from_source(path)
        full = os.path.join(self.cell.root, path)
        fi = FileInfo(path, secret_file=secret_file_kind(path))
        real = os.path.realpath(full)
        if real != self.root_real and not real.startswith(self.root_real.rstrip(os.sep) + os.sep):
            try:
                fi.escape = os.readlink(full) if os.path.islink(full) else real
            except OSError:
                fi.escape = real
            fi.skip, fi.skip_kind = f"resolves outside the repository (-> {fi.escape})", "escape"
            return fi
        if os.path.islink(full):
            # Judged by what it is: a harmless-named link to an untracked .env or to .git/config is a secret file.
            target = os.path.relpath(real, self.root_real).replace(os.sep, "/")
            fi.secret_file = fi.secret_file or secret_file_kind(target)
        try:
            st = os.stat(full)
        except OSError:
            fi.skip, fi.skip_kind = "missing from the working tree", "missing"
            return fi
        if not stat.S_ISREG(st.st_mode):
            fi.skip, fi.skip_kind = "not a regular file", "not-a-file"
            return fi
        fi.size = st.st_size
        limit = self.cell.config.limits.max_file_bytes
        if st.st_size > limit:
            fi.skip, fi.skip_kind = f"too large to read ({st.st_size} bytes, limit {limit})", "too-large"
            return fi
        try:
            raw = Path(full).read_bytes()
        except OSError as exc:
            fi.skip, fi.skip_kind = f"unreadable: {exc.strerror or exc}", "unreadable"
            return fi
        return self._content(fi, raw)

    def _read_from_source(self, path: str) -> FileInfo:
        """``_read`` for a cell loaded from a git revision or the index."""
        fi = FileInfo(path, secret_file=secret_file_kind(path))
        source = self.cell.source
        if not source.is_file(path):
            kind = "missing" if not source.exists(path) else "not-a-file"
            fi.skip, fi.skip_kind = ("missing from " + source.label if kind == "missing"
                                     else "not a regular file (or a link out of the repository)"), kind
            return fi
        raw = source.read_bytes(path)
        if raw is None:
            fi.skip, fi.skip_kind = "unreadable", "unreadable"
            return fi
        limit = self.cell.config.limits.max_file_bytes
        if len(raw) > limit:
            fi.size = len(raw)
            fi.skip, fi.skip_kind = f"too large to read ({len(raw)} bytes, limit {limit})", "too-large"
            return fi
        return self._content(fi, raw)

    def _content(self, fi: FileInfo, raw: bytes) -> FileInfo:
        fi.size = len(raw)
        if b"\x00" in raw[:BINARY_SNIFF]:
            fi.skip, fi.skip_kind = "binary", "binary"
            return fi
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            fi.skip, fi.skip_kind = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} on line {line})", "encoding"
            return fi
        fi.text = text[1:] if text.startswith("\ufeff") else text
        from govcell.load.cache import cached_call

        fi.hits = cached_call(self.cell, "secrets", (fi.text,), scan_text, fi.text)
        return fi

    def text(self, path: str) -> str | None:
        """A ledger-referenced text file (feature file), or None when unreadable."""
        if path not in self._texts:
            self._texts[path] = self.cell.read_text(path).text
        return self._texts[path]


@dataclasses.dataclass
class _LedgerIndex:
    """Requirements in ledger order, and where each requirement and AC ID occurs."""

    entries: list[tuple[Any, Any]]
    by_req: dict[str, list[int]]
    by_ac: dict[str, list[int]]
    ids: set[str]


def _ledger_index(cell: Cell) -> _LedgerIndex:
    ledger = cell.ledger.model
    entries = list(ledger.iter_requirements()) if ledger is not None else []
    by_req: dict[str, list[int]] = {}
    by_ac: dict[str, list[int]] = {}
    for p, (_story, req) in enumerate(entries):
        by_req.setdefault(req.id, []).append(p)
        for ac in req.acceptance_criteria:
            by_ac.setdefault(ac.id, []).append(p)
    return _LedgerIndex(entries, by_req, by_ac, set(by_req) | set(by_ac))
