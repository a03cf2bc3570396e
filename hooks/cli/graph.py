"""``govcell graph``: export the governance graph (or the neighbourhood of one ID) as JSON, Mermaid or DOT."""

from __future__ import annotations

import argparse
from typing import Any

from govcell.cli import options

FORMATS = ("json", "mermaid", "dot")


def add_parser(sub: Any) -> None:
    p = options.command(sub, "graph", command, help="export the governance graph (json, mermaid, dot)")
    options.output_format(p, FORMATS, default="json")
    p.add_argument("--focus", default=None, metavar="ID", help="only the neighbourhood of this ID (e.g. AC-X-001)")
    p.add_argument("--depth", type=options.non_negative, default=1, metavar="N",
                   help="edges from --focus to include (default 1)")
    options.cell(p)
    options.out(p, "the graph")


def command(args: argparse.Namespace) -> int:
    from govcell.cell import Cell
    from govcell.cli.errors import UsageError
    from govcell.derive.analysis import Analysis
    from govcell.derive.graph import focus, to_dot, to_json, to_mermaid

    cell = Cell(args.root, args.config)
    graph = Analysis(cell).graph
    keys = None
    if args.focus:
        keys = focus(graph, args.focus, args.depth)
        if keys is None:
            raise UsageError(f"no node with ID {args.focus!r}")
    text = {"json": to_json, "mermaid": to_mermaid, "dot": to_dot}[args.format](graph, keys)
    return options.emit(text, args.out, what="graph", cell=cell)
