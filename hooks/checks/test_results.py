"""The check ``test-results``: the configured result files are readable, in a known format and current.

Reading is :mod:`govcell.load.results`; a result for a scenario that no longer
exists, or naming an AC the ledger lacks, is found when the results are matched
to the cell (:mod:`govcell.derive.matching`, ``Analysis.results``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govcell.derive.analysis import Analysis
    from govcell.diagnostics import Diagnostic


def check(analysis: Analysis) -> list[Diagnostic]:
    """The ``test-results`` check."""
    return list(analysis.results.diagnostics)
