"""``govcell diff``: the governance difference between two revisions (see :mod:`govcell.derive.diff`)."""

from __future__ import annotations

import argparse
from typing import Any

from govcell.cli import options

FORMATS = ("text", "json", "markdown")


def add_parser(sub: Any) -> None:
    p = options.command(sub, "diff", command, help="the governance difference between two revisions (default: "
                        "the merge base with the default branch -> the working tree)")
    p.add_argument("base", nargs="?", default=None, help="base revision (default: PRE_COMMIT_FROM_REF, else the "
                                                         "merge base of HEAD with the default branch)")
    p.add_argument("head", nargs="?", default=None, help="head revision, INDEX or WORKTREE (default: the working "
                                                         "tree; PRE_COMMIT_TO_REF when set)")
    p.add_argument("--staged", "--cached", action="store_true", help="compare with the staged index, not the "
                                                                      "working tree")
    options.output_format(p, FORMATS)
    options.out(p, "the difference")
    options.cell(p)


def command(args: argparse.Namespace) -> int:
    from govcell.cell import Cell
    from govcell.report.diff import render
    from govcell.report.revisions import diff

    doc = diff(args.root, args.config, args.base, args.head, staged=args.staged)
    # The working tree's cell only tells the path policy which files are inputs (never written over).
    if options.emit(render(doc, args.format), args.out, what="diff", cell=Cell(args.root, args.config)):
        return 1
    return 1 if any(d["severity"] == "error" for d in doc["diagnostics"]) else 0
