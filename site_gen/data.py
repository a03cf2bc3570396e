"""Everything the site shows, computed once per build from the kernel.

The site never re-implements a check: it asks ``hooks`` for the loaded cell,
the findings of ``govcell.checks.run`` and whatever derived results the kernel
offers (coverage, status document, bundle budgets, policy report, graph).
Derived results come from modules that land independently, so each is looked
up by name and is ``None`` when its module does not exist yet; a page that
needs it simply does not appear ("each page appears once its data does").
A derived computation that crashes is reported as a finding on the findings
page instead of breaking the build: the site is most needed when the cell is
broken.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.diagnostics import Diagnostic
    from govcell.formats.ledger import Ledger

#: name -> "module:attribute" of every derived result the site can render.
#: The attribute is called with the Cell; ``Cell.x`` names a property of the cell
#: itself that the module adds (the cell caches it for every other consumer).
PROVIDERS: dict[str, str] = {
    "features": "govcell.load.features:Cell.features",
    "coverage": "govcell.derive.coverage:Cell.coverage",
    "status": "govcell.report.status:status_document",
    "next": "govcell.derive.next_work:next_items",
    "bundles": "govcell.derive.bundles:budgets",
    "policy": "govcell.derive.policy.run:evaluate",
    "graph": "govcell.derive.graph:Cell.graph",
    "adrs": "govcell.load.adr:Cell.adrs",
}


def provider(name: str) -> Callable[[Cell], Any] | None:
    """The kernel function behind ``name``, or ``None`` when it has not landed yet.

    Only a missing *module* (or attribute) means "not available"; an import
    error inside an existing module is a bug and propagates.
    """
    module, _, attr = PROVIDERS[name].partition(":")
    if importlib.util.find_spec(module) is None:
        return None
    if attr.startswith("Cell."):
        from govcell.cell import Cell

        prop = attr.removeprefix("Cell.")
        return (lambda cell: getattr(cell, prop)) if hasattr(Cell, prop) else None
    func = getattr(importlib.import_module(module), attr, None)
    return func if callable(func) else None


@dataclasses.dataclass
class SiteData:
    """The cell and every result computed from it, shared by all pages of one build."""

    cell: Cell
    findings: list[Diagnostic]
    ledger: Ledger | None
    derived: dict[str, Any]

    def has(self, name: str) -> bool:
        return self.derived.get(name) is not None


def collect(cell: Cell, names: tuple[str, ...] | None = None) -> SiteData:
    """Load the cell once, run every check, and compute each available derived result."""
    from govcell.checks import run
    from govcell.diagnostics import diag

    findings = run(cell)
    ledger = cell.ledger.model if cell.ledger.present else None
    derived: dict[str, Any] = {}
    for name in names or tuple(PROVIDERS):
        func = provider(name)
        if func is None:
            continue
        try:
            derived[name] = func(cell)
        except Exception as exc:  # noqa: BLE001 - reported on the findings page, the build goes on
            findings.append(diag("site.data-error", f"could not compute {name}: {type(exc).__name__}: {exc}", ".",
                                 hint="this is a govcell bug, or the cell is too broken for this page; "
                                      "fix the other findings first"))
    return SiteData(cell=cell, findings=findings, ledger=ledger, derived=derived)


def add_history(data: SiteData, last: int, base: str | None) -> None:
    """The trend (``govcell history --last LAST``) and, with ``base``, the changes since it (``govcell diff``).

    Both come from the kernel and read git; a cell outside git has neither page.  A base git does
    not have gives the changes page its finding (``diff.base-missing``) instead of the diff.
    """
    from govcell.diagnostics import diag

    cell = data.cell
    config = cell.config_source if cell.config_source not in (".govcell.yaml", "pyproject.toml") else None

    def outside_git(doc: dict[str, Any]) -> bool:
        return any(d["code"] == "diff.not-git" for d in doc["diagnostics"])

    try:
        if last > 0:
            from govcell.derive.history import compute

            doc = compute(str(cell.root), config, last)
            if doc["points"]:
                data.derived["history"] = doc
            elif outside_git(doc):
                return
        if base:
            from govcell.derive.diff import compute as diff

            changes = diff(str(cell.root), config, base, None)
            if not outside_git(changes):
                data.derived["changes"] = changes
    except Exception as exc:  # noqa: BLE001 - reported on the findings page, the build goes on
        data.findings.append(diag("site.data-error", f"could not compute the history: {type(exc).__name__}: "
                                  f"{exc}", ".", hint="this is a govcell bug; please report it"))
