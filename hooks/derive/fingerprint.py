"""Stable fingerprints of findings, so findings can be matched across commits.

A finding's position moves whenever a line is added above it, so positions are
no part of its identity.  Its fingerprint is the hash of

* its **code** (``ac.uncovered-kernel``),
* its **item**: the first cell ID its message names (``AC-X-001``, ``REQ-…``,
  ``US-…``, ``ADR-…``), else the file it is in, and
* its **message**, with positions written into it (``line 12``, ``x.feature:12:3``)
  and other free-standing numbers (sizes, counts) replaced by placeholders,

so an AC that moves within the ledger, or to another story, keeps its findings.
Two findings with the same fingerprint are matched one for one (a multiset): a
second copy of an old problem is new.

A *baseline file* records the fingerprints of accepted findings
(``govcell baseline``), for CI systems that have no history to compare with.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from govcell.diagnostics import Diagnostic, diag

if TYPE_CHECKING:
    from govcell.derive.analysis import Analysis
    from govcell.load.config import Config

BASELINE_FORMAT = "govcell.baseline/1"
DEFAULT_BASELINE = ".govcell-baseline.json"

_POSITIONS = [
    (re.compile(r"\b(lines?|col(?:umn)?s?)\s+\d+(?:\s*(?:-|–|and|to)\s*\d+)?", re.IGNORECASE), r"\1 N"),
    (re.compile(r"(\.[A-Za-z0-9]+):\d+(?::\d+)?\b"), r"\1:N"),
    # sizes and counts ("renders to 881598 bytes") move with every edit; IDs (AC-X-001) keep their digits
    (re.compile(r"(?<![\w.-])\d+(?:\.\d+)?(?![\w-])"), "N"),
]


def normalise_message(message: str) -> str:
    """The message without the positions written into it."""
    out = message
    for rx, repl in _POSITIONS:
        out = rx.sub(repl, out)
    return " ".join(out.split())


def id_pattern(config: Config | None) -> re.Pattern[str]:
    """A regex matching the cell's story, requirement, AC and ADR IDs."""
    if config is None:
        parts = [r"US-[A-Z0-9][A-Z0-9-]*", r"REQ-[A-Z0-9][A-Z0-9-]*", r"AC-[A-Z0-9][A-Z0-9-]*", r"ADR-[0-9]{4}"]
    else:
        ids = config.ids
        parts = [ids.story, ids.requirement, ids.ac, ids.adr]
    good = []
    for p in parts:
        try:
            re.compile(p)
        except re.error:
            continue
        good.append(f"(?:{p})")
    return re.compile(r"(?<![A-Za-z0-9_-])(?:" + "|".join(good) + r")(?![A-Za-z0-9_])")


def item_of(d: Diagnostic, ids: re.Pattern[str]) -> str:
    m = ids.search(d.message)
    return m.group(0).rstrip("-") if m else d.path


