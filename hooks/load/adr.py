"""Architecture decision records: ``docs/adr/NNNN-slug.md`` files, known as ``ADR-NNNN``.

Decisions are referenced from the ledger (``adr:``), so the set of ADR files is
part of the cell: a reference to a missing ADR is an error, an ADR nobody
references is a hint that a decision was orphaned.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from govcell.diagnostics import Diagnostic, diag

if TYPE_CHECKING:
    from govcell.load.sources import FileSource

ADR_FILE = re.compile(r"^(\d{4})-([a-z0-9][a-z0-9-]*)\.md$")
_TITLE = re.compile(r"^#\s+(?:ADR[- ]?\d+[:.]?\s*)?(.+?)\s*#*\s*$")
_STATUS = re.compile(r"^(?:\*\*)?status(?:\*\*)?\s*:\s*(?:\*\*)?\s*([A-Za-z-]+)", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Adr:
    """One decision record file."""

    id: str
    number: int
    path: str
    title: str
    status: str | None


@dataclasses.dataclass
class AdrIndex:
    """All ADR files of the cell, by ID, plus what was wrong with their names."""

    adrs: dict[str, Adr]
    diagnostics: list[Diagnostic]


def scan(source: FileSource, adr_dir: str, max_bytes: int) -> AdrIndex:
    """Read the ADR directory ``adr_dir`` of ``source`` once: names, numbers, titles (first heading) and status;
    no file read is larger than ``max_bytes``."""
    rel_dir = adr_dir.rstrip("/")
    adrs: dict[str, Adr] = {}
    found: list[Diagnostic] = []
    if source.kind != "worktree":  # a git revision or the index (govcell.load.sources)
        names = source.listdir(rel_dir) if source.is_dir(rel_dir) else []
    else:
        directory = source.root / rel_dir
        if not directory.is_dir():
            return AdrIndex(adrs, found)
        try:
            entries = sorted(directory.iterdir(), key=lambda p: p.name)
        except OSError as exc:
            return AdrIndex(adrs, [diag("file.unreadable", f"cannot list {rel_dir}: {exc.strerror or exc}", rel_dir,
                                        hint="fix the directory's permissions")])
        # A symlink is looked at too (a loop, or a link out of the repository, is a finding, not skipped).
        names = [e.name for e in entries if e.is_symlink() or e.is_file()]
    for name in names:
        if not name.endswith(".md") or name.lower() in {"readme.md", "index.md"}:
            continue
        rel = f"{rel_dir}/{name}"
        match = ADR_FILE.match(name)
        if not match:
            found.append(diag("adr.bad-name", f"ADR file name '{name}' is not NNNN-slug.md", rel,
                              severity="warning",
                              hint="rename it like 0007-use-postgres.md (4 digits, lowercase slug)"))
            continue
        number = int(match.group(1))
        ident = f"ADR-{match.group(1)}"
        title, status = _read_heading(source, rel, max_bytes, found)
        if ident in adrs:
            found.append(diag("adr.duplicate-number", f"{ident} is used by both {adrs[ident].path} and {rel}", rel,
                              1, 1, hint="give each decision its own number"))
            continue
        adrs[ident] = Adr(ident, number, rel, title or match.group(2).replace("-", " "), status)
    return AdrIndex(adrs, found)


def _read_heading(source: FileSource, rel: str, max_bytes: int,
                  found: list[Diagnostic]) -> tuple[str | None, str | None]:
    """Title (first heading) and status of one ADR, read as every cell file is (``govcell.load.text.read_text``):
    inside the repository, size-bounded, UTF-8; why not is a ``file.*`` finding."""
    read = source.read_text(rel, max_bytes=max_bytes)
    found.extend(read.diagnostics)
    title: str | None = None
    status: str | None = None
    for line in (read.text or "").splitlines()[:41]:
        if title is None:
            m = _TITLE.match(line)
            if m:
                title = m.group(1)
                continue
        if status is None:
            m = _STATUS.match(line.strip())
            if m:
                status = m.group(1).lower()
    return title, status
