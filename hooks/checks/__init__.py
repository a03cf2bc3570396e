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

A check whose work no other check shares (the graph; the ledger's ID walk) is
marked ``aside``: on a large cell ``govcell check`` runs those checks in one
forked child while the other checks run in this process, and takes their findings
back in their place, so the output is the one-process output
(``GOVCELL_DIFF_SERIAL=1`` runs everything here).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import importlib
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol, cast

from govcell.diagnostics import Diagnostic, apply_policy, diag

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.derive.analysis import Analysis
    from govcell.load.config import Config
    from govcell.process import Later


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
    #: its work is its own (no other check asks for what it derives): on a large cell it may run in a
    #: forked child while the other checks run (``_start_aside``)
    aside: bool = False
    #: lists the repository's files (the bundles' candidates): worth starting git early (``Analysis.start_listing``)
    lists_files: bool = False
    #: takes its result from a child started before the checks ran (the policy run): it runs after the
    #: other checks of this process, so that the child has their time to finish in, not a wait of its own
    waits: bool = False

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
          reads_features=False, aside=True),
    Check("context-bundles", "govcell.checks.context_bundles", owns=("bundle.*", "contextpack.*"),
          shares=(*READING, *_LEDGER_CAUSES, "write.*"),
          covers=(Cover("graph.dangling-ref", lambda config: config.paths.contextpack),), lists_files=True),
    Check("policy-test", "govcell.checks.policy_test", owns=("policy.*",), reads_features=False, waits=True),
    Check("governance-graph", "govcell.checks.governance_graph", owns=("graph.*", "adr.*"),
          shares=(*READING, *_LEDGER_CAUSES, "tasks.*", "flows.*", "contextpack.*", "docindex.*"), aside=True),
    Check("ac-tags", "govcell.checks.ac_tags", owns=("ac.*", "gherkin.*", "coverage.*", "review.*", "reviews.*"),
          shares=(*READING, *_LEDGER_CAUSES, "config.bad-pattern"),
          covers=(Cover("graph.dangling-scenario-tag"), Cover("graph.kernel-ac-untested"))),
    Check("feature-status", "govcell.checks.feature_status", owns=("feature-status.*",),
          shares=(*READING, *_LEDGER_CAUSES, "write.*")),
    Check("test-results", "govcell.checks.test_results", owns=("results.*",), shares=()),
)}


def run(analysis: Analysis, names: Sequence[str] | None = None, *, strict: bool = False,
        aside: bool = False) -> list[Diagnostic]:
    """Run ``names`` (default: all) on the analysed cell; config findings always come first.

    The findings of a set of checks are kept on the analysis: the status document,
    the site and ``govcell check`` may all ask in one process.  ``aside``: the caller
    wants only the findings (``govcell check``), so a check set aside may derive its
    result in a child (``_start_aside``); a caller that reads the derived results
    afterwards (the site reads the graph) leaves it off, or they would be derived twice.
    """
    chosen = tuple(names or CHECKS)
    return list(analysis.cached(("findings", chosen, bool(strict)), lambda: _run(analysis, chosen, strict, aside)))


def _run(analysis: Analysis, chosen: tuple[str, ...], strict: bool, aside_ok: bool) -> list[Diagnostic]:
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
    aside, later = _start_aside(analysis, chosen) if aside_ok else ((), None)
    # Run order is not report order: the findings are put together in ``chosen`` order below.
    here = sorted((name for name in chosen if name not in aside), key=lambda name: CHECKS[name].waits)
    by_check = {name: _run_one(analysis, name) for name in here}
    if later is not None:
        done = _aside_result(later)
        by_check.update((name, _run_one(analysis, name) if done is None else done[name]) for name in aside)
    found.extend((name, d) for name in chosen for d in by_check[name])
    # One problem, one finding: what a running check covers is its finding, not another check's.
    covers = [(name, cover) for name in chosen for cover in CHECKS[name].covers]
    kept = [d for source, d in found
            if not any(source != owner and cover.matches(d, cell.config) for owner, cover in covers)]
    # One cause, one finding: an unreadable file is reported by every check that needs it.
    unique = list(dict.fromkeys(kept))
    return apply_policy(unique, cell.config.severity, strict=strict or cell.config.strict)


def _run_one(analysis: Analysis, name: str) -> list[Diagnostic]:
    """One check's findings; a check that crashes is reported (``internal.error``), never lost."""
    try:
        return CHECKS[name].run(analysis)
    except Exception as exc:  # noqa: BLE001 - last line of defence, reported as a finding
        return [diag("internal.error", f"check {name} failed: {type(exc).__name__}: {exc}", ".",
                     hint="this is a govcell bug; please report it with the file that triggered it")]


def _start_aside(analysis: Analysis, chosen: tuple[str, ...]) -> tuple[tuple[str, ...], Later | None]:
    """The ``aside`` checks of ``chosen``, started in one forked child, when that is worth it.

    Only in a console script (:func:`govcell.process.in_console_script`), with a core to spare,
    other checks to run meanwhile and a large cell: the graph and the ID walk of an 8,000-item
    cell take 0.35 s, a fork 5 ms.  The child gets the cell as loaded so far (the feature files
    taken first, see ``Cell.features``); what it derives no other check asks for, so nothing is
    computed twice, and the findings are the same as in one process.
    """
    from govcell.process import Later, in_console_script

    names = tuple(n for n in chosen if CHECKS[n].aside)
    if not names or len(names) == len(chosen) or not in_console_script() or (os.cpu_count() or 1) < 2:
        return (), None
    cell = analysis.cell
    if not _large(cell):
        return (), None
    if any(CHECKS[n].reads_features for n in names):
        cell.features  # noqa: B018 - taken from its child here, so no two processes read that child's pipe
    from govcell.load.cache import with_counts
    from govcell.load.git import close_all

    return names, Later(with_counts, (_run_several, analysis, names), close_all)


def _run_several(analysis: Analysis, names: tuple[str, ...]) -> dict[str, list[Diagnostic]]:
    return {name: _run_one(analysis, name) for name in names}


def _aside_result(later: Later) -> dict[str, list[Diagnostic]] | None:
    """The aside checks' findings by check (their cache counts merged into this process's); None if the child failed."""
    from govcell.load.cache import counted_result

    ok, found = counted_result(later)
    return cast("dict[str, list[Diagnostic]]", found) if ok else None


#: From this many acceptance criteria up, a check set aside runs in a child (below, a fork costs more than it saves).
ASIDE_MIN_ACS = 400


def _large(cell: Cell) -> bool:
    """The ledger holds at least :data:`ASIDE_MIN_ACS` acceptance criteria."""
    ledger = cell.ledger.model
    if ledger is None:
        return False
    return sum(len(r.acceptance_criteria) for s in ledger.stories for r in s.requirements) >= ASIDE_MIN_ACS
