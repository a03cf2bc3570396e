"""Executes features/real_cells.feature: the Rust template's files as they are, partial loading."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from pytest_bdd import given, parsers, scenarios, then

from tests.conftest import CellBuilder, Result

scenarios("real_cells.feature")


def _result(ctx: dict[str, object]) -> Result:
    result = ctx["result"]
    assert isinstance(result, Result)
    return result


@given("the reference cell of the Rust template", target_fixture="cell")
def _reference(reference_cell: Path, tmp_path: Path) -> CellBuilder:
    root = tmp_path / "rust-template"
    shutil.copytree(reference_cell, root, symlinks=True)
    return CellBuilder(root)


@given("one AC of its ledger is broken")
def _break_one_ac(cell: CellBuilder) -> None:
    ledger = cell.root / "specs/spec_ledger.yaml"
    text = ledger.read_text()
    start = '            text: "GET /health returns 200'
    end = "status 'ok' when service is healthy\""
    assert start in text and end in text
    ledger.write_text(text.replace(start, '            text: {broken: "GET /health returns 200', 1)
                      .replace(end, end + "}", 1))


@then(parsers.parse("the status counts {stories:d} stories, {reqs:d} requirements, {acs:d} ACs and {scenarios:d} "
                    "scenarios in {files:d} feature files"))
def _status_counts(ctx: dict[str, object], stories: int, reqs: int, acs: int, scenarios: int, files: int) -> None:
    counts = json.loads(_result(ctx).stdout)["counts"]
    assert (counts["stories"], counts["requirements"], counts["acs"], counts["scenarios"],
            counts["feature_files"]) == (stories, reqs, acs, scenarios, files)


@then(parsers.parse("the status counts {n:d} orphaned scenarios"))
def _orphans(ctx: dict[str, object], n: int) -> None:
    assert json.loads(_result(ctx).stdout)["scenarios"]["orphaned"] == n


@then(parsers.parse('the status lists {n:d} invalid items in "{path}"'))
def _invalid_items(ctx: dict[str, object], n: int, path: str) -> None:
    assert json.loads(_result(ctx).stdout)["invalid_items"] == {path: n}


@then('the output has no finding ending in ".type", ".missing-field" or ".unknown-key"')
def _no_format_errors(ctx: dict[str, object]) -> None:
    out = _result(ctx).output
    bad = re.findall(r"^\S+: \w+: [\w-]+\.(?:type|missing-field|unknown-key): .*$", out, re.M)
    assert bad == [], bad
    assert "finding(s)" in out or out == ""


@then(parsers.parse('the file "{rel}" still reads "{text}"'))
def _file_unchanged(cell: CellBuilder, rel: str, text: str) -> None:
    assert (cell.root / rel).read_text().strip() == text


@then(parsers.parse('the output line {n:d} contains "{text}"'))
def _line_contains(ctx: dict[str, object], n: int, text: str) -> None:
    lines = _result(ctx).stdout.splitlines()
    assert len(lines) >= n and text in lines[n - 1], lines[:n]


@then(parsers.parse("the site has a page for each of the {n:d} stories"))
def _story_pages(cell: CellBuilder, n: int) -> None:
    pages = sorted(p.parent.name for p in (cell.root / "site").rglob("stories/*/index.html"))
    assert len(pages) == n, pages


@then(parsers.parse("the site's findings page lists \"{ident}\" among the items left out"))
def _left_out(cell: CellBuilder, ident: str) -> None:
    (page,) = list((cell.root / "site").rglob("findings/index.html"))
    html = page.read_text()
    assert 'id="left-out"' in html
    table = html.split('id="gc-invalid-table"', 1)[1].split("</table>", 1)[0]
    assert re.search(rf"<code[^>]*>{re.escape(ident)}</code>", table), table
