"""Every pre-commit hook's ``main(argv) -> int``, one function per hook id.

pre-commit passes the changed file names; govcell's checks are about the whole
cell, so each single-check hook is :func:`govcell.entry.hook.hook_main` with
its check's name.  ``feature-status`` is the fixer (it rewrites the report) and
``governance-site`` is ``govcell site build --strict`` under a name of its own:
the site's stack is the ``site`` extra, which the hook manifest installs as
``additional_dependencies``; where it is missing the hook says what to install.
Everything is imported inside the functions, so a hook imports only what it runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def _check(name: str | None, argv: Sequence[str] | None, prog: str | None = None) -> int:
    from govcell.entry.hook import hook_main

    return hook_main(name, argv, prog=prog)


def spec_ledger(argv: Sequence[str] | None = None) -> int:
    """``spec-ledger``: the ledger (and tasks/flows files) are valid."""
    return _check("spec-ledger", argv)


def context_bundles(argv: Sequence[str] | None = None) -> int:
    """``context-bundles``: every contextpack bundle resolves safely within its budget."""
    return _check("context-bundles", argv)


def policy_test(argv: Sequence[str] | None = None) -> int:
    """``policy-test``: Rego policies compile, pass their fixtures and targets, have no dead rules."""
    return _check("policy-test", argv)


def governance_graph(argv: Sequence[str] | None = None) -> int:
    """``governance-graph``: the cell's graph invariants hold."""
    return _check("governance-graph", argv)


def ac_tags(argv: Sequence[str] | None = None) -> int:
    """``ac-tags``: scenarios and the ledger agree on AC tags."""
    return _check("ac-tags", argv)


def test_results(argv: Sequence[str] | None = None) -> int:
    """``test-results``: the configured test result files are readable and current."""
    return _check("test-results", argv)


def governance_selftest(argv: Sequence[str] | None = None) -> int:
    """``governance-selftest``: every check in one process (the CI selftest)."""
    return _check(None, argv, prog="govcell-governance-selftest")


def governance_scope(argv: Sequence[str] | None = None) -> int:
    """``governance-scope`` (commit-msg stage): protected paths need the commit's Governance-Scope trailer."""
    from govcell.cli.scope import hook_main

    return hook_main(argv)


def feature_status(argv: Sequence[str] | None = None) -> int:
    """``feature-status`` (fixer): regenerate the report; exit 1 if it changed."""
    from govcell.entry.hook import FIXER, feature_status_parser, run_fixer
    from govcell.entry import replay

    args = feature_status_parser().parse_args(argv)
    return replay.run(FIXER, args, lambda: run_fixer(args, {}))


def governance_site(argv: Sequence[str] | None = None) -> int:
    """``governance-site`` (manual stage): build the cell's governance site; writes only the site directory."""
    args = governance_site_parser().parse_args(argv)
    argv_site = ["site", "build", "--root", args.root]
    for flag, value in (("--config", args.config), ("--mkdocs", args.mkdocs), ("--out", args.out)):
        if value:
            argv_site += [flag, value]
    if args.strict:
        argv_site.append("--strict")
    from govcell.cli.main import main as cli_main

    return cli_main(argv_site)


def governance_site_parser() -> argparse.ArgumentParser:
    from govcell.cli import options
    from govcell.cli.site import add_build_options
    from govcell.entry.hook import parser

    p = parser("govcell-governance-site", "build the governance site (govcell site build --strict)")
    add_build_options(p)
    options.out(p, "the site directory", default="ROOT/site")
    p.add_argument("--no-strict", dest="strict", action="store_false",
                   help="do not fail on MkDocs warnings (default: fail, as in CI)")
    return p


def parser_of(script: str) -> argparse.ArgumentParser:
    """The argument parser of console script ``script`` (``govcell`` or a hook's), for ``--help`` and tests."""
    if script == "govcell":
        from govcell.cli.main import build_parser

        return build_parser()
    from govcell.entry.hook import feature_status_parser

    special = {"govcell-feature-status": feature_status_parser, "govcell-governance-site": governance_site_parser}
    if script in special:
        return special[script]()
    from govcell.entry.hook import check_parser

    name = script.removeprefix("govcell-")
    return check_parser(None if name == "governance-selftest" else name, prog=script)
