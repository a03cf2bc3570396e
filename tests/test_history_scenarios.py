"""Executes features/history.feature (govcell history, its cache, the site's trend) on real git repositories."""

from __future__ import annotations

from pathlib import Path

from pytest_bdd import given, parsers, scenarios, then

from tests.conftest import PAY_LEDGER, PAY_MORE, CellBuilder, Result, commit
from tests.test_history import make_history

scenarios("history.feature")


@given("a git cell whose history adds an uncovered AC, renames its feature file, changes code only and covers the AC",
       target_fixture="cell")
def _history(cell: CellBuilder) -> CellBuilder:
    return make_history(cell)


@given("one more commit that rewrites an AC")
def _one_more(cell: CellBuilder) -> None:
    cell.ledger(PAY_LEDGER.replace("by card", "by card or wallet") + PAY_MORE)
    commit(cell.root, "reword")


@given("a cell outside git")
def _outside(cell: CellBuilder) -> None:
    cell.ledger(PAY_LEDGER)


def _lines(ctx: dict[str, object]) -> list[list[str]]:
    result = ctx["result"]
    assert isinstance(result, Result) and result.code == 0, result.output
    return [ln.split() for ln in result.stdout.splitlines()[1:]]


@then(parsers.parse('the history lists the ACs "{acs}" and the covered ACs "{covered}"'))
def _columns(ctx: dict[str, object], acs: str, covered: str) -> None:
    rows = _lines(ctx)
    assert [r[2] for r in rows] == acs.split(", ") and [r[3] for r in rows] == covered.split(", "), rows


@then(parsers.parse('the history\'s last subject is "{subject}"'))
def _last(ctx: dict[str, object], subject: str) -> None:
    assert " ".join(_lines(ctx)[-1][9:]) == subject


@then(parsers.parse('the site page "{rel}" contains "{text}"'))
def _site_page(cell: CellBuilder, rel: str, text: str) -> None:
    page = Path(cell.root / "site" / rel)
    assert page.is_file(), sorted(p.relative_to(cell.root).as_posix() for p in (cell.root / "site").rglob("*.html"))
    assert text in page.read_text()
