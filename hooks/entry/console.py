"""Console-script entry points: each one a command's ``main`` inside the error boundary, ended with a fast exit.

The hooks keep the pre-commit-hooks shape (``main(argv) -> int``, in
:mod:`govcell.entry.hooks`) and stay callable in-process; the installed
scripts point here, so every script (``govcell`` and each hook) runs inside
:func:`govcell.cli.errors.error_boundary` (the exit codes of ``docs/cli.md``)
and skips freeing its heap at exit (see ``govcell.process.exit_fast``).  Each
wrapper imports its module only when called, so a script imports nothing but
what its command runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import NoReturn

from govcell.process import exit_fast

#: console script -> the ``module:function`` it runs (a hook's ``main(argv) -> int``).
SCRIPTS: dict[str, str] = {
    "govcell": "govcell.cli.main:main",
    "govcell-spec-ledger": "govcell.entry.hooks:spec_ledger",
    "govcell-context-bundles": "govcell.entry.hooks:context_bundles",
    "govcell-policy-test": "govcell.entry.hooks:policy_test",
    "govcell-governance-graph": "govcell.entry.hooks:governance_graph",
    "govcell-governance-selftest": "govcell.entry.hooks:governance_selftest",
    "govcell-ac-tags": "govcell.entry.hooks:ac_tags",
    "govcell-feature-status": "govcell.entry.hooks:feature_status",
    "govcell-test-results": "govcell.entry.hooks:test_results",
    "govcell-governance-site": "govcell.entry.hooks:governance_site",
    "govcell-governance-scope": "govcell.entry.hooks:governance_scope",
}


def run(target: str) -> int:
    """Run the ``module:function`` ``target`` (with ``sys.argv``) inside the error boundary; its exit code."""
    from govcell.cli.errors import error_boundary, exit_status

    module, _, function = target.partition(":")
    try:
        with error_boundary():
            return int(getattr(importlib.import_module(module), function)() or 0)
    except SystemExit as exc:
        return exit_status(exc)
    finally:
        _cache_stats()


def _cache_stats() -> None:
    """``GOVCELL_CACHE_STATS=1``: the command's cache hits, misses and stores per kind, on stderr."""
    import os
    import sys

    cache = sys.modules.get("govcell.load.cache")
    if os.environ.get("GOVCELL_CACHE_STATS") and cache is not None:
        print(cache.report_stats(), file=sys.stderr)


def _script(target: str) -> Callable[[], NoReturn]:
    def main() -> int:
        return run(target)

    return exit_fast(main)


def attribute(script: str) -> str:
    """The attribute of this module that ``script`` points at (``govcell-ac-tags`` -> ``ac_tags``)."""
    return script.removeprefix("govcell-").replace("-", "_")


globals().update({attribute(name): _script(module) for name, module in SCRIPTS.items()})
