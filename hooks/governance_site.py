"""pre-commit hook ``governance-site``: build the cell's governance site (manual stage).

The hook is ``govcell site build --strict`` under a console-script name of its
own, like every other hook.  The site's stack (mkdocs, mkdocs-material, pygal)
is govcell's ``site`` extra, which the hook manifest installs as
``additional_dependencies``; where it is missing (a ``repo: local`` hook on a
plain install) the hook fails with one line saying what to install instead of
an ImportError.  It writes only the site directory (``site/`` by default).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="govcell-governance-site",
                                     description="build the governance site (govcell site build --strict)")
    parser.add_argument("filenames", nargs="*", help="ignored: the site is built from the whole cell")
    parser.add_argument("--root", default=".", help="root of the cell (default: current directory)")
    parser.add_argument("--config", default=None, help="govcell config file (default: .govcell.yaml or pyproject.toml)")
    parser.add_argument("--mkdocs", default=None, help="mkdocs config (default: mkdocs.yml if present, else built in)")
    parser.add_argument("--out", "-o", default=None, help="output directory (default: ROOT/site)")
    parser.add_argument("--no-strict", dest="strict", action="store_false",
                        help="do not fail on MkDocs warnings (default: fail, as in CI)")
    args = parser.parse_args(argv)
    argv_site = ["site", "build", "--root", args.root]
    for flag, value in (("--config", args.config), ("--mkdocs", args.mkdocs), ("--out", args.out)):
        if value:
            argv_site += [flag, value]
    if args.strict:
        argv_site.append("--strict")
    from hooks.cli import main as cli_main

    return cli_main(argv_site)


if __name__ == "__main__":
    raise SystemExit(main())
