"""Is a user-supplied regular expression safe to run on hostile text?

ID patterns come from the config, which a pull request can change, and they
are matched against IDs and tags that a pull request writes too.  Python's
``re`` backtracks, so ``(A+)+$`` on thirty ``A``\\ s and a ``!`` runs for ever,
and ``[A-Z]*[A-Z]*[A-Z]*x`` is cubic in the ID's length.  :func:`unsafe_reason`
decides from the parsed pattern alone (``re._parser``: no timing, so the
verdict is the same on every machine and under any load), before the pattern is
ever used, and refuses:

* nested repetition (a repeated group that itself repeats) and repeated
  alternations (``(a|a)*``): both exponential; and backreferences;
* more than :data:`MAX_UNBOUNDED` unbounded repeats;
* two variable-length parts one after the other that can match the same
  characters (``[A-Z]*[A-Z]*``, ``\\w+_?\\w+``, ``.*=.*``), unless something
  between them must match a character neither can: each way of sharing a text
  between them is tried, so the time grows as a power of the text's length.

What is left is linear per match attempt: every ID and tag govcell matches is
bounded (:data:`MAX_ID_LENGTH`, 256 characters for tags), so a search over one
stays quadratic at worst.  The analysis is conservative: a pattern it refuses
may be harmless in fact, and the finding's hint names a safe shape.
"""

from __future__ import annotations

import dataclasses
from typing import Any

MAX_UNBOUNDED = 4
#: IDs and tags longer than this are never matched against a user's pattern (an over-long ID is a finding
#: of its own; tags are bounded at 256 characters, see govcell.load.features).
MAX_ID_LENGTH = 200
#: A part whose length may vary by more than this is "variable" (``*``, ``+``, ``{0,100}``); shorter
#: choices (``?``, ``{1,3}``) multiply the work by a constant, never by a power of the length.
_SPAN = 16
#: Characters as sets of code points: ASCII as itself, anything else as this one stand-in.
_OTHER = -1
_ASCII = frozenset(range(128))
_ALL = _ASCII | {_OTHER}
_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")


def unsafe_reason(pattern: str) -> str | None:
    """Why ``pattern`` could backtrack catastrophically, or None.  Invalid patterns are None (re says why)."""
    import re

    try:
        # re's parser is private: typeshed has no stub for re._parser / re._constants
        from re import _parser as sre_parse  # type: ignore[attr-defined]
        from re._constants import MAXREPEAT  # type: ignore[import-not-found]
        re.compile(pattern)
        tree = sre_parse.parse(pattern)
    except (re.error, ImportError, RecursionError, OverflowError, ValueError):
        return None
    counts = {"unbounded": 0}
    why = _walk(tree, counts, inside_repeat=False, maxrepeat=MAXREPEAT)
    if why:
        return why
    if counts["unbounded"] > MAX_UNBOUNDED:
        return f"it has {counts['unbounded']} unbounded repeats (at most {MAX_UNBOUNDED})"
    try:
        _Overlaps(MAXREPEAT).sequence(list(tree))
    except _Ambiguous as found:
        return str(found)
    return None


def _walk(items: Any, counts: dict[str, int], *, inside_repeat: bool, maxrepeat: int) -> str | None:
    for op, av in items:
        name = str(op)
        if name in ("GROUPREF", "GROUPREF_EXISTS"):
            return "it uses a backreference"
        if name in _REPEATS:
            _lo, hi, sub = av
            repeats = hi > 1
            if repeats and inside_repeat:
                return "it nests one repetition inside another (exponential backtracking)"
            if hi == maxrepeat:
                counts["unbounded"] += 1
            why = _walk(sub, counts, inside_repeat=inside_repeat or repeats, maxrepeat=maxrepeat)
            if why:
                return why
        elif name == "SUBPATTERN":
            why = _walk(av[-1], counts, inside_repeat=inside_repeat, maxrepeat=maxrepeat)
            if why:
                return why
        elif name == "BRANCH":
            if inside_repeat and len(av[1]) > 1:
                return "it repeats an alternation (exponential backtracking when the branches overlap)"
            for branch in av[1]:
                why = _walk(branch, counts, inside_repeat=inside_repeat, maxrepeat=maxrepeat)
                if why:
                    return why
        elif name in ("ASSERT", "ASSERT_NOT", "ATOMIC_GROUP"):
            why = _walk(av[-1] if name != "ATOMIC_GROUP" else av, counts, inside_repeat=inside_repeat,
                        maxrepeat=maxrepeat)
            if why:
                return why
    return None


