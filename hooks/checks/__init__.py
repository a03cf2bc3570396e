"""The registry of checks, and the one function that runs any set of them.

Checks are named by their hook id and imported lazily from a ``module:function``
string, so a hook that runs one check never imports the others' dependencies.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from govcell.diagnostics import Diagnostic, apply_policy, diag

if TYPE_CHECKING:
    from govcell.cell import Cell

#: hook id -> "module:function"; the function takes a Cell and returns findings.
CHECKS: dict[str, str] = {
    "spec-ledger": "govcell.formats.ledger:check",
    "context-bundles": "govcell.derive.bundles:check",
    "policy-test": "govcell.checks.policy_test:check",
    "governance-graph": "govcell.derive.graph:check",
    "ac-tags": "govcell.checks.ac_tags:check",
    "feature-status": "govcell.derive.feature_status:check",
    "test-results": "govcell.load.results:check",
}


def resolve(name: str) -> Callable[[Cell], Iterable[Diagnostic]]:
    module, _, func = CHECKS[name].partition(":")
    check: Callable[[Cell], Iterable[Diagnostic]] = getattr(importlib.import_module(module), func)
    return check


def run(cell: Cell, names: Sequence[str] | None = None, *, strict: bool = False) -> list[Diagnostic]:
    """Run ``names`` (default: all) on ``cell``; config findings always come first.

    A check that crashes is itself reported (``internal.error``) so the other
    checks' findings are never lost; that is a govcell bug, never the user's.
    """
    chosen = list(names or CHECKS)
    # The status document, the site and `govcell check` may all ask in one
    # process: the cell is immutable once loaded, so its findings are too.
    memo: dict[tuple[tuple[str, ...], bool], list[Diagnostic]] = cell.__dict__.setdefault("_findings_memo", {})
    key = (tuple(chosen), bool(strict))
    if key in memo:
        return list(memo[key])
    memo[key] = _run(cell, chosen, strict)
    return list(memo[key])


def _run(cell: Cell, chosen: list[str], strict: bool) -> list[Diagnostic]:
    found: list[Diagnostic] = list(cell.config_diagnostics)
    for name in chosen:
        try:
            found.extend(resolve(name)(cell))
        except Exception as exc:  # noqa: BLE001 - last line of defence, reported as a finding
            found.append(diag("internal.error", f"check {name} failed: {type(exc).__name__}: {exc}", ".",
                              hint="this is a govcell bug; please report it with the file that triggered it"))
    if "ac-tags" in chosen and "governance-graph" in chosen:
        # One problem, one finding: the AC-tags check owns these when both run.
        from govcell.derive.graph import SHADOWED_BY_AC_TAGS

        found = [d for d in found if d.code not in SHADOWED_BY_AC_TAGS]
    if "context-bundles" in chosen and "governance-graph" in chosen:
        # One problem, one finding: the bundles check owns the contextpack's references.
        contextpack = cell.config.paths.contextpack
        found = [d for d in found if not (d.code == "graph.dangling-ref" and d.path == contextpack)]
    # One cause, one finding: an unreadable file is reported by every check that needs it.
    unique = list(dict.fromkeys(found))
    return apply_policy(unique, cell.config.severity, strict=strict or cell.config.strict)
