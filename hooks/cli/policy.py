"""``govcell policy test``: the policy report (see :mod:`govcell.report.policy` for its formats)."""

from __future__ import annotations

import argparse
from typing import Any

from govcell.cli import options


def add_parser(sub: Any) -> None:
    from govcell.report.policy import FORMATS

    p = sub.add_parser("policy", help="run the Rego policies (fixtures, targets, test_* rules)")
    actions = p.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    t = options.command(actions, "test", command,
                        help="evaluate every policy on its fixtures and targets, run test_* rules")
    t.add_argument("--coverage", action="store_true", help="also report the line coverage of every policy file")
    options.output_format(t, FORMATS)
    options.cell(t)
    options.strict(t)
    options.out(t, "the report")


def command(args: argparse.Namespace) -> int:
    from govcell.cell import Cell
    from govcell.checks import run
    from govcell.derive.analysis import Analysis
    from govcell.diagnostics import exit_code
    from govcell.report.policy import render

    cell = Cell(args.root, args.config)
    analysis = Analysis(cell)
    found = run(analysis, ["policy-test"], strict=args.strict)
    text = render(analysis.policy_report, found, args.format, args.coverage)
    if options.findings_out(found, text, args.format, args.out, cell=cell, run="policy-test"):
        return 1
    return exit_code(found)
