"""``govcell feature-status`` (and the ``feature-status`` fixer hook): rewrite or compare the report.

The report's rendering and its check are pure (:mod:`govcell.derive.feature_status`);
this module prints, writes and picks the exit code, following pre-commit's
fixer convention: 1 when the file was (or, with ``--check``, would be) changed.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from govcell.cli import options

if TYPE_CHECKING:
    from govcell.derive.analysis import Analysis


def add_parser(sub: Any) -> None:
    p = options.command(sub, "feature-status", command,
                        help="regenerate docs/feature_status.md (exit 1 if it changed)")
    add_options(p)


def add_options(p: argparse.ArgumentParser, *, convert: bool = True) -> None:
    p.add_argument("--check", action="store_true", help="only compare; exit 1 if the file is out of date")
    if convert:
        p.add_argument("--convert", action="store_true", help="replace a report in another format than "
                       "feature_status.format (e.g. a hand-written one) with the configured report")
    options.cell(p)


def command(args: argparse.Namespace) -> int:
    return run(args.root, args.config, args.check, getattr(args, "convert", False))


def run(root: str, config: str | None, check_only: bool, convert: bool = False, *,
        analysis: Analysis | None = None) -> int:
    """Regenerate (or compare) the report of the cell at ``root`` (``analysis``: that cell, already analysed)."""
    from govcell.cell import Cell
    from govcell.diagnostics import Severity

    cell = analysis.cell if analysis is not None else Cell(root, config)
    problems = [d for d in cell.config_diagnostics if d.severity is Severity.ERROR]
    if problems:
        options.report_problems(problems, sys.stdout)
        return 1
    from govcell.derive.analysis import Analysis
    from govcell.process import retain

    analysis = analysis or Analysis(cell)
    retain(analysis)  # kept until the exit, never freed node by node (see retain)
    return update(analysis, check_only=check_only, convert=convert)


def update(analysis: Analysis, *, check_only: bool = False, convert: bool = False) -> int:
    """Rewrite (or, with ``check_only``, compare) the report; 1 when it was or would be changed.

    A report in another format than the configured one is rewritten only with ``convert``.
    """
    from govcell.checks.feature_status import check
    from govcell.derive import feature_status as fs

    cell = analysis.cell
    rel = cell.config.paths.feature_status
    if cell.config.feature_status.format == "off":
        print(f"{rel}: feature_status.format is off; govcell neither checks nor writes it", file=sys.stderr)
        return 0
    if cell.ledger.unreadable:
        options.report_problems(cell.ledger.causes(), sys.stdout)
        print(f"{rel}: not regenerated: {cell.ledger.path} could not be read", file=sys.stderr)
        return 1
    current = fs.committed(cell)
    foreign = fs.foreign_format(cell, current)
    if foreign is not None and (check_only or not convert):
        options.report_problems(check(analysis), sys.stdout)
        return 1
    text = fs.render(cell, analysis.coverage)
    if current == text:
        return 0
    if check_only:
        print(f"{rel}: out of date; run `govcell feature-status`", file=sys.stderr)
        return 1
    from govcell.write import cell_inputs, write_output

    # The report's path is configured, so it is relative to the cell root (and must stay inside it).
    problem = write_output(cell.root, rel, text, what="feature status report", inputs=cell_inputs(cell),
                           where=fs.config_where(cell))
    if problem is not None:
        options.report_problems([problem], sys.stdout)
        return 1
    if foreign is not None:
        print(f"{rel}: converted from {fs.FORMAT_NAMES[foreign]} to "
              f"{fs.FORMAT_NAMES[cell.config.feature_status.format]}", file=sys.stderr)
    else:
        print(f"{rel}: regenerated", file=sys.stderr)
    return 1
