"""The options govcell's commands share, defined once, and the one rule for ``-o/--out``.

Every command (``govcell SUBCOMMAND`` and each hook script) adds its shared
options through these functions, so ``--root`` or ``--format`` is spelled,
defaulted and explained the same everywhere (``tests/test_cli_options.py``
walks the parser tree to hold that).  A new subcommand is a module in
``govcell.cli`` with ``add_parser(sub)`` that calls :func:`command` and the
adders it needs, listed in :data:`govcell.cli.main.SUBCOMMANDS`.

``-o/--out PATH`` is always relative to the working directory (an absolute
path is taken as it is), in every command; ``-`` is stdout.  The write goes
through the path policy of :mod:`govcell.write` (never into ``.git/``, over an
input of the cell, through a final symlink or onto a special file).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.diagnostics import Diagnostic

#: The formats of every output that is a list of findings (``check``, each hook, ``policy test``).
FINDINGS_FORMATS = ("text", "json", "sarif", "github", "codeclimate", "junit")

Handler = Callable[[argparse.Namespace], int]


def command(sub: Any, name: str, run: Handler, *, help: str, description: str | None = None,
            **kw: Any) -> argparse.ArgumentParser:
    """Register subcommand ``name`` on ``sub``; ``run(args)`` executes it (0 ok, 1 findings).

    ``run`` may raise :class:`govcell.cli.errors.UsageError` for a command line
    only the cell can refute (an unknown task): it is reported by this parser.
    """
    p: argparse.ArgumentParser = sub.add_parser(name, help=help, description=description or help, **kw)
    p.set_defaults(run=run, parser=p)
    return p


def root(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", default=".", metavar="DIR", help="root of the cell (default: current directory)")


def config(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", default=None, metavar="FILE",
                   help="config file, relative to the root (default: .govcell.yaml or pyproject.toml)")


def cell(p: argparse.ArgumentParser) -> None:
    """``--root``, ``--config`` and ``--no-cache``: every command that reads a cell."""
    root(p)
    config(p)
    no_cache(p)


def no_cache(p: argparse.ArgumentParser, dest: str = "no_cache") -> None:
    """``--no-cache``: parse every file again instead of reusing the shared cache (:mod:`govcell.load.cache`)."""
    p.add_argument("--no-cache", dest=dest, action="store_true",
                   help="parse every file again instead of reusing the shared cache (also GOVCELL_NO_CACHE=1)")


def cache_off(args: argparse.Namespace) -> Any:
    """A context in which the cache is off when the command line said ``--no-cache``, else nothing."""
    import contextlib

    if not (getattr(args, "no_cache", False) or getattr(args, "no_cache_global", False)):
        return contextlib.nullcontext()
    from govcell.load.cache import disabled

    return disabled()


def strict(p: argparse.ArgumentParser) -> None:
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")


def output_format(p: argparse.ArgumentParser, choices: Sequence[str] = FINDINGS_FORMATS,
                  default: str = "text") -> None:
    """``--format``: the findings vocabulary unless the output is something else (a graph, a bundle)."""
    p.add_argument("--format", choices=list(choices), default=default,
                   help=f"output format: {', '.join(choices)} (default: {default})")


def out(p: argparse.ArgumentParser, what: str = "the output", default: str = "stdout") -> None:
    """``-o/--out`` (``--output`` kept as an alias): relative to the working directory, ``-`` for stdout."""
    p.add_argument("-o", "--out", "--output", dest="out", default=None, metavar="PATH",
                   help=f"write {what} to PATH, relative to the current directory ('-': stdout; "
                        f"default: {default})")


def new_since(p: argparse.ArgumentParser) -> None:
    """``--new-since REF`` / ``--baseline FILE``: report only findings that are new."""
    group = p.add_mutually_exclusive_group()
    group.add_argument("--new-since", default=None, metavar="REF",
                       help="report only findings that are not already present at git revision REF")
    group.add_argument("--baseline", default=None, metavar="FILE",
                       help="report only findings that are not in this baseline file (`govcell baseline`)")


def findings(p: argparse.ArgumentParser) -> None:
    """The options of a command whose output is findings: cell, ``--strict``, ``--format``, new-only."""
    cell(p)
    strict(p)
    output_format(p)
    new_since(p)


def non_negative(value: str) -> int:
    """An argparse ``type``: an integer >= 0 (a usage error otherwise)."""
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {number}")
    return number


def positive(value: str) -> int:
    """An argparse ``type``: an integer >= 1 (a usage error otherwise)."""
    number = int(value)
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, not {number}")
    return number


def out_base() -> Path:
    """What ``-o/--out`` is relative to: the working directory, in every command."""
    return Path.cwd()


def emit(text: str, target: str | None, *, what: str, cell: Cell | None = None, root: Path | str = ".") -> int:
    """Print ``text``, or write it to ``target`` (``-o``) under the path policy; 1 (and the finding) when refused.

    ``cell`` (when the command read one) lets the policy refuse to write over
    one of its inputs; ``target`` is relative to the working directory and,
    being the user's own, may lie outside the cell.
    """
    if target is None or target == "-":
        if text:
            sys.stdout.write(text)
        return 0
    problem = write(text, target, what=what, cell=cell, root=root)
    if problem is not None:
        report_problems([problem])
        return 1
    return 0


def write(text: str, target: str, *, what: str, cell: Cell | None = None,
          root: Path | str = ".") -> Diagnostic | None:
    """Write ``text`` to ``target`` (relative to the working directory) under the path policy; the refusal."""
    from govcell.write import cell_inputs, write_output

    return write_output(cell.root if cell is not None else root, target, text, what=what,
                        inputs=cell_inputs(cell) if cell is not None else None, base=out_base(), outside_ok=True)


def findings_out(found: Sequence[Diagnostic], text: str, fmt: str, target: str | None, *, cell: Cell,
                 run: str = "check") -> int:
    """Print or write a findings report (:func:`emit`); with ``--format github`` also the job summary.

    GitHub shows a limited number of annotations; when ``$GITHUB_STEP_SUMMARY``
    is set, a Markdown table of every finding is appended to the job summary.
    """
    if fmt == "github":
        write_step_summary(found, run)
    return emit(text, target, what="report", cell=cell)


def write_step_summary(found: Sequence[Diagnostic], run: str = "check") -> None:
    """Append the findings table to ``$GITHUB_STEP_SUMMARY`` when it is set (GitHub Actions' job summary)."""
    import os

    from govcell.report.findings import step_summary

    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(step_summary(found, run))
    except OSError:
        pass  # the annotations still go out; a CI without a writable summary loses only the table


def report_problems(found: Sequence[Diagnostic], stream: Any = None) -> None:
    """Findings about the command itself (a refused output) on stderr, as text."""
    from govcell.report.findings import text

    (stream or sys.stderr).write(text(found))
