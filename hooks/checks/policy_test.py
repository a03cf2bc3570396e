"""The ``policy-test`` check: every policy on its fixtures and targets (``govcell.derive.policy.run``).

A policy fed the built-in input ``changes`` that reads ``input.diff`` gets the governance
diff of the change (``govcell.derive.diff``): it is computed here, above the derivations,
and handed to the ``changes`` input (``govcell.derive.scope``) before the policies run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.diagnostics import Diagnostic


def check(cell: Cell) -> list[Diagnostic]:
    from govcell.derive.policy.run import check as run_policies
    from govcell.derive.scope import cell_changes, reads_diff, wants_changes

    if wants_changes(cell) and cell.source.kind == "worktree" and reads_diff(cell):
        from govcell.derive.diff import compute

        config = cell.config_source if cell.config_source not in (".govcell.yaml", "pyproject.toml") else None
        cell_changes(cell, lambda base, head: compute(str(cell.root), config, base, head))
    return run_policies(cell)