# ----------------------------------------------------------------------------- competing parts


class _Ambiguous(Exception):
    """Two variable parts of one sequence can share a text (internal: ends the analysis with its reason)."""


@dataclasses.dataclass(frozen=True)
class _Part:
    """What one item of a sequence can match: its characters and how long it can be (None: unbounded)."""

    chars: frozenset[int]
    low: int
    high: int | None

    @property
    def variable(self) -> bool:
        return self.high is None or self.high - self.low > _SPAN


class _Overlaps:
    """Summarises every item of the parsed pattern, checking each sequence on the way (sub-sequences first)."""

    def __init__(self, maxrepeat: int) -> None:
        self.maxrepeat = maxrepeat

    def sequence(self, items: list[Any]) -> _Part:
        parts = [self.item(op, av) for op, av in items]
        _check(parts)
        chars: frozenset[int] = frozenset().union(*(p.chars for p in parts))
        low = sum(p.low for p in parts)
        highs = [p.high for p in parts]
        return _Part(chars, low, None if None in highs else sum(h for h in highs if h is not None))

    def item(self, op: Any, av: Any) -> _Part:
        name = str(op)
        if name == "LITERAL":
            return _Part(_fold({_code(av)}), 1, 1)
        if name == "NOT_LITERAL":
            return _Part(_ALL - {_code(av)}, 1, 1)
        if name == "ANY":
            return _Part(_ALL, 1, 1)
        if name == "IN":
            return _Part(_fold(_in(av)), 1, 1)
        if name in _REPEATS:
            lo, hi, sub = av
            inner = self.sequence(list(sub))
            high = None if hi == self.maxrepeat or inner.high is None else hi * inner.high
            return _Part(inner.chars, lo * inner.low, high)
        if name == "SUBPATTERN":
            return self.sequence(list(av[-1]))
        if name == "ATOMIC_GROUP":
            return self.sequence(list(av))
        if name == "BRANCH":
            branches = [self.sequence(list(b)) for b in av[1]]
            highs = [b.high for b in branches]
            return _Part(frozenset().union(*(b.chars for b in branches)), min(b.low for b in branches),
                         None if None in highs else max(h for h in highs if h is not None))
        if name in ("ASSERT", "ASSERT_NOT"):
            self.sequence(list(av[-1]))
        return _Part(frozenset(), 0, 0)  # anchors, lookarounds: they consume nothing


def _check(parts: list[_Part]) -> None:
    """Refuse two variable parts that can match the same characters with nothing required between them
    that neither of them can match (each split of a text between them is then a way to fail)."""
    variable = [i for i, p in enumerate(parts) if p.variable]
    for n, i in enumerate(variable):
        for j in variable[n + 1:]:
            shared = parts[i].chars & parts[j].chars
            if shared and not any(p.low > 0 and not (p.chars & shared) for p in parts[i + 1:j]):
                raise _Ambiguous("two repeats can match the same text one after the other "
                                 "(polynomial backtracking)")


def _code(value: int) -> int:
    return value if value < 128 else _OTHER


def _fold(chars: set[int] | frozenset[int]) -> frozenset[int]:
    """With both cases of each ASCII letter (tags are also searched ignoring case)."""
    out = set(chars)
    for c in chars:
        if 65 <= c <= 90 or 97 <= c <= 122:
            out.add(c ^ 0x20)
    return frozenset(out)


def _in(av: Any) -> frozenset[int]:
    """The characters of a class ``[...]`` (negated classes: the rest)."""
    chars: set[int] = set()
    negate = False
    for op, arg in av:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            chars.add(_code(arg))
        elif name == "RANGE":
            lo, hi = arg
            chars.update(range(lo, min(hi, 127) + 1))
            if hi >= 128:
                chars.add(_OTHER)
        elif name == "CATEGORY":
            chars |= _category(str(arg))
    return _ALL - chars if negate else frozenset(chars)


def _category(name: str) -> frozenset[int]:
    digits = frozenset(range(48, 58))
    word = digits | frozenset(range(65, 91)) | frozenset(range(97, 123)) | {95}
    space = frozenset(b" \t\n\r\f\v")
    base = digits if "DIGIT" in name else word if "WORD" in name else space if "SPACE" in name else _ASCII
    base = base | {_OTHER}  # Unicode digits, letters and spaces beyond ASCII
    return _ALL - base | {_OTHER} if "NOT" in name else base
