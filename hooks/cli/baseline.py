"""``govcell baseline``: record the cell's current findings, so checks with ``--baseline`` report only new ones."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from govcell.cli import options


def add_parser(sub: Any) -> None:
    from govcell.cli.check import check_name
    from govcell.derive.fingerprint import DEFAULT_BASELINE

    p = options.command(sub, "baseline", command,
                        help="record the current findings, so checks with --baseline report only new ones")
    p.add_argument("checks", nargs="*", type=check_name, help="check names (default: all)")
    options.out(p, "the baseline file", default=f"ROOT/{DEFAULT_BASELINE}")
    options.cell(p)


def command(args: argparse.Namespace) -> int:
    from govcell.cell import Cell
    from govcell.checks import run
    from govcell.derive.analysis import Analysis
    from govcell.derive.fingerprint import DEFAULT_BASELINE, baseline_text, id_pattern

    cell = Cell(args.root, args.config)
    found = run(Analysis(cell), args.checks or None)
    text = baseline_text(found, id_pattern(cell.config))
    if args.out == "-":
        sys.stdout.write(text)
        return 0
    if args.out is None:
        # The default place is the cell's own (where `--baseline .govcell-baseline.json` reads it).
        problem = options.write(text, str(cell.root / DEFAULT_BASELINE), what="baseline", cell=cell)
        shown = DEFAULT_BASELINE
    else:
        problem = options.write(text, args.out, what="baseline", cell=cell)
        shown = args.out
    if problem is not None:
        options.report_problems([problem])
        return 1
    print(f"{shown}: {len(found)} finding(s) recorded", file=sys.stderr)
    return 0
