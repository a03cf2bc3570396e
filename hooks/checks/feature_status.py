"""The check ``feature-status``: the committed ``docs/feature_status.md`` is what the cell renders to.

Rendering is :mod:`govcell.derive.feature_status` (from the ledger and the
feature files, never test results); a report in another format than
``feature_status.format`` is named, never compared line by line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govcell.diagnostics import Diagnostic, diag
from govcell.derive.feature_status import FORMAT_NAMES, current, foreign_format, placement_problem, render

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
    committed = current(cell)
    foreign = foreign_format(cell, committed)
    if foreign is not None:
        configured = cell.config.feature_status.format
        hint = ("set feature_status.format: xtask to keep it in its format, or run `govcell feature-status "
                "--convert` to replace it with govcell's report" if foreign == "xtask" else
                f"run `govcell feature-status --convert` to replace it with {FORMAT_NAMES[configured]}, or set "
                "feature_status.format (or paths.feature_status) so govcell leaves it alone")
        return [diag("feature-status.foreign-format", f"{rel} is {FORMAT_NAMES[foreign]}, not "
                     f"{FORMAT_NAMES[configured]} (feature_status.format: {configured}); govcell does not rewrite "
                     "it", rel, 1, 1, hint=hint)]
    if committed is None or committed == render(cell, analysis.coverage):
        # A cell that has no report yet has not adopted it; the fixer hook creates it.
        return []
    return [diag("feature-status.stale", f"{rel} is out of date", rel,
                 hint="run `govcell feature-status` (or the feature-status hook) and commit the result")]
