"""Test results matched to the feature index: each scenario result gets its scenario.

A result that names a scenario which no longer exists is *stale* (``results.stale``),
one that names an AC the ledger lacks is ``results.unknown-ac``: both say the
results predate a change of the repository.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from govcell.diagnostics import Diagnostic, Severity, diag
from govcell.load.results import ResultSet, TestResult

if TYPE_CHECKING:
    from govcell.formats.ledger import Ledger
    from govcell.load.features import FeatureIndex, Scenario
    from govcell.load.validate import Loaded


def match_results(read: ResultSet, features: FeatureIndex, ledger: Loaded[Ledger]) -> ResultSet:
    """``read`` with every scenario result attached to its scenario, and the stale ones reported."""
    model = ledger.model
    ac_ids = {ac.id for _, _, ac in model.iter_acs()} if model is not None else None
    matched, stale = match_scenarios(read.results, features, ac_ids)
    return ResultSet(read.files, matched, [*read.diagnostics, *stale])


def _resolve_feature(recorded: str, paths: list[str]) -> str | None:
    """The index path a recorded feature path means: exact, else by path suffix, else unique basename."""
    if not recorded:
        return None
    rec = re.sub(r"^(\./)+", "", recorded.replace("\\", "/"))
    if rec in paths:
        return rec
    suffix = [p for p in paths if p.endswith("/" + rec) or rec.endswith("/" + p)]
    if len(suffix) == 1:
        return suffix[0]
    base = rec.rsplit("/", 1)[-1]
    same = [p for p in paths if p.rsplit("/", 1)[-1] == base]
    return same[0] if len(same) == 1 else None


def match_scenarios(results: list[TestResult], index: FeatureIndex,
                    ac_ids: set[str] | None) -> tuple[list[TestResult], list[Diagnostic]]:
    """Attach each scenario result to its scenario; report results naming what no longer exists."""
    paths = [f.path for f in index.files]
    by_file: dict[str, dict[int, Scenario]] = {f.path: {s.line: s for s in f.scenarios} for f in index.files}
    by_name: dict[str, dict[str, Scenario]] = {f.path: {s.name: s for s in f.scenarios} for f in index.files}
    out: list[TestResult] = []
    gone: dict[str, list[str]] = {}
    unknown: dict[str, set[str]] = {}
    for r in results:
        if r.feature:
            path = _resolve_feature(r.feature, paths)
            sc = None
            if path is not None:
                sc = by_file[path].get(r.line) or by_name[path].get(r.name)
            if sc is None:
                gone.setdefault(r.source, []).append(f"{r.feature}:{r.line} '{r.name}'")
            else:
                r = dataclasses.replace(r, scenario=sc, acs=tuple(sorted(set(r.acs) | set(sc.ac_ids))))
        if ac_ids is not None:
            missing = [a for a in r.acs if a not in ac_ids]
            if missing:
                unknown.setdefault(r.source, set()).update(missing)
        out.append(r)
    found: list[Diagnostic] = []
    for source, items in sorted(gone.items()):
        shown = ", ".join(items[:3]) + (f" and {len(items) - 3} more" if len(items) > 3 else "")
        found.append(diag("results.stale", f"{source}: {len(items)} result(s) for scenarios that no longer exist: "
                                           f"{shown}", source, severity=Severity.WARNING,
                          hint="the results predate a change to the feature files; run the tests again"))
    for source, acs in sorted(unknown.items()):
        found.append(diag("results.unknown-ac", f"{source}: results name AC(s) not in the ledger: "
                                                f"{', '.join(sorted(acs))}", source, severity=Severity.WARNING,
                          hint="the results predate a change to the ledger; run the tests again"))
    return out, found
