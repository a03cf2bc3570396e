"""The one reader of cell files: bytes -> text, or the findings that say why not.

Every file govcell reads from a cell (YAML, Gherkin, Rego, result files, ADRs,
fixtures) goes through ``read_text`` (the working tree) or ``decode`` (bytes
from git or elsewhere), so a file outside the repository, missing, not a
regular file, over the size limit, binary (a NUL byte) or not UTF-8 is the same
located finding wherever it is read.  ``code`` names the finding family
(``file.binary``, ``results.binary``, ...).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import stat
from pathlib import Path

from govcell.diagnostics import Diagnostic, diag

#: Default upper bound on a file's size (an 8k-item ledger is ~5 MB).
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclasses.dataclass
class ReadResult:
    """A text file read under govcell's rules: ``text`` is None when unreadable."""

    text: str | None
    diagnostics: list[Diagnostic]


def relpath(root: Path, path: Path) -> str:
    """``path`` relative to ``root`` with forward slashes (as reports show it)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_text(root: Path, rel: str, *, max_bytes: int = DEFAULT_MAX_BYTES, code: str = "file") -> ReadResult:
    """Read ``root/rel`` as UTF-8 text, or explain (as findings) why not."""
    raw, why = read_raw(root, rel, max_bytes=max_bytes, code=code)
    return decode(raw, rel, code=code) if raw is not None else ReadResult(None, [why] if why else [])


def read_raw(root: Path, rel: str, *, max_bytes: int = DEFAULT_MAX_BYTES,
             code: str = "file") -> tuple[bytes | None, Diagnostic | None]:
    """The bytes of ``root/rel``, or the finding that says why they are not read.

    The one policy of every read of a cell file: never outside the repository
    (symlinks resolved), never a directory, FIFO or device, never over ``max_bytes``.
    """
    full = root / rel
    try:
        real_root = _real_root(str(root))
        resolved = os.path.realpath(full, strict=False)
        if resolved != real_root and not resolved.startswith(real_root.rstrip(os.sep) + os.sep):
            raise ValueError(resolved)
    except ValueError:
        return None, diag(f"{code}.outside-repo", f"{rel} resolves outside the repository", rel,
                          hint="point the path at a file inside the repository")
    except (OSError, RuntimeError) as exc:  # symlink loops (RuntimeError before Python 3.13)
        why = getattr(exc, "strerror", None) or exc
        return None, diag(f"{code}.unreadable", f"cannot resolve {rel}: {why}", rel)
    try:
        st = full.stat()
    except FileNotFoundError:
        return None, diag(f"{code}.missing", f"{rel} does not exist", rel,
                          hint="create it, or set its path in .govcell.yaml")
    except OSError as exc:
        return None, diag(f"{code}.unreadable", f"cannot read {rel}: {exc.strerror or exc}", rel)
    if not stat.S_ISREG(st.st_mode):
        return None, diag(f"{code}.not-a-file", f"{rel} is not a regular file", rel,
                          hint="expected a file here, found a directory or special file")
    if st.st_size > max_bytes:
        return None, diag(f"{code}.too-large", f"{rel} is {st.st_size} bytes, over the {max_bytes}-byte limit",
                          rel, hint="split the file, or raise limits.max_file_bytes in the config")
    try:
        return full.read_bytes(), None
    except OSError as exc:
        return None, diag(f"{code}.unreadable", f"cannot read {rel}: {exc.strerror or exc}", rel)


@functools.lru_cache(maxsize=64)
def _real_root(root: str) -> str:
    """The cell root with symlinks resolved, once per process (every file read checks against it)."""
    return os.path.realpath(root)


def decode(raw: bytes, rel: str, *, code: str = "file") -> ReadResult:
    """Decode UTF-8 (BOM tolerated); NUL bytes mean binary."""
    nul = raw.find(b"\x00")
    if nul != -1:
        line = raw.count(b"\n", 0, nul) + 1
        return ReadResult(None, [diag(f"{code}.binary", f"{rel} looks binary (NUL byte)", rel, line, 1,
                                      hint="expected a UTF-8 text file")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return ReadResult(None, [diag(f"{code}.encoding", f"{rel} is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                                      rel, line, col, hint="re-save the file as UTF-8")])
    if text.startswith("\ufeff"):
        text = text[1:]
    return ReadResult(text, [])
