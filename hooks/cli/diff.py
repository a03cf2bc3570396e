"""``govcell diff``: the governance difference between two revisions, printed or written."""

from __future__ import annotations

from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("diff", help="the governance difference between two revisions (default: the merge base "
                                    "with the default branch -> the working tree)")
    p.add_argument("base", nargs="?", default=None, help="base revision (default: PRE_COMMIT_FROM_REF, else the "
                                                         "merge base of HEAD with the default branch)")
    p.add_argument("head", nargs="?", default=None, help="head revision, INDEX or WORKTREE (default: the working "
                                                         "tree; PRE_COMMIT_TO_REF when set)")
    p.add_argument("--staged", "--cached", action="store_true", help="compare with the staged index, not the "
                                                                      "working tree")
    p.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    p.add_argument("--output", "-o", default=None, help="write to this file instead of stdout")
    p.add_argument("--root", default=".", help="root of the cell (default: current directory)")
    p.add_argument("--config", default=None, help="config file (default: .govcell.yaml or pyproject.toml)")


def command(args: Any) -> int:
    import sys

    from govcell.derive.diff import compute
    from govcell.report.diff import render

    doc = compute(args.root, args.config, args.base, args.head, staged=args.staged)
    text = render(doc, args.format)
    if args.output:
        from govcell.write import write_atomic

        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 1 if any(d["severity"] == "error" for d in doc["diagnostics"]) else 0
