"""The one cache of derived results: an :class:`Analysis` of one loaded :class:`~govcell.cell.Cell`.

The cell holds the inputs as read (config, ledger, tasks, flows, contextpack,
doc index, feature files, result files, ADRs); everything computed from them
is a pure function of its inputs (``coverage.compute``, ``graph.build``,
``policy.start.build_report``, ``matching.match_scenarios``...) and is computed
here at most once, on first use.  Layers above derive (the checks' findings,
the status document) keep their results here too, through :meth:`Analysis.cached`,
so ``govcell check``, ``govcell status`` and the site share one computation
of each without ``derive`` importing them.

Nothing is computed eagerly: a hook that needs only the ledger never parses a
feature file or imports networkx or the policy engine.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.derive.bundles import Bundler, BundleBudget
    from govcell.derive.coverage import Coverage
    from govcell.derive.graph import GovGraph
    from govcell.derive.policy.model import PolicyReport
    from govcell.derive.suspect import Assessment
    from govcell.load.results import ResultSet

T = TypeVar("T")


class Analysis:
    """Every derived result of ``cell``, each computed at most once, on first use."""

    def __init__(self, cell: Cell) -> None:
        self.cell = cell
        self._memo: dict[Hashable, Any] = {}

    def release(self) -> None:
        """Drop every derived result, so the cell can be freed without the cyclic collector.

        Some results point back at the analysis (the bundler asks it for the coverage), and
        govcell's commands pause the cyclic collector (``govcell.process.no_cycle_gc``): an
        analysis dropped whole would keep its cell for the rest of the command.  A command
        that analyses many cells in turn (a history, the site's trends) releases each.
        """
        self.__dict__.clear()

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, once per ``key`` for this analysis (for results of the layers above derive)."""
        if key not in self._memo:
            self._memo[key] = compute()
        value: T = self._memo[key]
        return value

    @functools.cached_property
    def results(self) -> ResultSet:
        """The cell's test results, each scenario result attached to its scenario (stale ones reported)."""
        from govcell.derive.matching import match_results

        read = self.cell.test_results
        if not read.results:
            return read  # nothing to match: the test-results hook need not parse the feature files and the ledger
        return match_results(read, self.cell.features, self.cell.ledger)

    @functools.cached_property
    def review(self) -> Assessment:
        """Every AC's proofs against the reviews file: which are suspect (their AC changed since)."""
        from govcell.derive.suspect import assess

        return assess(self.cell)

    @functools.cached_property
    def coverage(self) -> Coverage:
        """Static coverage and run status of every AC, with requirement/story roll-ups."""
        from govcell.derive.coverage import compute

        return compute(self.cell.ledger, self.cell.features, self.results, self.cell.config.ac_tags.exempt,
                       self.review)

    @functools.cached_property
    def graph(self) -> GovGraph:
        """The governance graph of the cell's inputs."""
        from govcell.derive.graph import build

        return build(self.cell)

    @functools.cached_property
    def policy_report(self) -> PolicyReport:
        """Policies run on their fixtures and targets (imports the policy engine); at a revision, on a copy."""
        pending = self.__dict__.pop("_policy_pending", None)
        if pending is not None:
            report: PolicyReport = pending()
            return report
        from govcell.derive.policy.start import build_report

        return build_report(self.cell)

    def start_policy_report(self) -> None:
        """Start the policy run (a child process) now, so it runs while other checks do their work."""
        if "policy_report" in self.__dict__ or "_policy_pending" in self.__dict__:
            return
        from govcell.derive.policy.start import start_report

        self.__dict__["_policy_pending"] = start_report(self.cell)

    @functools.cached_property
    def bundler(self) -> Bundler:
        """What the cell's bundles share: the file list, each file read and scanned once, .llmignore."""
        from govcell.derive.bundles import Bundler

        listing = self.__dict__.pop("_listing", None)
        return Bundler(self.cell, lambda: self.coverage.acs, listing() if listing is not None else None)

    def start_listing(self) -> None:
        """Start listing the files bundles may carry (git runs meanwhile; :attr:`bundler` takes the list).

        Only in a console script with a contextpack (``govcell.process.in_console_script``): a listing
        nobody takes is left to the process's end, which an in-process caller never reaches.
        """
        from govcell.process import in_console_script

        if "bundler" in self.__dict__ or "_listing" in self.__dict__ or not in_console_script() \
                or not self.cell.source.exists(self.cell.config.paths.contextpack):
            return
        from govcell.derive.bundles.bundler import start_listing

        self.__dict__["_listing"] = start_listing(self.cell)

    @functools.cached_property
    def budgets(self) -> list[BundleBudget]:
        """Every contextpack task's rendered size against its budget."""
        from govcell.derive.bundles import budgets

        return budgets(self.bundler)

    @functools.cached_property
    def next_items(self) -> list[dict[str, Any]]:
        """``govcell next``'s ranked work items (unlimited)."""
        from govcell.derive.next_work import next_items

        return next_items(self.cell, self.coverage)
