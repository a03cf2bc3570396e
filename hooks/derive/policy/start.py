"""Starting the policy run: its child is forked before anything of the engine is imported.

``Analysis.start_policy_report`` starts the run while the command goes on with its other
checks; importing the evaluation's modules (the engine's context, fixtures, targets, the
report's models: 12 ms) is the child's work, not a delay on the command's path.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.derive.policy.model import PolicyReport


def build_report(cell: Cell) -> PolicyReport:
    """Every policy run on its fixtures and targets (see :func:`start_report`)."""
    return start_report(cell)()


def start_report(cell: Cell) -> Callable[[], PolicyReport]:
    """Start running every policy on its fixtures and targets, and every ``test_*`` rule; the
    returned function waits for the report.

    The engine runs in a child process with time and memory limits
    (``govcell.derive.policy.isolation``), so a policy that crashes or hangs it is a
    finding naming that policy, never the end of the whole run.  A cell read from
    git is run on a copy of the files it reads (``govcell.derive.policy.revision``).
    """
    from govcell.derive.policy.isolation import start_isolated

    if not cell.in_worktree:
        from govcell.derive.policy.revision import policy_report_at

        at = policy_report_at(cell, build_report)
        return lambda: at

    # The engine's errors carry a Rust backtrace when RUST_BACKTRACE is set (as it often is for Rust
    # developers): capturing one costs ~10 ms per error and govcell drops it, so it is off unless asked
    # for (set here, so children inherit it).
    os.environ.setdefault("RUST_LIB_BACKTRACE", "0")

    def run(only: str | None) -> PolicyReport:
        from govcell.derive.policy.run import evaluate

        return evaluate(cell, only)

    def names() -> list[tuple[str, str]]:
        from govcell.derive.policy.discover import policy_names

        return policy_names(cell)

    return start_isolated(cell, run, names)
