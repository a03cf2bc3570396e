"""``govcell graph``: the governance graph as JSON, Mermaid or DOT, whole or around one node."""

from __future__ import annotations

import argparse
import sys


def command(args: argparse.Namespace) -> int:
    """``govcell graph``: print or write the graph (or a focused part of it)."""
    from govcell.cell import Cell
    from govcell.derive.analysis import Analysis
    from govcell.derive.graph import focus, to_dot, to_json, to_mermaid

    cell = Cell(args.root, args.config)
    graph = Analysis(cell).graph
    keys = None
    if args.focus:
        if args.depth < 0:
            print("govcell graph: --depth must be 0 or more", file=sys.stderr)
            return 2
        keys = focus(graph, args.focus, args.depth)
        if keys is None:
            print(f"govcell graph: no node with ID {args.focus!r}", file=sys.stderr)
            return 2
    text = {"json": to_json, "mermaid": to_mermaid, "dot": to_dot}[args.format](graph, keys)
    if args.output:
        # The path policy of every output (govcell.write): never over an input, into .git/ or through a link.
        from govcell.write import cell_inputs, write_output
        from govcell.report.findings import text as findings_text

        problem = write_output(cell.root, args.output, text, what="graph", inputs=cell_inputs(cell), base=".",
                               outside_ok=True)
        if problem is not None:
            sys.stderr.write(findings_text([problem]))
            return 1
    else:
        sys.stdout.write(text)
    return 0
