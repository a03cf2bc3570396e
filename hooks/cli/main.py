"""The ``govcell`` command: every capability of the kernel in one CLI.

Subcommands import their modules only when chosen, so ``govcell --version`` and
``govcell check`` start quickly.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from govcell import __version__
from govcell.formats.schema import names as schema_names


def build_parser() -> argparse.ArgumentParser:
    from govcell.entry.hook import add_common

    parser = argparse.ArgumentParser(prog="govcell", description="governance kernel for a repository")
    parser.add_argument("--version", action="version", version=f"govcell {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("check", help="run checks on the cell (default: all)")
    p.add_argument("checks", nargs="*", help="check names (see `govcell check --list`)")
    p.add_argument("--list", action="store_true", help="list the checks and exit")
    p.add_argument("--output", "-o", default=None, help="write the report to this file instead of stdout")
    add_common(p)

    p = sub.add_parser("schema", help="print the JSON Schema of a govcell file format")
    p.add_argument("name", choices=schema_names())
    p.add_argument("--output", "-o", default=None, help="write to this file instead of stdout")

    p = sub.add_parser("graph", help="export the governance graph (json, mermaid, dot)")
    p.add_argument("--format", choices=["json", "mermaid", "dot"], default="json")
    p.add_argument("--focus", default=None, help="only the neighbourhood of this ID (e.g. AC-X-001)")
    p.add_argument("--depth", type=int, default=1, help="edges from --focus to include (default 1)")
    p.add_argument("--root", default=".", help="root of the cell (default: current directory)")
    p.add_argument("--config", default=None, help="config file")
    p.add_argument("--output", "-o", default=None, help="write to this file instead of stdout")

    from govcell.cli.bundle import add_parser as add_bundle_parser
    from govcell.derive.diff import add_parser as add_diff_parser
    from govcell.derive.fingerprint import add_parser as add_baseline_parser
    from govcell.cli.policy import add_parser as add_policy_parser
    from govcell.cli.status import add_parsers as add_status_parsers

    add_policy_parser(sub)
    add_status_parsers(sub)
    add_bundle_parser(sub)
    add_diff_parser(sub)
    add_baseline_parser(sub)

    from govcell_site.build import add_parser as add_site_parser

    add_site_parser(sub)
    from govcell.adopt.scaffold import add_parser as add_init_parser

    add_init_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    from govcell.process import no_cycle_gc

    with no_cycle_gc():
        return int(_COMMANDS[args.command](args))


def _check(args: argparse.Namespace) -> int:
    from govcell.checks import CHECKS
    from govcell.entry.hook import run_and_report

    if args.list:
        for name in CHECKS:
            print(name)
        return 0
    unknown = [c for c in args.checks if c not in CHECKS]
    if unknown:
        print(f"govcell: unknown check(s): {', '.join(unknown)}; known: {', '.join(CHECKS)}", file=sys.stderr)
        return 2
    return run_and_report(args.root, args.config, args.checks or None, args.strict, args.format, args.output,
                          new_since=args.new_since, baseline=args.baseline)


def _schema(args: argparse.Namespace) -> int:
    from govcell.formats.schema import schema_text

    text = schema_text(args.name)
    if args.output:
        return _write_output(".", args.output, text, "schema")
    else:
        sys.stdout.write(text)
    return 0


def _write_output(root: str, target: str, text: str, what: str) -> int:
    """Write a command's ``-o`` file under the path policy (govcell.write); 1 and the finding when refused."""
    from govcell.write import write_output
    from govcell.report.findings import text as findings_text

    problem = write_output(root, target, text, what=what, base=".", outside_ok=True)
    if problem is not None:
        sys.stderr.write(findings_text([problem]))
        return 1
    return 0


def _policy(args: argparse.Namespace) -> int:
    from govcell.cli.policy import command

    return command(args)


def _bundle(args: argparse.Namespace) -> int:
    from govcell.cli.bundle import command

    return command(args)


def _diff(args: argparse.Namespace) -> int:
    from govcell.derive.diff import command

    return command(args)


def _baseline(args: argparse.Namespace) -> int:
    from govcell.derive.fingerprint import baseline_command

    return baseline_command(args)


def _graph(args: argparse.Namespace) -> int:
    from govcell.cli.graph import command

    return command(args)


def _site(args: argparse.Namespace) -> int:
    from govcell_site.build import main as site_main

    return site_main(args)


def _status_commands(args: argparse.Namespace) -> int:
    from govcell.cli.status import COMMANDS

    return COMMANDS[args.command](args)


def _init(args: argparse.Namespace) -> int:
    from govcell.adopt.scaffold import command

    return command(args)


_COMMANDS = {"init": _init, "check": _check, "schema": _schema, "graph": _graph, "policy": _policy,
             "bundle": _bundle, "diff": _diff, "baseline": _baseline,
             "feature-status": _status_commands, "status": _status_commands, "next": _status_commands,
             "site": _site}

if __name__ == "__main__":
    raise SystemExit(main())
