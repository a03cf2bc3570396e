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


def add_common(parser: argparse.ArgumentParser) -> None:
    from hooks.reporters import FORMATS

    parser.add_argument("--root", default=".", help="root of the cell (default: current directory)")
    parser.add_argument("--config", default=None, help="config file (default: .govcell.yaml or pyproject.toml)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")


def hook_main(check: str | None, argv: Sequence[str] | None = None, *, prog: str | None = None) -> int:
    """Parse hook arguments, run one check (None: all of them), print findings, return 0 or 1."""
    name = prog or f"govcell-{check}"
    parser = argparse.ArgumentParser(prog=name, description=f"govcell {check or 'all checks'}")
    parser.add_argument("filenames", nargs="*", help="changed files (from pre-commit); the whole cell is checked")
    add_common(parser)
    args = parser.parse_args(argv)
    from hooks.runtime import no_cycle_gc

    with no_cycle_gc():
        return run_and_report(args.root, args.config, [check] if check else None, args.strict, args.format)


def run_and_report(root: str, config: str | None, checks: Sequence[str] | None, strict: bool, fmt: str,
                   out: str | None = None) -> int:
    from hooks.cell import Cell
    from hooks.checks import run
    from hooks.diagnostics import exit_code
    from hooks.reporters import render

    cell = Cell(root, config)
    found = run(cell, checks, strict=strict)
    text = render(found, fmt)
    if out:
        from hooks.fsutil import cell_inputs, write_output

        problem = write_output(cell.root, out, text, what="report", inputs=cell_inputs(cell), outside_ok=True)
        if problem is not None:
            sys.stderr.write(render([problem], "text"))
            return 1
    elif text:
        sys.stdout.write(text)
    return exit_code(found)
