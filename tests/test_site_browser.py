"""The built site in headless Chromium, with no network (slow).

Chromium is driven over the DevTools protocol (tests/cdp.py): the site is
served from 127.0.0.1 and every other host name resolves to nothing, so the
test proves the pages work offline, and it records every request the pages
make to prove they never tried to leave the site.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cdp import Browser, chromium_path, serve_directory
from tests.conftest import CellBuilder, run_command

LEDGER = """\
metadata: {title: Shop}
stories:
  - id: US-SHOP-001
    title: Customers can pay
    requirements:
      - id: REQ-SHOP-PAY
        title: Card payments
        acceptance_criteria:
          - id: AC-SHOP-001
            text: A valid card is charged once
            tags: [money]
            tests:
              - {type: bdd, tag: "@AC-SHOP-001", file: features/pay.feature}
          - id: AC-SHOP-002
            text: A declined card is never charged
            must_have_ac: false
          - id: AC-SHOP-003
            text: "Receipts show <b>the amount</b>"
            tags: [money, receipts]
  - id: US-SHOP-002
    title: Refunds
    requirements:
      - id: REQ-SHOP-REFUND
        title: Refund a payment
        acceptance_criteria:
          - id: AC-SHOP-010
            text: A refund returns the whole amount
            tags: [receipts]
"""

FEATURE = """\
Feature: Pay
  @AC-SHOP-001
  Scenario: Charge a valid card
    Given a valid card
    When the customer pays
    Then the card is charged once
"""


def _js(expr: str) -> str:
    return f"(() => {{ {expr} }})()"


@pytest.mark.slow
def test_site_in_headless_chromium(cell: CellBuilder, tmp_path: Path) -> None:
    executable = chromium_path()
    if executable is None:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium package)")
    cell.ledger(LEDGER)
    cell.write("features/pay.feature", FEATURE)
    site = tmp_path / "site"
    result = run_command(f"govcell site build --out {site} --strict", cell.root)
    assert result.code == 0, result.output
    # What the story page must show for each AC is what the kernel says (not a copy of its rules).
    from hooks.cell import Cell
    from site_gen.data import collect
    from site_gen.views import stories, words

    expected = {ac.id: (ac.status or "unknown") for s in stories(collect(Cell(cell.root))) for ac in s.acs}

    browser = Browser(executable, tmp_path / "profile")
    try:
        with serve_directory(site) as base:
            browser.goto(base)
            counts = browser.evaluate(_js(
                "const o = {}; document.querySelectorAll('[data-count]').forEach("
                "e => o[e.dataset.count] = Number(e.textContent)); return o;"))
            assert counts["stories"] == 2 and counts["requirements"] == 2 and counts["acs"] == 4
            assert counts["kernel-acs"] == 3
            browser.screenshot(tmp_path / "dashboard.png")

            browser.goto(base + "stories/US-SHOP-001/")
            shown = browser.evaluate(_js(
                "const o = {}; document.querySelectorAll('.gc-ac').forEach("
                "e => o[e.dataset.ac] = e.querySelector('h3 .gc-badge').textContent); return o;"))
            assert shown == {k: words(v) for k, v in expected.items() if k != "AC-SHOP-010"}
            assert browser.evaluate("document.querySelector('.gc-ac[data-ac=\"AC-SHOP-003\"] .gc-ac-text')"
                                    ".textContent") == "Receipts show <b>the amount</b>"
            # The diagram is an inline SVG drawn at build time; its nodes are links to the page's anchors.
            size = browser.evaluate(_js(
                "const r = document.querySelector('.gc-diagram svg.gc-tree').getBoundingClientRect();"
                "return {w: r.width, h: r.height};"))
            assert size["w"] > 300 and 50 < size["h"] < 900, size
            drawn = browser.evaluate(_js(
                "return Array.from(document.querySelectorAll('.gc-diagram svg text')).map(e => e.textContent).join(' ');"))
            assert all(i in drawn for i in ("US-SHOP-001", "REQ-SHOP-PAY", "AC-SHOP-001", "AC-SHOP-003")), drawn
            assert "US-SHOP-002" not in drawn
            assert browser.evaluate("document.querySelector('.gc-mermaid-source code').textContent")\
                .startswith("flowchart LR")
            shot = browser.screenshot(tmp_path / "story.png")
            assert shot.stat().st_size > 10_000

            browser.goto(base + "acs/")
            browser.wait_for("document.querySelector('.gc-filter-count').textContent !== ''")
            visible = _js("return Array.from(document.querySelectorAll('#gc-ac-table tbody tr'))"
                          ".filter(r => !r.hidden).map(r => r.cells[0].textContent);")
            assert browser.evaluate(visible) == ["AC-SHOP-001", "AC-SHOP-002", "AC-SHOP-003", "AC-SHOP-010"]
            browser.evaluate(_js("const s = document.querySelector('.gc-filter select[name=tag]'); s.value = 'receipts';"
                                 "s.dispatchEvent(new Event('change')); return true;"))
            assert browser.evaluate(visible) == ["AC-SHOP-003", "AC-SHOP-010"]
            status = expected["AC-SHOP-010"]
            browser.evaluate(_js(f"const s = document.querySelector('.gc-filter select[name=state]'); s.value = {json.dumps(status)};"
                                 "s.dispatchEvent(new Event('change')); return true;"))
            assert browser.evaluate(visible) == [a for a in ("AC-SHOP-003", "AC-SHOP-010") if expected[a] == status]
            assert browser.evaluate("document.querySelector('.gc-filter-count').textContent").endswith("of 4 shown")

            # lunr search, in its web worker, from the site's own files
            browser.goto(base + "?q=AC-SHOP-010")
            hits = browser.wait_for(_js(
                "const l = document.querySelectorAll('.md-search-result__item a');"
                "return l.length ? Array.from(l).map(a => a.getAttribute('href')) : null;"))
            assert any("stories/US-SHOP-002/" in h and h.endswith("#AC-SHOP-010") for h in hits), hits
            browser.screenshot(tmp_path / "search.png")
            browser.pump(0.3)

            assert browser.errors() == []
            outside = [u for u in browser.requests() if not u.startswith((base, "data:", "blob:"))]
            assert outside == []
    finally:
        browser.close()
