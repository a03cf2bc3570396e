"""``govcell site build|serve``: the governance site (needs the ``site`` extra).

The kernel imports the site renderer (:mod:`govcell_site`) only here, and only
when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from govcell.cli import options


def add_parser(sub: Any) -> None:
    p = sub.add_parser("site", help="build or serve the governance site (needs the 'site' extra)")
    actions = p.add_subparsers(dest="site_command", metavar="ACTION", required=True)
    q = options.command(actions, "build", command, help="build the static site")
    add_build_options(q)
    options.out(q, "the site directory", default="ROOT/site")
    options.strict(q)  # MkDocs warnings fail the build
    q.add_argument("--base", default=None, metavar="REF", help="add a 'changes since REF' page (govcell diff REF) "
                   "to the governance pages")
    q = options.command(actions, "serve", command, help="serve the site with live reload")
    add_build_options(q)
    q.add_argument("--dev-addr", "-a", default=None, metavar="IP:PORT",
                   help="IP:PORT to serve on (default 127.0.0.1:8000)")


def add_build_options(p: argparse.ArgumentParser) -> None:
    """The options ``site build``, ``site serve`` and the ``governance-site`` hook share."""
    options.cell(p)
    p.add_argument("--mkdocs", default=None, metavar="FILE",
                   help="mkdocs config, relative to the root (default: mkdocs.yml if present, else built in)")


def _show_mkdocs_warnings() -> None:
    """Print MkDocs' warnings to stderr, as the ``mkdocs`` command does.

    Called as a library, MkDocs has no handler of its own, so a ``--strict``
    build would abort "with 1 warnings" without saying which.  The handler
    looks ``sys.stderr`` up when it writes, so redirected output is honoured.
    """
    import logging

    class StderrHandler(logging.Handler):
        govcell = True

        def emit(self, record: logging.LogRecord) -> None:
            sys.stderr.write(self.format(record) + "\n")

    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "govcell", False) for h in logger.handlers):
        handler = StderrHandler(logging.WARNING)
        handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
        logger.addHandler(handler)


def command(args: argparse.Namespace) -> int:
    try:
        import material  # noqa: F401
        import mkdocs  # noqa: F401
    except ImportError:
        from govcell.cli.errors import UsageError

        raise UsageError("the site needs the 'site' extra: pip install 'govcell[site]'") from None
    from mkdocs.exceptions import Abort, ConfigurationError

    from govcell_site.build import SiteRefused, build_site, serve, view_hint

    _show_mkdocs_warnings()
    try:
        if args.site_command == "serve":
            serve(args.root, govcell_config=args.config, mkdocs_file=args.mkdocs, dev_addr=args.dev_addr)
            return 0
        site, directory_urls = build_site(args.root, args.out, govcell_config=args.config, mkdocs_file=args.mkdocs,
                                          strict=args.strict, base=getattr(args, "base", None))
    except (Abort, ConfigurationError) as exc:
        print(f"govcell site: {exc}", file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError) as exc:
        # A docs file MkDocs could not read (the govcell plugin leaves such files out; without it, MkDocs fails).
        from govcell.diagnostics import printable

        print(printable(f"govcell site: cannot build the site: {exc}"), file=sys.stderr)
        return 1
    except SiteRefused as exc:
        options.report_problems([exc.diagnostic])
        return 1
    print(view_hint(site, directory_urls))  # a way of viewing it that works (serve, or file://)
    return 0
