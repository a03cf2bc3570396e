"""The check ``policy-test``: every Rego policy compiles, behaves on its fixtures and passes its tests.

The policies are run once per analysis (``Analysis.policy_report``, :mod:`govcell.derive.policy.run`,
in a child process with time and memory limits); this check is that report's findings.

A policy fed the built-in input ``changes`` that reads ``input.diff`` gets the governance
diff of the change (``govcell.derive.diff``): it is computed here, above the derivations
(the checks of its two sides are this registry's, passed in: derive never imports the
checks), and handed to the ``changes`` input (``govcell.derive.scope``) before the policies run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govcell.derive.analysis import Analysis
    from govcell.diagnostics import Diagnostic


def check(analysis: Analysis) -> list[Diagnostic]:
    """The ``policy-test`` check."""
    from govcell.derive.scope import cell_changes, reads_diff, wants_changes

    cell = analysis.cell
    if wants_changes(cell) and cell.source.kind == "worktree" and reads_diff(cell):
        from govcell.checks import run
        from govcell.derive.diff import DIFF_CHECKS, compute

        def findings(side: Analysis) -> list[Diagnostic]:
            return run(side, list(DIFF_CHECKS))

        config = cell.config_source if cell.config_source not in (".govcell.yaml", "pyproject.toml") else None
        cell_changes(cell, lambda base, head: compute(str(cell.root), config, base, head, findings=findings,
                                                      cache_as="checks:" + ",".join(DIFF_CHECKS)))
    return list(analysis.policy_report.diagnostics)