def fingerprint(d: Diagnostic, ids: re.Pattern[str]) -> str:
    """16 hex digits: code + item + message without positions."""
    text = "\0".join((d.code, item_of(d, ids), normalise_message(d.message)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def split_new(current: Iterable[Diagnostic], before: Iterable[Diagnostic] | Counter[str],
              ids: re.Pattern[str]) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(new, old): ``current`` findings whose fingerprint ``before`` lacks (counted one for one)."""
    left: Counter[str] = before.copy() if isinstance(before, Counter) \
        else Counter(fingerprint(d, ids) for d in before)
    new: list[Diagnostic] = []
    old: list[Diagnostic] = []
    for d in sorted(current, key=Diagnostic.sort_key):
        fp = fingerprint(d, ids)
        if left[fp] > 0:
            left[fp] -= 1
            old.append(d)
        else:
            new.append(d)
    return new, old


# --------------------------------------------------------------------------- baseline files


def baseline_text(found: Iterable[Diagnostic], ids: re.Pattern[str]) -> str:
    """The baseline document of ``found``: one entry per finding, sorted, diff-friendly."""
    entries = sorted(({"fingerprint": fingerprint(d, ids), "code": d.code, "item": item_of(d, ids),
                       "message": normalise_message(d.message)} for d in found),
                     key=lambda e: (e["code"], e["item"], e["message"], e["fingerprint"]))
    doc = {"format": BASELINE_FORMAT, "findings": entries}
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def read_baseline(text: str, path: str) -> tuple[Counter[str] | None, list[Diagnostic]]:
    """Fingerprints (counted) of a baseline file, or None and a finding when it cannot be used."""
    hint = f"regenerate it with `govcell baseline --output {path}`"
    try:
        doc = json.loads(text)
    except ValueError as exc:
        return None, [diag("baseline.invalid", f"{path} is not JSON: {exc}", path, 1, 1, hint=hint)]
    if not isinstance(doc, dict) or doc.get("format") != BASELINE_FORMAT or not isinstance(doc.get("findings"), list):
        return None, [diag("baseline.invalid", f"{path} is not a {BASELINE_FORMAT} document", path, 1, 1, hint=hint)]
    counts: Counter[str] = Counter()
    for entry in doc["findings"]:
        fp = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(fp, str):
            return None, [diag("baseline.invalid", f"{path}: an entry has no fingerprint", path, 1, 1, hint=hint)]
        counts[fp] += 1
    return counts, []


# --------------------------------------------------------------------------- only new findings


def baseline_counts(root: object, config_path: str | None, new_since: str | None, baseline: str | None,
                    findings: Callable[[Analysis], list[Diagnostic]], cache_as: str = "",
                    ) -> tuple[Counter[str] | None, str, list[Diagnostic]]:
    """The fingerprints findings are compared with: the findings at ``new_since``, or a baseline file.

    ``findings`` checks the cell at ``new_since`` (the caller's, ``govcell.report.revisions``:
    derive never runs the checks); ``cache_as`` names what it runs, and when given the
    fingerprints of a commit are kept in the shared cache (``govcell.derive.commit_cache``).

    Returns (counts, what they are, findings about the comparison itself); counts is
    None when there is nothing to compare with (then those findings say why).
    """
    from govcell.cell import Cell
    from govcell.derive.analysis import Analysis
    from govcell.derive.commit_cache import slot, volatile
    from govcell.load.git import git, in_git
    from govcell.load.sources import RevisionError, at_revision

    root_path = Path(str(root)).absolute()
    if baseline:
        return _from_file(root_path, baseline)
    assert new_since is not None
    if not in_git(root_path):
        return None, new_since, [diag("diff.not-git", f"--new-since {new_since}: {root} is not inside a git work "
                                      "tree", ".", hint="use --baseline FILE outside git")]
    try:
        source = at_revision(root_path, new_since)
    except RevisionError as exc:
        if git(root_path, "rev-parse", "--verify", "-q", "HEAD") is None:
            return Counter(), "an empty history (no commit yet)", []
        return None, new_since, [diag("diff.base-missing", f"--new-since {new_since}: {exc}", ".",
                                      hint="check the name; in a shallow clone fetch more history "
                                           "(`git fetch --unshallow`, or fetch-depth: 0 in CI), or use a "
                                           "committed baseline file (--baseline)")]
    cell = Cell(root_path, config_path, source=source)
    what = f"{new_since} ({source.label})"
    store, k = slot(cell, "new-since", cache_as)
    hit = store.get("new-since", k) if store is not None else None
    if isinstance(hit, dict):
        return Counter(hit), what, []
    ids = id_pattern(cell.config)
    try:
        found = findings(Analysis(cell))
    finally:
        from govcell.load.git import close_all

        close_all()
    counts = Counter(fingerprint(d, ids) for d in found)
    if store is not None and not volatile(d.code for d in found):
        store.put("new-since", k, dict(counts))
    return counts, what, []


def _from_file(root: Path, baseline: str) -> tuple[Counter[str] | None, str, list[Diagnostic]]:
    """The fingerprints of a committed baseline file (``--baseline FILE``)."""
    from govcell.load.text import read_text

    full = Path(baseline) if Path(baseline).is_absolute() else root / baseline
    if not full.is_file():
        return None, baseline, [diag("baseline.missing", f"no baseline file {baseline}", baseline,
                                     hint="write one with `govcell baseline --output FILE` and commit it")]
    read = read_text(full.parent, full.name, max_bytes=64 * 1024 * 1024, code="baseline")
    if read.text is None:
        return None, baseline, read.diagnostics
    counts, found = read_baseline(read.text, baseline)
    return counts, f"baseline {baseline}", found
