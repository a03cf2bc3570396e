"""``govcell scope``: protected paths a change touched, and whether it declared its scope.

``govcell scope [BASE [HEAD]]`` judges a change (default: the merge base with
the default branch -> HEAD) in CI; the ``governance-scope`` hook judges one
commit at the ``commit-msg`` stage (:func:`hook_main`).  ``--input`` prints the
``changes`` document a policy sees instead of judging.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any


def _common(p: argparse.ArgumentParser) -> None:
    from govcell.cli import options

    options.cell(p)
    options.strict(p)
    options.output_format(p)


def add_parser(sub: Any) -> None:
    from govcell.cli import options

    p = options.command(sub, "scope", command, help="protected paths a change touched without a declared scope "
                        "(default: the merge base with the default branch -> HEAD)")
    p.add_argument("base", nargs="?", default=None, help="base revision (default: PRE_COMMIT_FROM_REF, else the "
                                                         "merge base of HEAD with the default branch)")
    p.add_argument("head", nargs="?", default=None, help="head revision, INDEX or WORKTREE (default: HEAD)")
    p.add_argument("--scope-file", default=None, metavar="FILE",
                   help="the pull request's description (a ## Scope block or a Governance-Scope: line); "
                        "default: $GOVCELL_SCOPE_FILE, else the value of $GOVCELL_SCOPE")
    p.add_argument("--input", action="store_true", help="print the `changes` policy input (JSON) instead")
    p.add_argument("--with-diff", action="store_true", help="with --input: include the governance diff")
    _common(p)


def _finish(found: list[Any], config: Any, strict: bool, fmt: str) -> int:
    from govcell.diagnostics import apply_policy, exit_code
    from govcell.report.findings import render

    found = apply_policy(found, config.severity, strict=strict or config.strict)
    text = render(found, fmt)
    if text:
        sys.stdout.write(text)
    return exit_code(found)


def command(args: argparse.Namespace) -> int:
    from pathlib import Path

    from govcell.derive import scope
    from govcell.load.config import load_config

    root = Path(args.root).absolute()
    loaded = load_config(root, args.config)
    if args.input:
        diff = None
        if args.with_diff:
            from govcell.report.revisions import diff as compute

            def diff(base: str | None, head: str | None) -> dict[str, Any]:
                return compute(str(root), args.config, base, head)
        doc, found = scope.changes_input(root, loaded.config, args.base, args.head or "HEAD",
                                         scope_file=args.scope_file, diff=diff)
        if doc:
            sys.stdout.write(json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
        if found:
            return _finish(loaded.diagnostics + found, loaded.config, args.strict, "text")
        return 0
    _doc, found = scope.check_range(root, loaded.config, args.base, args.head, scope_file=args.scope_file)
    return _finish(loaded.diagnostics + found, loaded.config, args.strict, args.format)


def hook_main(argv: Sequence[str] | None = None) -> int:
    """``governance-scope`` (commit-msg stage): pre-commit passes the commit message file."""
    from pathlib import Path

    from govcell.derive import scope
    from govcell.load.config import load_config

    parser = argparse.ArgumentParser(prog="govcell-governance-scope",
                                     description="protected paths need a Governance-Scope trailer")
    parser.add_argument("message_file", nargs="?", default=None,
                        help="the commit message file (pre-commit passes it at the commit-msg stage)")
    _common(parser)
    args = parser.parse_args(argv)
    root = Path(args.root).absolute()
    loaded = load_config(root, args.config)
    if args.message_file is None:
        from govcell.diagnostics import diag

        found = [diag("scope.unreadable", "no commit message file given: the governance-scope hook runs at the "
                      "commit-msg stage", ".", hint="install it with `pre-commit install --hook-type commit-msg`; "
                      "in CI run `govcell scope` instead")]
    else:
        found = scope.check_message(root, loaded.config, args.message_file)
    return _finish(loaded.diagnostics + found, loaded.config, args.strict, args.format)
