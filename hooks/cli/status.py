"""``govcell status`` and ``govcell next``: where the cell stands, and what to work on next.

``govcell feature-status`` lives in :mod:`govcell.cli.feature_status`; this
module registers it too, so the three reporting commands stay together in
``govcell --help``.
"""

from __future__ import annotations

import argparse
from typing import Any

from govcell.cli import options


def add_parser(sub: Any) -> None:
    from govcell.cli.feature_status import add_parser as add_feature_status

    add_feature_status(sub)
    p = options.command(sub, "status", status,
                        help="the cell's status: counts, coverage, run status, findings, tasks")
    p.add_argument("--json", action="store_true", help="print the versioned JSON document (govcell.status/1)")
    p.add_argument("--timestamps", action="store_true", help="add generated_at (off by default: output is stable)")
    options.cell(p)
    options.out(p, "the status")

    p = options.command(sub, "next", next_work,
                        help="ranked work: failing/uncovered kernel ACs, ready tasks, orphaned scenarios")
    p.add_argument("--json", action="store_true", help="print JSON (govcell.next/1)")
    p.add_argument("--limit", type=options.non_negative, default=10, metavar="N",
                   help="show at most N items (0: all; default 10)")
    options.cell(p)
    options.out(p, "the list")


def status(args: argparse.Namespace) -> int:
    from govcell.cell import Cell
    from govcell.derive.analysis import Analysis
    from govcell.report.status import status_json, status_text

    cell = Cell(args.root, args.config)
    analysis = Analysis(cell)
    text = status_json(analysis, timestamps=args.timestamps) if args.json else status_text(analysis)
    return options.emit(text, args.out, what="status", cell=cell)


def next_work(args: argparse.Namespace) -> int:
    from govcell.cell import Cell
    from govcell.derive.analysis import Analysis
    from govcell.derive.next_work import render

    cell = Cell(args.root, args.config)
    items = Analysis(cell).next_items
    return options.emit(render(items, as_json=args.json, limit=args.limit), args.out, what="next", cell=cell)


