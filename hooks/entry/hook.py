"""The shared body of every single-check hook (``govcell-<check>`` console scripts).

pre-commit passes the changed file names; govcell's checks are about the whole
cell, so the names only decide whether there is anything to do, and the check
then reads the cell it needs (:func:`govcell.cli.check.run_and_report`).
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govcell.derive.analysis import Analysis


def parser(prog: str, description: str) -> argparse.ArgumentParser:
    """A hook's parser: the changed file names (ignored) and govcell's shared options."""
    p = argparse.ArgumentParser(prog=prog, description=description)
    p.add_argument("filenames", nargs="*", help="changed files (from pre-commit); the whole cell is checked")
    return p


def check_parser(check: str | None, prog: str | None = None) -> argparse.ArgumentParser:
    """The parser of the hook that runs ``check`` (None: every check): the options of ``govcell check``."""
    from govcell.cli import options

    p = parser(prog or f"govcell-{check}", f"govcell {check or 'all checks'}")
    options.findings(p)
    options.out(p, "the report")
    return p


#: The single-check hooks of a commit: the first to run answers for the others (:mod:`govcell.entry.replay`).
COMMIT_CHECKS = ("spec-ledger", "context-bundles", "policy-test", "governance-graph", "ac-tags", "test-results")


def hook_main(check: str | None, argv: Sequence[str] | None = None, *, prog: str | None = None) -> int:
    """Parse hook arguments, run one check (None: all of them), print findings, return 0 or 1."""
    args = check_parser(check, prog).parse_args(argv)
    from govcell.entry import replay

    shared: dict[str, Analysis] = {}
    siblings = [replay.Sibling(_name(c), args, functools.partial(_run_check, c, args, shared))
                for c in _siblings(check) if c != "feature-status"]
    if "feature-status" in _siblings(check):
        fixer = _fixer_args(args)
        # Its answer is known without writing only when the report is current (exit 0, nothing printed
        # but what a current report prints in either mode): --check gives it then, and only it is kept.
        siblings.append(replay.Sibling(FIXER, fixer, functools.partial(run_fixer, fixer, shared, check_only=True),
                                       codes=(0,)))
    return replay.run(_name(check), args, functools.partial(_run_check, check, args, shared), siblings)


#: The replay name of the feature-status fixer hook.
FIXER = "feature-status"


def feature_status_parser() -> argparse.ArgumentParser:
    """The fixer hook's parser (``govcell-feature-status``)."""
    from govcell.cli.feature_status import add_options

    p = parser("govcell-feature-status", "regenerate docs/feature_status.md")
    add_options(p, convert=False)
    return p


def _fixer_args(args: argparse.Namespace) -> argparse.Namespace:
    """The fixer hook's command line with no arguments but the cell options this hook was given."""
    fixer = feature_status_parser().parse_args([])
    fixer.root, fixer.config, fixer.no_cache = args.root, args.config, args.no_cache
    return fixer


def run_fixer(args: argparse.Namespace, shared: dict[str, Analysis], *, check_only: bool | None = None) -> int:
    """The fixer's run (``check_only``: compare only, whatever ``--check`` says), over ``shared``'s analysis."""
    from govcell.cli.feature_status import run
    from govcell.cli.options import cache_off
    from govcell.process import no_cycle_gc

    with no_cycle_gc(), cache_off(args):
        return run(args.root, args.config, args.check if check_only is None else check_only,
                   analysis=shared.get("analysis"))


def _siblings(check: str | None) -> tuple[str, ...]:
    """The other single-check hooks this pre-commit run starts next: none outside pre-commit.

    pre-commit sets ``PRE_COMMIT=1`` for its hooks and runs them from the top of
    the repository, where its config names the hooks it will run; a hook run
    by hand answers only for itself.
    """
    import os
    import re

    if check not in COMMIT_CHECKS or not os.environ.get("PRE_COMMIT"):
        return ()
    hooks = (*COMMIT_CHECKS, FIXER)
    try:
        with open(".pre-commit-config.yaml", encoding="utf-8", errors="replace") as f:
            configured = set(re.findall(r"\bid:\s*[\"']?([\w.-]+)", f.read(1 << 20)))
    except OSError:
        configured = set(hooks)  # another config file (pre-commit -c): assume the usual hooks
    return tuple(c for c in hooks if c != check and c in configured)


def _name(check: str | None) -> str:
    return f"check {check or '*'}"


def _run_check(check: str | None, args: argparse.Namespace, shared: dict[str, Analysis]) -> int:
    """One check's run and report; the cell is loaded and analysed once for every check run in this process."""
    from govcell.cli.check import run_and_report
    from govcell.cli.options import cache_off
    from govcell.process import no_cycle_gc

    with no_cycle_gc(), cache_off(args):
        analysis = shared.get("analysis")
        if analysis is None and not (args.new_since or args.baseline):
            from govcell.cell import Cell
            from govcell.derive.analysis import Analysis

            analysis = shared["analysis"] = Analysis(Cell(args.root, args.config))
        return run_and_report(args.root, args.config, [check] if check else None, args.strict, args.format,
                              args.out, new_since=args.new_since, baseline=args.baseline, analysis=analysis)
