"""``govcell init``: scaffold a governed cell in a new or existing repository (see :mod:`govcell.adopt`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from govcell.cli import options
from govcell.cli.errors import UsageError


def add_parser(sub: Any) -> None:
    p = options.command(sub, "init", command, help="scaffold a governed cell (ledger, feature, policies, hooks, "
                        "site) in a new or existing repository")
    p.add_argument("directory", nargs="?", default=".", help="the repository root (default: current directory)")
    p.add_argument("--force", action="store_true", help="overwrite files that exist (default: skip them)")
    p.add_argument("--no-stage", dest="stage", action="store_false",
                   help="do not `git add` the scaffold's files (default: add them when in a git repository)")
    p.add_argument("--dry-run", action="store_true", help="print what init would do, and write nothing")
    p.add_argument("--repo", metavar="URL", help="the hook repository for .pre-commit-config.yaml (with --rev); "
                   "default: repo: local hooks that run the installed govcell, which work offline at once")
    p.add_argument("--rev", metavar="REV", help="the tag of --repo to pin, e.g. v0.1.0")
    p.add_argument("--print-hooks", action="store_true",
                   help="print govcell's repos: entry for the cell's configured paths (for a config you keep "
                        "yourself, or after moving paths) and write nothing")
    p.add_argument("--convert-feature-status", action="store_true",
                   help="replace a feature-status report in another format (e.g. cargo xtask ac-status's) with "
                        "govcell's (default: keep it in its format)")


def command(args: argparse.Namespace) -> int:
    """Exit 0 when done (skips are not failures); a usage error (2) when the target is unusable."""
    from govcell.adopt.precommit import Source, entry_lines
    from govcell.adopt.plan import hook_paths, plan_init
    from govcell.adopt.report import format_dry_run, format_plan, format_report
    from govcell.adopt.scaffold import init_cell
    from govcell.load.git import in_git

    root = Path(args.directory)
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} exists and is not a directory")
    if bool(args.repo) != bool(args.rev):
        raise UsageError("--repo and --rev go together (the hook repository and the tag to pin, e.g. "
                         "--repo https://github.com/ORG/govcell --rev v0.1.0); without both the hooks run the "
                         "installed govcell")
    source = Source(args.repo, args.rev) if args.repo else Source()
    if args.print_hooks:
        from govcell.adopt.detect import detect
        from govcell.load.config import Paths

        paths = hook_paths(root.absolute(), detect(root.absolute()))
        sys.stdout.write("\n".join(entry_lines(source, paths, defaults=paths == Paths())) + "\n")
        return 0
    try:
        plan = plan_init(root, force=bool(args.force), convert_feature_status=bool(args.convert_feature_status),
                         source=source)
        sys.stdout.write(format_plan(plan))
        if args.dry_run:
            sys.stdout.write(format_dry_run(plan))
            return 0
        sys.stdout.flush()
        report = init_cell(root, force=bool(args.force), stage=bool(args.stage), plan=plan)
    except OSError as exc:
        raise UsageError(f"cannot write the cell: {exc}") from None
    sys.stdout.write(format_report(report, in_git(root)))
    return 0
