"""The check ``feature-status``: the committed ``docs/feature_status.md`` is what the cell renders to.

Rendering is :mod:`govcell.derive.feature_status` (from the ledger and the
feature files, never test results); a report in another format than
``feature_status.format`` is named, never compared line by line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govcell.diagnostics import Diagnostic, diag
from govcell.derive.feature_status import committed, foreign_format, foreign_format_finding, placement_problem, render

if TYPE_CHECKING:
    from govcell.derive.analysis import Analysis


def check(analysis: Analysis) -> list[Diagnostic]:
    """The ``feature-status`` check: the committed report is what the cell renders to."""
    cell = analysis.cell
    rel = cell.config.paths.feature_status
    if cell.config.feature_status.format == "off":
        return []
    problem = placement_problem(cell)
    if problem is not None:
        return [problem]
    if cell.ledger.unreadable:
        return cell.ledger.causes()  # the report cannot be judged, and is never rewritten from nothing
    current = committed(cell)
    foreign = foreign_format(cell, current)
    if foreign is not None:
        return [foreign_format_finding(cell, foreign)]
    if current is None or current == render(cell, analysis.coverage):
        # A cell that has no report yet has not adopted it; the fixer hook creates it.
        return []
    return [diag("feature-status.stale", f"{rel} is out of date", rel,
                 hint="run `govcell feature-status` (or the feature-status hook) and commit the result")]
