"""The shared body of every single-check hook (``govcell-<check>`` console scripts).

pre-commit passes the changed file names; govcell's checks are about the whole
cell (an AC in the ledger is orphaned by a change to a feature file), so the
names only decide whether there is anything to do, and the check then reads
the cell it needs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.diagnostics import Diagnostic


def add_common(parser: argparse.ArgumentParser) -> None:
    from govcell.report.findings import FORMATS

    parser.add_argument("--root", default=".", help="root of the cell (default: current directory)")
    parser.add_argument("--config", default=None, help="config file (default: .govcell.yaml or pyproject.toml)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--new-since", default=None, metavar="REF",
                       help="report only findings that are not already present at git revision REF")
    group.add_argument("--baseline", default=None, metavar="FILE",
                       help="report only findings that are not in this baseline file (`govcell baseline`)")


def hook_main(check: str | None, argv: Sequence[str] | None = None, *, prog: str | None = None) -> int:
    """Parse hook arguments, run one check (None: all of them), print findings, return 0 or 1."""
    name = prog or f"govcell-{check}"
    parser = argparse.ArgumentParser(prog=name, description=f"govcell {check or 'all checks'}")
    parser.add_argument("filenames", nargs="*", help="changed files (from pre-commit); the whole cell is checked")
    add_common(parser)
    args = parser.parse_args(argv)
    from govcell.process import no_cycle_gc

    with no_cycle_gc():
        return run_and_report(args.root, args.config, [check] if check else None, args.strict, args.format,
                              new_since=args.new_since, baseline=args.baseline)


def run_and_report(root: str, config: str | None, checks: Sequence[str] | None, strict: bool, fmt: str,
                   out: str | None = None, *, new_since: str | None = None, baseline: str | None = None) -> int:
    from govcell.cell import Cell
    from govcell.checks import run
    from govcell.derive.analysis import Analysis
    from govcell.diagnostics import exit_code
    from govcell.report.findings import render

    cell = Cell(root, config)
    if new_since or baseline:
        from govcell.derive.fingerprint import baseline_counts
        from govcell.load.sources import Later

        other = Later(baseline_counts, (cell.root, config, list(checks) if checks else None, new_since, baseline))
        found = run(Analysis(cell), checks, strict=strict)
        found = _only_new(cell, found, other.result())
    else:
        found = run(Analysis(cell), checks, strict=strict)
    text = render(found, fmt)
    if out:
        from govcell.write import cell_inputs, write_output

        problem = write_output(cell.root, out, text, what="report", inputs=cell_inputs(cell), outside_ok=True)
        if problem is not None:
            sys.stderr.write(render([problem], "text"))
            return 1
    elif text:
        sys.stdout.write(text)
    return exit_code(found)


def _only_new(cell: Cell, found: list[Diagnostic], other: object) -> list[Diagnostic]:
    """``found`` without the findings already present at ``--new-since`` (or in ``--baseline``)."""
    from govcell.diagnostics import diag
    from govcell.derive.fingerprint import id_pattern, split_new

    status, value = other  # type: ignore[misc]
    if status != "ok":
        return [diag("internal.error", f"cannot compute the findings to compare with: {value}", ".",
                     hint="this is a govcell bug; please report it")]
    counts, what, problems = value
    if counts is None:
        return problems  # type: ignore[no-any-return]
    new, old = split_new(found, counts, id_pattern(cell.config))
    if old:
        print(f"govcell: {len(old)} finding(s) already present in {what} not shown", file=sys.stderr)
    return problems + new  # type: ignore[no-any-return]
