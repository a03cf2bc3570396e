"""Executes features/architecture.feature (the ACs of the layered-kernel story)."""

from __future__ import annotations

import json
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from pytest_bdd import parsers, scenarios, then

from govcell_site.views import words
from tests.conftest import CellBuilder, run_command
from tests.test_site_scenarios import dashboard_numbers

scenarios("architecture.feature")


def _lookup(doc: object, path: str) -> object:
    for part in path.split("."):
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]  # type: ignore[index]
    return doc


class _Tables(HTMLParser):
    """Every table of a page as rows of cell texts, with the ``class`` of the table and the id of its figure."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.figure = ""
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "figure":
            self.figure = a.get("id") or ""
        elif tag == "table":
            self.tables.append((f"{self.figure} {a.get('class') or ''}".strip(), []))
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1][1]:
            self.tables[-1][1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "figure":
            self.figure = ""

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _table(tables: list[tuple[str, list[list[str]]]], label: str) -> list[list[str]]:
    found = [rows for name, rows in tables if label in name.split()]
    assert len(found) == 1, (label, [n for n, _ in tables])
    return found[0]


@then(parsers.parse('every count on the built dashboard "{page}" is the one "{command}" prints'))
def _built_dashboard_is_status(cell: CellBuilder, page: str, command: str) -> None:
    html = (cell.root / page).resolve().read_text(encoding="utf-8")
    doc = json.loads(run_command(command, cell.root).stdout)
    site_doc = json.loads((cell.root / Path(page).parent / "status.json").resolve().read_text(encoding="utf-8"))
    assert site_doc == doc

    # Every number that says where it comes from is that number of the status document.
    numbers = dashboard_numbers(html)
    assert {"counts.scenarios", "counts.acs", "acs.all.total", "acs.kernel.passing", "ac_states.failing",
            "scenarios.untagged", "findings.error"} <= set(numbers)
    wrong = {path: (text, _lookup(doc, path)) for path, text in numbers.items()
             if text.strip().split(" ")[0] != str(_lookup(doc, path))}
    assert not wrong, wrong
    # The cell was built so that a recount differs: one scenario proves two ACs, an outline is one scenario.
    assert doc["counts"]["scenarios"] == 4 and doc["counts"]["acs"] == 7 and doc["acs"]["deprecated"] == 1
    assert (doc["ac_status"]["AC-S-004"]["run"], doc["ac_status"]["AC-S-011"]["run"]) == ("passing", "failing")

    # The tables and charts that carry no data-source: the same numbers, grouped as the document groups them.
    parser = _Tables()
    parser.feed(html)
    live = [a for a in doc["ac_status"].values() if a["status"] != "deprecated"]
    stories = _table(parser.tables, "gc-stories")
    per_story = Counter(a["story"] for a in doc["ac_status"].values())
    assert {row[0]: int(row[3]) for row in stories[1:]} == dict(per_story)
    assert sum(int(row[2]) for row in stories[1:]) == doc["counts"]["requirements"]
    states = _table(parser.tables, "gc-status-counts")
    assert {row[0]: int(row[1]) for row in states[1:]} == {words(k): v for k, v in doc["ac_states"].items()}
    coverage = _table(parser.tables, "chart-coverage")
    keys = ("covered", "uncovered", "meta", "passing", "failing", "not_run")
    assert coverage[1] == ["all", *(str(doc["acs"]["all"][k]) for k in keys)]
    by_story = _table(parser.tables, "chart-states")
    header = by_story[0][1:]
    for row in by_story[1:]:
        counted = Counter(words(a["state"]) for a in live if a["story"] == row[0])
        assert {h: int(v) for h, v in zip(header, row[1:])} == {h: counted.get(h, 0) for h in header}, row
    present = [r for r in doc["results"] if r["present"]]
    assert f"{len(present)} of {len(doc['results'])} result file(s) present." in html
    # The decisions page lists the ADR the ledger names and no file holds: the graph's, not a recount.
    adrs = (cell.root / Path(page).parent / "adr" / "index.html").resolve().read_text(encoding="utf-8")
    assert '<td class="gc-id">ADR-0042</td><td class="gc-missing">no ADR file</td>' in adrs
