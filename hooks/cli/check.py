"""``govcell check``: run the checks on the cell and report the findings (also each hook's body).

pre-commit passes the changed file names; govcell's checks are about the whole
cell (an AC in the ledger is orphaned by a change to a feature file), so a
hook's names only decide whether there is anything to do, and the check then
reads the cell it needs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from govcell.cli import options

if TYPE_CHECKING:
    from collections import Counter

    from govcell.cell import Cell
    from govcell.derive.analysis import Analysis
    from govcell.diagnostics import Diagnostic


def add_parser(sub: Any) -> None:
    p = options.command(sub, "check", command, help="run checks on the cell (default: all)")
    p.add_argument("checks", nargs="*", type=check_name, help="check names (see `govcell check --list`)")
    p.add_argument("--list", action="store_true", help="list the checks and exit")
    options.findings(p)
    options.out(p, "the report")


def check_name(value: str) -> str:
    """An argparse ``type``: a known check's name (a usage error, with the known ones, otherwise)."""
    from govcell.checks import CHECKS

    if value not in CHECKS:
        raise argparse.ArgumentTypeError(f"unknown check {value!r}; known: {', '.join(CHECKS)}")
    return value


def command(args: argparse.Namespace) -> int:
    from govcell.checks import CHECKS

    if args.list:
        sys.stdout.write("".join(f"{name}\n" for name in CHECKS))
        return 0
    return run_and_report(args.root, args.config, args.checks or None, args.strict, args.format, args.out,
                          new_since=args.new_since, baseline=args.baseline)


def run_and_report(root: str, config: str | None, checks: Sequence[str] | None, strict: bool, fmt: str,
                   out: str | None = None, *, new_since: str | None = None, baseline: str | None = None,
                   analysis: Analysis | None = None) -> int:
    """Run ``checks`` (None: all) on the cell at ``root``, print or write the findings; 1 when any is an error.

    ``analysis``: the cell at ``root`` already analysed (several hooks' answers computed in one process,
    :mod:`govcell.entry.replay`).
    """
    if analysis is None:
        from govcell.process import in_console_script

        if in_console_script():
            from govcell.load.head_start import start

            start(root, config)  # the spec files' YAML parsed on the other core while pydantic is imported
    from govcell.cell import Cell
    from govcell.checks import CHECKS, run
    from govcell.derive.analysis import Analysis
    from govcell.diagnostics import exit_code
    from govcell.report.findings import render

    if analysis is None:
        analysis = Analysis(Cell(root, config))
    cell = analysis.cell
    chosen = [CHECKS[name] for name in (checks or CHECKS)]
    if any(c.lists_files for c in chosen):
        analysis.start_listing()  # git lists the files on the other core while the spec files are read
    if any(c.reads_features for c in chosen):
        cell.prefetch_features()
    if new_since or baseline:
        from govcell.load.git import close_all
        from govcell.report.revisions import baseline_counts
        from govcell.process import Later

        other = Later(baseline_counts, (cell.root, config, list(checks) if checks else None, new_since, baseline),
                      close_all)
        found = run(analysis, checks, strict=strict, aside=True)
        found = _only_new(cell, found, other.result())
    else:
        found = run(analysis, checks, strict=strict, aside=True)
    from govcell.process import retain

    retain(analysis)  # done with it: never freed node by node before the exit (see retain)
    if options.findings_out(found, render(found, fmt), fmt, out, cell=cell):
        return 1
    return exit_code(found)


def _only_new(cell: Cell, found: list[Diagnostic], other: object) -> list[Diagnostic]:
    """``found`` without the findings already present at ``--new-since`` (or in ``--baseline``).

    ``other`` is the ``Later`` result of ``baseline_counts``: ``("ok", (counts, what, problems))`` or an error.
    """
    from govcell.derive.fingerprint import id_pattern, split_new
    from govcell.diagnostics import diag

    status, value = cast("tuple[str, Any]", other)
    if status != "ok":
        return [diag("internal.error", f"cannot compute the findings to compare with: {value}", ".",
                     hint="this is a govcell bug; please report it")]
    compared: tuple[Counter[str] | None, str, list[Diagnostic]] = value  # what baseline_counts returns
    counts, what, problems = compared
    if counts is None:
        return problems
    new, old = split_new(found, counts, id_pattern(cell.config))
    if old:
        print(f"govcell: {len(old)} finding(s) already present in {what} not shown", file=sys.stderr)
    return problems + new
