"""The site's trend page (govcell history) and "changes since BASE" page (govcell diff), without mkdocs."""

from __future__ import annotations

from pathlib import Path

from govcell.cell import Cell
from govcell.derive.analysis import Analysis
from govcell_site.data import add_history, collect
from govcell_site.pages import generate
from govcell_site.render import Context
from govcell_site.views import stories
from tests.conftest import PAY_FEATURE, PAY_LEDGER, PAY_MORE, CellBuilder, commit, init_git


def _pages(root: Path, last: int, base: str | None) -> dict[str, str]:
    data = collect(Analysis(Cell(root)))
    add_history(data, last, base)
    outputs, nav = generate(Context(data, stories(data)))
    return {o.path: o.content for o in outputs if isinstance(o.content, str)} | {"nav": repr(nav)}


def _two_commits(cell: CellBuilder, second: str) -> None:
    init_git(cell.root)
    cell.ledger(PAY_LEDGER)
    cell.write("features/pay.feature", PAY_FEATURE)
    commit(cell.root, "a cell")
    cell.ledger(PAY_LEDGER + PAY_MORE)
    commit(cell.root, second)


def test_trend_and_changes_pages(cell: CellBuilder) -> None:
    _two_commits(cell, "an uncovered <AC>")
    cell.ledger((PAY_LEDGER + PAY_MORE).replace("A refund is accepted", "A refund is accepted within a day"))
    pages = _pages(cell.root, 50, "HEAD~1")
    trend = pages["trends.md"]
    assert 'id="chart-trend"' in trend and "<svg" in trend and "<script" not in trend
    assert "ACs 2 to 3, covered ACs 2 to 2, findings 0 to 1" in trend
    assert "an uncovered &lt;AC&gt;" in trend and "<AC>" not in trend  # commit subjects are text
    changes = pages["changes.md"]
    assert "Changes since <code>HEAD~1</code>" in changes
    assert "AC-A-003" in changes and "uncovered" in changes and ">changed<" in changes
    assert "('Trends', 'trends.md')" in pages["nav"] and "('Changes', 'changes.md')" in pages["nav"]
    # the same repository gives the same pages (the history cache changes nothing)
    assert _pages(cell.root, 50, "HEAD~1") == pages
    # no base: no changes page; no history: no trend page; a base git lacks: the finding, not a crash
    assert "changes.md" not in _pages(cell.root, 50, None)
    assert "trends.md" not in _pages(cell.root, 0, None)
    missing = _pages(cell.root, 0, "no-such-ref")["changes.md"]
    assert "diff.base-missing" in missing and "could not be made" in missing


def test_no_git_no_history_pages(cell: CellBuilder) -> None:
    cell.ledger(PAY_LEDGER)
    pages = _pages(cell.root, 50, "HEAD")
    assert "trends.md" not in pages and "changes.md" not in pages


def test_the_history_from_a_child_is_the_history_computed_in_turn(cell: CellBuilder) -> None:
    """The site starts the history in a child before loading its own cell; its pages are the same."""
    from govcell_site.data import start_history

    _two_commits(cell, "more")
    in_turn = collect(Analysis(Cell(cell.root)))
    add_history(in_turn, 50, None)
    pending = start_history(str(cell.root), None, 50)
    early = collect(Analysis(Cell(cell.root)))
    add_history(early, 50, None, pending)
    def without_stats(doc: dict[str, object]) -> dict[str, object]:  # the second run reads the first's cache
        return {k: v for k, v in doc.items() if k != "stats"}

    assert without_stats(early.derived["history"]) == without_stats(in_turn.derived["history"])
    assert early.derived["history"]["points"]
    assert start_history(str(cell.root), None, 0) is None


def test_a_history_child_that_failed_is_a_finding(cell: CellBuilder) -> None:
    class Failed:
        def result(self) -> tuple[str, str]:
            return "error", "RuntimeError: the child died"

    init_git(cell.root)
    cell.ledger(PAY_LEDGER)
    commit(cell.root, "a cell")
    data = collect(Analysis(Cell(cell.root)))
    add_history(data, 50, None, Failed())
    assert [d.message for d in data.findings if d.code == "site.data-error"] == [
        "could not compute the history: RuntimeError: the child died"]
