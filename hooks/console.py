"""Console-script entry points: each hook's ``main``, ended with a fast exit.

The hook modules keep the pre-commit-hooks shape (``main(argv) -> int``) and
stay callable in-process; the installed scripts point here so the process
skips freeing its heap at exit (see ``hooks.runtime.exit_fast``).  Each
wrapper imports its hook module only when called, so a script still imports
nothing but its own hook.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import NoReturn

from hooks.runtime import exit_fast


#: console script -> the hook module whose ``main`` it runs.
SCRIPTS: dict[str, str] = {
    "govcell": "hooks.cli",
    "govcell-spec-ledger": "hooks.spec_ledger",
    "govcell-context-bundles": "hooks.context_bundles",
    "govcell-policy-test": "hooks.policy_test",
    "govcell-governance-graph": "hooks.governance_graph",
    "govcell-governance-selftest": "hooks.governance_selftest",
    "govcell-ac-tags": "hooks.ac_tags",
    "govcell-feature-status": "hooks.feature_status",
    "govcell-test-results": "hooks.result_files",
    "govcell-governance-site": "hooks.governance_site",
}


def _script(module: str) -> Callable[[], NoReturn]:
    def main() -> int:
        return int(importlib.import_module(module).main())

    return exit_fast(main)


def attribute(script: str) -> str:
    """The attribute of this module that ``script`` points at (``govcell-ac-tags`` -> ``ac_tags``)."""
    return script.removeprefix("govcell-").replace("-", "_")


globals().update({attribute(name): _script(module) for name, module in SCRIPTS.items()})
