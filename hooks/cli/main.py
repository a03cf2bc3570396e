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

#: The subcommand modules, in the order ``govcell --help`` lists them, with the commands each registers.
SUBCOMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("govcell.cli.check", ("check",)),
    ("govcell.cli.schema", ("schema",)),
    ("govcell.cli.graph", ("graph",)),
    ("govcell.cli.policy", ("policy",)),
    ("govcell.cli.status", ("feature-status", "status", "next")),
    ("govcell.cli.bundle", ("bundle",)),
    ("govcell.cli.diff", ("diff",)),
    ("govcell.cli.baseline", ("baseline",)),
    ("govcell.cli.scope", ("scope",)),
    ("govcell.cli.history", ("history",)),
    ("govcell.cli.review", ("review",)),
    ("govcell.cli.site", ("site",)),
    ("govcell.cli.init", ("init",)),
)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole parser, or, when ``argv`` names a command, that command's parser beside bare names.

    Registering every subcommand imports what each one's options name (the policy
    report's formats, the schema names...): 40 ms of every ``govcell check``.  The
    other commands stay listed (a mistyped command is still told the choices);
    ``govcell --help`` and a command line that names none build them all.
    """
    parser = argparse.ArgumentParser(prog="govcell", description="governance kernel for a repository")
    parser.add_argument("--version", action="version", version=f"govcell {__version__}")
    from govcell.cli.options import no_cache

    no_cache(parser, dest="no_cache_global")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = _command(argv)
    for module, names in SUBCOMMANDS:
        if chosen is None or chosen in names:
            importlib.import_module(module).add_parser(sub)
        else:
            for name in names:
                sub.add_parser(name, add_help=False)
    return parser


def _command(argv: Sequence[str] | None) -> str | None:
    """The command ``argv`` names (its first word that is not an option), if it is one of govcell's."""
    if argv is None:
        return None
    for arg in argv:
        if arg in ("-h", "--help", "--version"):
            return None
        if not arg.startswith("-"):
            return arg if any(arg in names for _, names in SUBCOMMANDS) else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the command: 0 ok, 1 findings, 2 usage error (see :mod:`govcell.cli.errors`)."""
    from govcell.cli.errors import UsageError
    from govcell.process import no_cycle_gc

    import sys

    argv = list(sys.argv[1:] if argv is None else argv)
    args, extra = build_parser(argv).parse_known_args(argv)
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
