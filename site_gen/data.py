"""Everything the site shows, computed once per build from the kernel.

The site never re-derives what the kernel computed: every page reads the one
:class:`~govcell.derive.analysis.Analysis` of the cell (coverage, graph, policy
report, bundle budgets, ``govcell next``'s items), the findings of
``govcell.checks.run`` and the status document ``govcell status --json`` prints.
A derived computation that crashes is reported as a finding on the findings
page instead of breaking the build (the pages that need it are left out): the
site is most needed when the cell is broken.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.derive.analysis import Analysis
    from govcell.diagnostics import Diagnostic
    from govcell.formats.ledger import Ledger


def _status(analysis: Analysis) -> dict[str, Any]:
    from govcell.report.status import status_document

    return status_document(analysis)


#: name -> how the analysis gives the derived result (the names pages list in ``needs``)
PROVIDERS: dict[str, Callable[[Analysis], Any]] = {
    "features": lambda analysis: analysis.cell.features,
    "coverage": lambda analysis: analysis.coverage,
    "status": _status,
    "next": lambda analysis: analysis.next_items,
    "bundles": lambda analysis: analysis.budgets,
    "policy": lambda analysis: analysis.policy_report,
    "graph": lambda analysis: analysis.graph,
    "adrs": lambda analysis: analysis.cell.adrs,
}


@dataclasses.dataclass
class SiteData:
    """The analysed cell and every result computed from it, shared by all pages of one build."""

    analysis: Analysis
    findings: list[Diagnostic]
    ledger: Ledger | None
    derived: dict[str, Any]

    @property
    def cell(self) -> Cell:
        return self.analysis.cell

    def has(self, name: str) -> bool:
        return self.derived.get(name) is not None


def collect(analysis: Analysis) -> SiteData:
    """Run every check on the analysed cell, and take each derived result the pages show."""
    from govcell.checks import run
    from govcell.diagnostics import diag

    cell = analysis.cell
    findings = run(analysis)
    ledger = cell.ledger.model if cell.ledger.present else None
    derived: dict[str, Any] = {}
    for name, provide in PROVIDERS.items():
        try:
            derived[name] = provide(analysis)
        except Exception as exc:  # noqa: BLE001 - reported on the findings page, the build goes on
            findings.append(diag("site.data-error", f"could not compute {name}: {type(exc).__name__}: {exc}", ".",
                                 hint="this is a govcell bug, or the cell is too broken for this page; "
                                      "fix the other findings first"))
    return SiteData(analysis=analysis, findings=findings, ledger=ledger, derived=derived)



def start_history(root: str, config: str | None, last: int) -> Any:
    """The trend's history, computed in a child process from now on (None: no trend asked for).

    Started before the site loads its own cell: the history loads the cells of earlier
    commits, and doing that beside the loaded cell of a large repository doubled the
    build's peak memory (8k items: 413 MB against 238 MB with the history cached); in a
    child it also runs on the other core.  :func:`add_history` takes its result.
    """
    if last <= 0:
        return None
    from govcell.process import Later
    from govcell.report.revisions import history

    return Later(history, (root, config, last))


def add_history(data: SiteData, last: int, base: str | None, pending: Any = None) -> None:
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
            if pending is not None:
                status, doc = pending.result()
                if status != "ok":
                    raise _ChildFailed(doc)
            else:
                from govcell.report.revisions import history as compute

                doc = compute(str(cell.root), config, last)
            if doc["points"]:
                data.derived["history"] = doc
            elif outside_git(doc):
                return
        if base:
            from govcell.report.revisions import diff

            changes = diff(str(cell.root), config, base, None)
            if not outside_git(changes):
                data.derived["changes"] = changes
    except Exception as exc:  # noqa: BLE001 - reported on the findings page, the build goes on
        why = str(exc) if isinstance(exc, _ChildFailed) else f"{type(exc).__name__}: {exc}"
        data.findings.append(diag("site.data-error", f"could not compute the history: {why}", ".",
                                  hint="this is a govcell bug; please report it"))


class _ChildFailed(Exception):
    """The history's child process reported an error ("Type: message", as the parent would say it)."""
