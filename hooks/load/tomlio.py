"""One table of a TOML file, located: its plain data and the line and column of every key in it.

``[tool.govcell]`` in ``pyproject.toml`` is validated by the same code as a YAML
file (:func:`govcell.load.validate.validate`), so it is handed over as the YAML
loader hands its files: a :class:`~govcell.load.yamlio.LoadedYaml`.  ``tomllib``
parses but records no positions, so they are found by scanning the lines: table
headers (``[a.b]``, ``[[a.b]]``) and ``key = value`` lines, dotted and quoted keys
included.  Lines inside a multi-line string are never taken for keys;
a position not found (an element of an inline array) falls back to the deepest
key that holds it, as in YAML.
"""

from __future__ import annotations

import re
from typing import Any

from govcell.diagnostics import diag
from govcell.load.yamlio import LoadedYaml

_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = rf"{_PART}(?:\s*\.\s*{_PART})*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(rf"^\s*({_DOTTED})\s*=\s*")
_PARTS = re.compile(_PART)

Marks = dict[tuple[Any, ...], tuple[int, int]]


def load_table(text: str, path: str, table: tuple[str, ...], *, prefix: str) -> LoadedYaml:
    """``table`` of the TOML ``text`` of ``path``, located (``present=False`` when the file has no such table).

    Text that is not TOML is a ``<prefix>.syntax`` finding."""
    import tomllib

    try:
        data: Any = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as exc:
        return LoadedYaml(path, None, diagnostics=[diag(f"{prefix}.syntax", f"cannot read {path}: {exc}",
                                                        path, 1, 1)])
    for name in table:
        data = data.get(name) if isinstance(data, dict) else None
    if data is None:
        return LoadedYaml(path, None, present=False)
    marks, key_marks = positions(text, table)
    return LoadedYaml(path, data, marks, key_marks)


def positions(text: str, table: tuple[str, ...]) -> tuple[Marks, Marks]:
    """Where each key under ``table`` is written: (value marks, key marks), paths relative to ``table``.

    The table's own path ``()`` is the first header inside it."""
    marks: Marks = {}
    key_marks: Marks = {}
    header: tuple[Any, ...] = ()
    arrays: dict[tuple[Any, ...], int] = {}
    closing = ""  # the delimiter that ends the multi-line value being skipped
    for number, line in enumerate(text.splitlines(), 1):
        if closing:
            if line.count(closing) % 2 == 1:
                closing = ""
            continue
        m = _HEADER.match(line)
        if m:
            header = _parts(m.group(2))
            if m.group(1) == "[[":
                arrays[header] = arrays.get(header, -1) + 1
                header += (arrays[header],)
            _mark(marks, key_marks, table, header, (number, m.start(2) + 1), (number, m.start(2) + 1))
            continue
        m = _KEY.match(line)
        if not m:
            continue
        _mark(marks, key_marks, table, header + _parts(m.group(1)), (number, m.end() + 1), (number, m.start(1) + 1))
        closing = _opens(line[m.end():])
    return marks, key_marks


def _mark(marks: Marks, key_marks: Marks, table: tuple[str, ...], full: tuple[Any, ...],
          value: tuple[int, int], key: tuple[int, int]) -> None:
    if full[:len(table)] != table:
        return
    loc = full[len(table):]
    marks.setdefault((), key)
    marks.setdefault(loc, value)
    key_marks.setdefault(loc, key)


def _parts(dotted: str) -> tuple[str, ...]:
    import json

    out = []
    for part in _PARTS.findall(dotted):
        if part.startswith('"'):
            try:
                part = json.loads(part)  # TOML's basic-string escapes, bar \U, are JSON's
            except ValueError:
                part = part[1:-1]
        elif part.startswith("'"):
            part = part[1:-1]
        out.append(part)
    return tuple(out)


def _opens(value: str) -> str:
    """The delimiter of a multi-line string that ``value`` opens and leaves open, or "".

    (The lines of a multi-line array are never taken for keys: an element is not ``key =``.)"""
    for quote in ('"""', "'''"):
        if value.startswith(quote) and value.count(quote) % 2 == 1:
            return quote
    return ""
