"""The check ``spec-ledger``: the ledger (and the other spec files) load, with sound IDs and text.

The schema is the pydantic models' (``govcell.formats``); this check adds what a
schema cannot say: ID patterns (``ids.*``), IDs unique across the whole ledger,
non-empty titles and AC texts, test types govcell knows.  It walks the raw data,
so it works even where the schema failed elsewhere.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from govcell.diagnostics import Diagnostic, Severity, diag, did_you_mean
from govcell.formats.ledger import TEST_TYPES

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.derive.analysis import Analysis


def check(analysis: Analysis) -> list[Diagnostic]:
    """Schema, ID patterns, duplicate IDs and empty text of the ledger.

    The optional ``tasks``, ``flows`` and doc index files are schema-checked here
    too: they are spec files, and their cross-references are the governance graph's job.
    """
    cell = analysis.cell
    loaded = cell.ledger
    found = list(loaded.diagnostics) + cell.tasks.diagnostics + cell.flows.diagnostics + cell.doc_index.diagnostics
    if not loaded.present:
        found.append(diag("ledger.missing", f"no spec ledger at {loaded.path}", loaded.path,
                          hint="create it (see `govcell schema ledger`) or set paths.ledger in .govcell.yaml"))
        return found
    if isinstance(loaded.raw.data, dict):
        found.extend(_check_ids(cell, loaded.raw.data))
    return found


def _check_test_types(raw: Any, item: dict[str, Any], here: tuple[Any, ...]) -> list[Diagnostic]:
    """A test type govcell does not know loads (older ledgers use ``snapshot``) but is not counted as proof."""
    out: list[Diagnostic] = []
    tests = item.get("tests")
    for ti, test in enumerate(tests if isinstance(tests, list) else []):
        kind = test.get("type") if isinstance(test, dict) else None
        if isinstance(kind, str) and kind not in TEST_TYPES:
            line, col = raw.position(here + ("tests", ti, "type"))
            out.append(diag("ledger.unknown-test-type", f"test type '{kind}' is not one govcell knows; the "
                            "mapping loads but does not count as automated proof", raw.path, line, col,
                            severity=Severity.WARNING, hint=did_you_mean(kind, TEST_TYPES)
                            or f"use one of {', '.join(TEST_TYPES)}"))
    return out


_LEVELS = (("stories", "story", "story"), ("requirements", "requirement", "requirement"),
           ("acceptance_criteria", "ac", "acceptance criterion"))


def _check_ids(cell: Cell, data: dict[str, Any]) -> list[Diagnostic]:
    """Walk the raw data (so this works even when the schema failed elsewhere)."""
    from govcell.load.regex_safety import MAX_ID_LENGTH

    raw = cell.ledger.raw
    found: list[Diagnostic] = []
    patterns: dict[str, re.Pattern[str]] = {}
    for _, key, _ in _LEVELS:
        source = getattr(cell.config.ids, key)
        try:
            patterns[key] = re.compile(source)
        except re.error as exc:
            found.append(diag("config.bad-pattern", f"ids.{key} is not a valid regular expression: {exc}",
                              cell.config_source or ".govcell.yaml", 1, 1))
    seen: dict[str, tuple[int, int]] = {}

    def walk(items: Any, path: tuple[Any, ...], depth: int) -> None:
        if depth >= len(_LEVELS) or not isinstance(items, list):
            return
        _child_key, kind, label = _LEVELS[depth]
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            here = path + (i,)
            ident = item.get("id")
            if isinstance(ident, (int, float)) and not isinstance(ident, bool):
                ident = str(ident)  # an unquoted number is still an ID, and must match the pattern
            if isinstance(ident, str):
                line, col = raw.position(here + ("id",))
                pattern = patterns.get(kind)
                if len(ident) > MAX_ID_LENGTH:
                    # Never run a user's pattern on it: a pattern that is fast on IDs can be slow on 100k characters.
                    found.append(diag("ledger.id-too-long", f"{label} ID '{ident[:40]}...' is {len(ident)} characters "
                                      f"long (at most {MAX_ID_LENGTH})", raw.path, line, col,
                                      hint="give it a short ID, like US-SHOP-001"))
                elif pattern is not None and not pattern.fullmatch(ident):
                    found.append(diag("ledger.id-pattern", f"{label} ID '{ident}' does not match {pattern.pattern}",
                                      raw.path, line, col, hint=f"rename it, or change ids.{kind} in the config"))
                if ident in seen:
                    first = seen[ident]
                    found.append(diag("ledger.duplicate-id", f"ID '{ident}' is already used on line {first[0]}",
                                      raw.path, line, col, hint="every story, requirement and AC ID must be unique"))
                else:
                    seen[ident] = (line, col)
            text_key = "text" if kind == "ac" else "title"
            text = item.get(text_key)
            if text is None or (isinstance(text, str) and not text.strip()):
                line, col = raw.position(here + (text_key,) if text_key in item else here)
                what = "an empty" if text_key in item else "no"
                found.append(diag("ledger.empty-text", f"{label} {ident or '#' + str(i)} has {what} {text_key}",
                                  raw.path, line, col, severity=Severity.WARNING, hint=f"say what the {label} is"))
            if kind == "ac":
                found.extend(_check_test_types(raw, item, here))
            if depth + 1 < len(_LEVELS):
                walk(item.get(_LEVELS[depth + 1][0]), here + (_LEVELS[depth + 1][0],), depth + 1)

    walk(data.get("stories"), ("stories",), 0)
    return found
