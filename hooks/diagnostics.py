"""Findings: the one currency every govcell check pays in.

Every check returns ``Diagnostic`` objects instead of printing or raising, so a
single run can collect every problem in the cell, apply the configured
severity overrides once, and hand the lot to whichever reporter the user asked
for.  Codes are stable identifiers (``ledger.duplicate-id``); messages may be
reworded, codes may not.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import re


class Severity(str, enum.Enum):  # noqa: UP042 - StrEnum would change str(severity)
    """How bad a finding is; ``error`` fails a hook, ``warning`` fails only with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclasses.dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding, pinned to a place in a file of the cell.

    ``path`` is relative to the cell root and uses forward slashes, so reports
    are identical whatever the checkout directory or operating system.
    ``line`` and ``col`` are 1-based; 0 means "the whole file".
    """

    code: str
    severity: Severity
    path: str
    line: int
    col: int
    message: str
    hint: str = ""

    @property
    def location(self) -> str:
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}:{max(self.col, 1)}"

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.col, self.code, self.message)

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "message": self.message,
            "hint": self.hint,
        }


def diag(
    code: str,
    message: str,
    path: str,
    line: int = 0,
    col: int = 0,
    *,
    hint: str = "",
    severity: Severity | str = Severity.ERROR,
) -> Diagnostic:
    """Build a finding; keyword-friendly shorthand used by every check."""
    return Diagnostic(code, Severity(severity), path, line, col, message, hint)


def apply_policy(
    found: Iterable[Diagnostic],
    overrides: Mapping[str, str] | None = None,
    *,
    strict: bool = False,
) -> list[Diagnostic]:
    """Apply per-code severity overrides and ``--strict``; sort and de-duplicate.

    An override value of ``off`` drops the code entirely.  Overrides may name a
    whole family with a trailing ``*`` (``ac.*``); the most specific key wins.
    """
    overrides = dict(overrides or {})
    out: set[Diagnostic] = set()
    for d in found:
        level = _override_for(d.code, overrides)
        if level == "off":
            continue
        sev = Severity(level) if level else d.severity
        if strict and sev is Severity.WARNING:
            sev = Severity.ERROR
        out.add(dataclasses.replace(d, severity=sev) if sev is not d.severity else d)
    return sorted(out, key=Diagnostic.sort_key)


def _override_for(code: str, overrides: Mapping[str, str]) -> str | None:
    if code in overrides:
        return overrides[code]
    best: tuple[int, str] | None = None
    for key, level in overrides.items():
        if key.endswith("*") and code.startswith(key[:-1]) and (best is None or len(key) > best[0]):
            best = (len(key), level)
    return best[1] if best else None


def counts(found: Iterable[Diagnostic]) -> dict[str, int]:
    """Findings by severity, always with all three keys, for summaries."""
    tally = {s.value: 0 for s in Severity}
    for d in found:
        tally[d.severity.value] += 1
    return tally


def exit_code(found: Iterable[Diagnostic]) -> int:
    """0 when nothing is an error, else 1 (pre-commit's convention)."""
    return 1 if any(d.severity is Severity.ERROR for d in found) else 0


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A "did you mean" hint, or an empty string when nothing is close."""
    import difflib

    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{match[0]}'?" if match else ""


# Control characters (C0, DEL, C1), line and paragraph separators, and the
# bidirectional controls that reorder what a terminal shows (Trojan Source).
_UNPRINTABLE = None


def printable(text: str) -> str:
    """``text`` with every character that could forge terminal output escaped (``\\x1b``, ``\\n``, ``\\u202e``).

    File names, keys and values come from the repository: a newline in one
    could print a fake finding line, an escape sequence could rewrite the
    screen.  Text reporters pass everything through this; plain text is
    returned as it is.
    """
    global _UNPRINTABLE  # noqa: PLW0603 - compiled on first use, once per process
    if _UNPRINTABLE is None:
        import re

        _UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
    if _UNPRINTABLE.search(text) is None:
        return text
    return _UNPRINTABLE.sub(_escape_char, text)


def _escape_char(m: re.Match[str]) -> str:
    c = m.group(0)
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if c in named:
        return named[c]
    o = ord(c)
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}"
