"""The ``govcell`` command: every capability of the kernel in one CLI.

Parsing is separate from execution: :func:`build_parser` asks each module of
:data:`SUBCOMMANDS` to register its parser (with the shared options of
:mod:`govcell.cli.options`), and :func:`main` runs the handler the chosen
parser carries.  The modules import what they run only when chosen, so
``govcell --version`` and ``govcell check`` start quickly.

Adding a subcommand: write ``govcell/cli/NAME.py`` with ``add_parser(sub)``
(calling :func:`govcell.cli.options.command` and the option adders it needs)
and a handler ``(args) -> int``, then list the module here.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

from govcell import __version__

#: The subcommand modules, in the order ``govcell --help`` lists them.
SUBCOMMANDS = (
    "govcell.cli.check",
    "govcell.cli.schema",
    "govcell.cli.graph",
    "govcell.cli.policy",
    "govcell.cli.status",
    "govcell.cli.bundle",
    "govcell.cli.diff",
    "govcell.cli.baseline",
    "govcell.cli.scope",
    "govcell.cli.history",
    "govcell.cli.review",
    "govcell.cli.site",
    "govcell.cli.init",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="govcell", description="governance kernel for a repository")
    parser.add_argument("--version", action="version", version=f"govcell {__version__}")
    from govcell.cli.options import no_cache

    no_cache(parser, dest="no_cache_global")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in SUBCOMMANDS:
        importlib.import_module(name).add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the command: 0 ok, 1 findings, 2 usage error (see :mod:`govcell.cli.errors`)."""
    from govcell.cli.errors import UsageError
    from govcell.process import no_cycle_gc

    args, extra = build_parser().parse_known_args(argv)
    parser: argparse.ArgumentParser = args.parser  # the chosen command's (govcell.cli.options.command)
    if extra:
        # Told by the chosen command's parser, with its usage line (argparse tells it with govcell's).
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    from govcell.cli.options import cache_off

    try:
        with no_cycle_gc(), cache_off(args):
            return int(args.run(args))
    except UsageError as exc:
        parser.error(str(exc))  # prints the usage and the message, exits 2


if __name__ == "__main__":
    raise SystemExit(main())
