"""The check ``policy-test``: every Rego policy compiles, behaves on its fixtures and passes its tests.

The policies are run once per analysis (``Analysis.policy_report``, :mod:`govcell.derive.policy.run`,
in a child process with time and memory limits); this check is that report's findings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govcell.derive.analysis import Analysis
    from govcell.diagnostics import Diagnostic


def check(analysis: Analysis) -> list[Diagnostic]:
    """The ``policy-test`` check."""
    return list(analysis.policy_report.diagnostics)
