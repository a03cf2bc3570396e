"""The registry of checks, and the one function that runs any set of them.

Checks are named by their hook id and imported lazily from a ``module:function``
string, so a hook that runs one check never imports the others' dependencies.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from hooks.diagnostics import Diagnostic, apply_policy, diag

if TYPE_CHECKING:
    from hooks.cell import Cell

#: hook id -> "module:function"; the function takes a Cell and returns findings.
CHECKS: dict[str, str] = {
    "spec-ledger": "hooks.ledger:check",
    "context-bundles": "hooks.bundles:check",
}


def resolve(name: str) -> Callable[[Cell], Iterable[Diagnostic]]:
    module, _, func = CHECKS[name].partition(":")
    return getattr(importlib.import_module(module), func)  # type: ignore[no-any-return]


def run(cell: Cell, names: Sequence[str] | None = None, *, strict: bool = False) -> list[Diagnostic]:
    """Run ``names`` (default: all) on ``cell``; config findings always come first.

    A check that crashes is itself reported (``internal.error``) so the other
    checks' findings are never lost; that is a govcell bug, never the user's.
    """
    found: list[Diagnostic] = list(cell.config_diagnostics)
    for name in names or list(CHECKS):
        try:
            found.extend(resolve(name)(cell))
        except Exception as exc:  # noqa: BLE001 - last line of defence, reported as a finding
            found.append(diag("internal.error", f"check {name} failed: {type(exc).__name__}: {exc}", ".",
                              hint="this is a govcell bug; please report it with the file that triggered it"))
    return apply_policy(found, cell.config.severity, strict=strict or cell.config.strict)
