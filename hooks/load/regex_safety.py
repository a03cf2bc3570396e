"""Is a user-supplied regular expression safe to run on hostile text?

ID patterns come from the config, which a pull request can change, and they
are matched against IDs and tags that a pull request writes too.  Python's
``re`` backtracks, so ``(A+)+$`` on thirty ``A``\\ s and a ``!`` runs for ever,
and ``[A-Z]*[A-Z]*[A-Z]*x`` is cubic in the ID's length.  :func:`unsafe_reason`
refuses, before the pattern is ever used:

* nested repetition (a repeated group that itself repeats) and repeated
  alternations (``(a|a)*``): both exponential; and backreferences;
* more than :data:`MAX_UNBOUNDED` unbounded repeats;
* and, for what is left, any pattern that takes measurably long on "pumped"
  probes (its repeats filled with text they accept, then a character that
  makes the match fail) of growing length: polynomial backtracking shows up
  as a steep growth long before it hurts.
"""

from __future__ import annotations

import time
from typing import Any

MAX_UNBOUNDED = 4
#: IDs and tags longer than this are never matched against a user's pattern (an over-long ID is a finding
#: of its own; tags are bounded at 256 characters, see govcell.load.features): the probes below show a pattern
#: is fast up to 1,024 characters, so every match stays well inside what was measured, whatever
#: polynomial the pattern hides.
MAX_ID_LENGTH = 200
#: probe lengths (doubling, so the last probe costs at most 2**MAX_UNBOUNDED times the budget), and the
#: time a probe may take before the pattern is judged to backtrack.  Probing past 4x the longest text
#: ever matched would only measure the machine's load (a linear pattern takes microseconds at 1,024).
_LENGTHS = (8, 16, 32, 64, 128, 256, 512, 1024)
_BUDGET_S = 0.005


def unsafe_reason(pattern: str) -> str | None:
    """Why ``pattern`` could backtrack catastrophically, or None.  Invalid patterns are None (re says why)."""
    import re

    try:
        # re's parser is private: typeshed has no stub for re._parser / re._constants
        from re import _parser as sre_parse  # type: ignore[attr-defined]
        from re._constants import MAXREPEAT  # type: ignore[import-not-found]
        compiled = re.compile(pattern)
        tree = sre_parse.parse(pattern)
    except (re.error, ImportError, RecursionError, OverflowError, ValueError):
        return None
    counts = {"unbounded": 0}
    why = _walk(tree, counts, inside_repeat=False, maxrepeat=MAXREPEAT)
    if why:
        return why
    if counts["unbounded"] > MAX_UNBOUNDED:
        return f"it has {counts['unbounded']} unbounded repeats (at most {MAX_UNBOUNDED})"
    per_repeat = max(1, counts["unbounded"])
    for n in _LENGTHS:
        for probe in _probes(tree, max(1, n // per_repeat), MAXREPEAT):
            started = time.perf_counter()
            compiled.fullmatch(probe)
            compiled.search(probe)
            if time.perf_counter() - started > _BUDGET_S:
                return f"it backtracks: matching a {len(probe)}-character text takes too long"
    return None


_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")


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


def _sample(items: Any, n: int, maxrepeat: int) -> str:
    """A text the pattern's items accept, each repeat filled ``n`` times (capped by its maximum)."""
    out: list[str] = []
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(av))
        elif name == "NOT_LITERAL":
            out.append("a" if av != ord("a") else "b")
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            out.append(_class_member(av))
        elif name in _REPEATS:
            lo, hi, sub = av
            count = max(lo, min(n, hi if hi != maxrepeat else n))
            out.append(_sample(sub, n, maxrepeat) * min(count, 4096))
        elif name == "SUBPATTERN":
            out.append(_sample(av[-1], n, maxrepeat))
        elif name == "BRANCH":
            out.append(_sample(av[1][0], n, maxrepeat))
        elif name == "ATOMIC_GROUP":
            out.append(_sample(av, n, maxrepeat))
    return "".join(out)


def _class_member(av: Any) -> str:
    for op, arg in av:
        name = str(op)
        if name == "LITERAL":
            return chr(arg)
        if name == "RANGE":
            return chr(arg[0])
        if name == "CATEGORY":
            cat = str(arg)
            return "0" if "DIGIT" in cat and "NOT" not in cat else " " if "SPACE" in cat and "NOT" not in cat else "a"
    return "a"


def _probes(tree: Any, n: int, maxrepeat: int) -> list[str]:
    body = _sample(tree, n, maxrepeat)
    return [body + tail for tail in ("\x00", "!", "~ ")]
