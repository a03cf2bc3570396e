"""The registry of checks, and the one function that runs any set of them.

A check is named by its hook id and lives in its own module of this package
(``govcell.checks.spec_ledger`` for ``spec-ledger``...), imported only when it
runs, so a hook that runs one check never imports the others' dependencies.
Each module's ``check(analysis)`` returns findings as values.

Every check declares the finding codes it reports: the codes it ``owns``
(no other check reports them), the codes it ``shares`` (reading its input files,
the path policy of what it writes, the cause of an input it could not read:
the same finding from two checks is reported once), and the problems it
``covers`` that another check also reports in its own terms (``ac-tags`` says
``ac.orphaned-tag`` where the graph says ``graph.dangling-scenario-tag``): when
both run, only the covering check's finding is kept.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from govcell.diagnostics import Diagnostic, apply_policy, diag

if TYPE_CHECKING:
    from govcell.derive.analysis import Analysis
    from govcell.load.config import Config


class CheckModule(Protocol):
    """What a check's module provides."""

    def check(self, analysis: Analysis) -> list[Diagnostic]: ...


@dataclasses.dataclass(frozen=True)
class Cover:
    """Another check's ``code`` (only where ``in_file`` is, when given) that says a problem this check reports."""

    code: str
    in_file: Callable[[Config], str] | None = None

    def matches(self, d: Diagnostic, config: Config) -> bool:
        return d.code == self.code and (self.in_file is None or d.path == self.in_file(config))


#: the codes of reading a file (``file.*``) and YAML (``yaml.*``): every check that reads an input may report them
READING = ("file.*", "yaml.*")


@dataclasses.dataclass(frozen=True)
class Check:
    """One check: its hook id, its module, and the codes it reports (exact codes or families ``x.*``)."""

    name: str
    module: str
    owns: tuple[str, ...]
    shares: tuple[str, ...] = READING
    covers: tuple[Cover, ...] = ()
    #: parses the feature files (``Cell.features``): worth starting that early (``Cell.prefetch_features``)
    reads_features: bool = True

    def run(self, analysis: Analysis) -> list[Diagnostic]:
        mod: CheckModule = importlib.import_module(self.module)
        return mod.check(analysis)

    def declares(self, code: str) -> bool:
        """True when ``code`` is one this check says it may report."""
        return any(code == p or (p.endswith(".*") and fnmatch.fnmatchcase(code, p))
                   for p in (*self.owns, *self.shares))


#: the causes other checks repeat when the ledger could not be read
_LEDGER_CAUSES = ("ledger.*",)

#: hook id -> check, in the order ``govcell check`` runs them
CHECKS: dict[str, Check] = {c.name: c for c in (
    Check("spec-ledger", "govcell.checks.spec_ledger",
          owns=("ledger.*", "tasks.*", "flows.*", "docindex.*"), shares=(*READING, "config.bad-pattern"),
          reads_features=False),
    Check("context-bundles", "govcell.checks.context_bundles", owns=("bundle.*", "contextpack.*"),
          shares=(*READING, *_LEDGER_CAUSES, "write.*"),
          covers=(Cover("graph.dangling-ref", lambda config: config.paths.contextpack),)),
    Check("policy-test", "govcell.checks.policy_test", owns=("policy.*",), reads_features=False),
    Check("governance-graph", "govcell.checks.governance_graph", owns=("graph.*", "adr.*"),
          shares=(*READING, *_LEDGER_CAUSES, "tasks.*", "flows.*", "contextpack.*", "docindex.*")),
    Check("ac-tags", "govcell.checks.ac_tags", owns=("ac.*", "gherkin.*", "coverage.*", "review.*", "reviews.*"),
          shares=(*READING, *_LEDGER_CAUSES, "config.bad-pattern"),
          covers=(Cover("graph.dangling-scenario-tag"), Cover("graph.kernel-ac-untested"))),
    Check("feature-status", "govcell.checks.feature_status", owns=("feature-status.*",),
          shares=(*READING, *_LEDGER_CAUSES, "write.*")),
    Check("test-results", "govcell.checks.test_results", owns=("results.*",), shares=()),
)}


def run(analysis: Analysis, names: Sequence[str] | None = None, *, strict: bool = False) -> list[Diagnostic]:
    """Run ``names`` (default: all) on the analysed cell; config findings always come first.

    The findings of a set of checks are kept on the analysis: the status document,
    the site and ``govcell check`` may all ask in one process.
    """
    chosen = tuple(names or CHECKS)
    return list(analysis.cached(("findings", chosen, bool(strict)), lambda: _run(analysis, chosen, strict)))


def _run(analysis: Analysis, chosen: tuple[str, ...], strict: bool) -> list[Diagnostic]:
    """Every chosen check's findings, each problem once, severity policy applied.

    A check that crashes is itself reported (``internal.error``) so the other
    checks' findings are never lost; that is a govcell bug, never the user's.
    """
    cell = analysis.cell
    found: list[tuple[str, Diagnostic]] = [("", d) for d in cell.config_diagnostics]
    if "policy-test" in chosen and len(chosen) > 1:
        try:
            analysis.start_policy_report()  # its child runs while the checks before it do their work
        except Exception:  # noqa: BLE001 - the policy check computes (and reports) it itself
            pass
    for name in chosen:
        try:
            found.extend((name, d) for d in CHECKS[name].run(analysis))
        except Exception as exc:  # noqa: BLE001 - last line of defence, reported as a finding
            found.append((name, diag("internal.error", f"check {name} failed: {type(exc).__name__}: {exc}", ".",
                                     hint="this is a govcell bug; please report it with the file that triggered it")))
    # One problem, one finding: what a running check covers is its finding, not another check's.
    covers = [(name, cover) for name in chosen for cover in CHECKS[name].covers]
    kept = [d for source, d in found
            if not any(source != owner and cover.matches(d, cell.config) for owner, cover in covers)]
    # One cause, one finding: an unreadable file is reported by every check that needs it.
    unique = list(dict.fromkeys(kept))
    return apply_policy(unique, cell.config.severity, strict=strict or cell.config.strict)
