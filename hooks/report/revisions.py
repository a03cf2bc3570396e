"""The cell at other revisions, analysed and checked: the sides of ``govcell diff``, the points of
``govcell history`` and the findings ``govcell check --new-since`` compares with.

The derivations (``govcell.derive.diff``, ``.history``, ``.fingerprint``) load a revision
and compare; they take the function that checks an analysed cell as an argument, so
they never import the checks (derive sits below them).  This module, above the checks,
is what the commands and the site call: it hands them the registry's runner.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govcell.derive.analysis import Analysis
    from govcell.diagnostics import Diagnostic


def diff_findings(analysis: Analysis) -> list[Diagnostic]:
    """The findings ``govcell diff`` and ``govcell history`` compare: the checks of a revision."""
    from govcell.checks import run
    from govcell.derive.diff import DIFF_CHECKS

    return run(analysis, list(DIFF_CHECKS))


def check_modules() -> tuple[str, ...]:
    """The checks' modules, imported before the sides are forked (each child would import them again)."""
    from govcell.checks import CHECKS

    from govcell.derive.diff import DIFF_CHECKS

    return ("govcell.checks", "govcell.derive.bundles.render", *(CHECKS[name].module for name in DIFF_CHECKS))


def diff(root: str, config: str | None, base: str | None, head: str | None, *,
         staged: bool = False) -> dict[str, Any]:
    """The ``govcell.diff/1`` document of ``base`` -> ``head`` (``govcell.derive.diff.compute``)."""
    from govcell.derive.diff import compute

    from govcell.derive.diff import DIFF_CHECKS

    return compute(root, config, base, head, staged=staged, findings=diff_findings, preload=check_modules(),
                   cache_as="checks:" + ",".join(DIFF_CHECKS))


def history(root: str, config: str | None, last: int = 50, *, use_cache: bool = True) -> dict[str, Any]:
    """The ``govcell.history/1`` document of the last ``last`` commits (``govcell.derive.history.compute``)."""
    from govcell.derive.history import compute

    return compute(root, config, last, use_cache=use_cache, findings=diff_findings, preload=check_modules())


def baseline_counts(root: object, config: str | None, checks: list[str] | None, new_since: str | None,
                    baseline: str | None) -> tuple[Counter[str] | None, str, list[Diagnostic]]:
    """What ``--new-since`` / ``--baseline`` compare with (``govcell.derive.fingerprint.baseline_counts``)."""
    from govcell.checks import run
    from govcell.derive.fingerprint import baseline_counts as counts

    from govcell.checks import CHECKS

    def findings(analysis: Analysis) -> list[Diagnostic]:
        return run(analysis, checks)

    return counts(root, config, new_since, baseline, findings, "checks:" + ",".join(checks or CHECKS))
