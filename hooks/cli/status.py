"""The ``feature-status``, ``status`` and ``next`` subcommands of ``govcell``.

Kept apart from :mod:`govcell.cli.main` so that module stays a thin table of commands;
each handler imports what it needs only when chosen.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", default=".", help="root of the cell (default: current directory)")
    p.add_argument("--config", default=None, help="config file (default: .govcell.yaml or pyproject.toml)")


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("feature-status", help="regenerate docs/feature_status.md (exit 1 if it changed)")
    p.add_argument("--check", action="store_true", help="only compare; exit 1 if the file is out of date")
    p.add_argument("--convert", action="store_true", help="replace a report in another format than "
                   "feature_status.format (e.g. a hand-written one) with the configured report")
    _common(p)

    p = sub.add_parser("status", help="the cell's status: counts, coverage, run status, findings, tasks")
    p.add_argument("--json", action="store_true", help="print the versioned JSON document (govcell.status/1)")
    p.add_argument("--timestamps", action="store_true", help="add generated_at (off by default: output is stable)")
    _common(p)

    p = sub.add_parser("next", help="ranked work: failing/uncovered kernel ACs, ready tasks, orphaned scenarios")
    p.add_argument("--json", action="store_true", help="print JSON (govcell.next/1)")
    p.add_argument("--limit", type=int, default=10, metavar="N", help="show at most N items (0: all; default 10)")
    _common(p)


def _feature_status(args: argparse.Namespace) -> int:
    from govcell.derive.feature_status import run

    return run(args.root, args.config, args.check, args.convert)


def _status(args: argparse.Namespace) -> int:
    from govcell.cell import Cell
    from govcell.derive.analysis import Analysis
    from govcell.report.status import status_json, status_text

    analysis = Analysis(Cell(args.root, args.config))
    sys.stdout.write(status_json(analysis, timestamps=args.timestamps) if args.json else status_text(analysis))
    return 0


def _next(args: argparse.Namespace) -> int:
    from govcell.cell import Cell
    from govcell.derive.analysis import Analysis
    from govcell.derive.next_work import render

    if args.limit < 0:
        print("govcell next: --limit must be 0 or more", file=sys.stderr)
        return 2
    sys.stdout.write(render(Analysis(Cell(args.root, args.config)).next_items, as_json=args.json, limit=args.limit))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "feature-status": _feature_status,
    "status": _status,
    "next": _next,
}
