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
    from govcell.cell import Cell
    from govcell.derive.analysis import Analysis
    from govcell_site.data import collect
    from govcell_site.views import stories, words

    expected = {ac.id: (ac.status or "unknown") for s in stories(collect(Analysis(Cell(cell.root)))) for ac in s.acs}

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
                "return Array.from(document.querySelectorAll('.gc-diagram svg text'))"
                ".map(e => e.textContent).join(' ');"))
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
            browser.evaluate(_js("const s = document.querySelector('.gc-filter select[name=tag]'); "
                                 "s.value = 'receipts';"
                                 "s.dispatchEvent(new Event('change')); return true;"))
            assert browser.evaluate(visible) == ["AC-SHOP-003", "AC-SHOP-010"]
            status = expected["AC-SHOP-010"]
            browser.evaluate(_js("const s = document.querySelector('.gc-filter select[name=state]'); "
                                 f"s.value = {json.dumps(status)};"
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


# --------------------------------------------------------------------------- every page type, as a reader

#: every page type of the site: (name for the screenshot, URL path)
PAGE_TYPES = (
    ("dashboard", ""), ("stories", "stories/"), ("story", "stories/US-BIG-001/"), ("acs", "acs/"),
    ("traceability", "traceability/"), ("findings", "findings/"), ("policies", "policies/"), ("graph", "graph/"),
    ("bundles", "bundles/"), ("decisions", "adr/"), ("adr", "adr/ADR-0001/"), ("schemas", "schemas/"),
)
WIDTHS = ((1400, 900), (390, 844))
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"
AXE = Path(__file__).resolve().parent.parent / ".venv" / "share" / "govcell-test" / "axe.min.js"


def _big_cell(cell: CellBuilder) -> None:
    """A cell with every page type: a story of 15 ACs, ADRs (one cited by metadata.adrs only), a bundle,
    a policy with fixtures, findings, long IDs and paths, and a commit."""
    from tests.conftest import git

    parts = ["metadata: {title: Big shop, adrs: [ADR-0002]}", "stories:", "  - id: US-BIG-001",
             "    title: A story of fifteen acceptance criteria", "    adr: ADR-0001", "    requirements:"]
    for r in range(3):
        parts += [f"      - id: REQ-BIG-REQUIREMENT-{r}", f"        title: Requirement {r}",
                  "        acceptance_criteria:"]
        for a in range(5):
            parts += [f"          - id: AC-BIG-{r}{a:02d}",
                      f"            text: Criterion {a} of requirement {r}, a sentence long enough to wrap in a narrow"
                      " column of the page",
                      f"            tags: [{'money' if a % 2 else 'receipts'}]",
                      *([] if (r, a) == (2, 4) else [
                          "            tests:",
                          f'              - {{type: bdd, tag: "@AC-BIG-{r}{a:02d}", '
                          'file: features/very/deeply/nested/directory/big.feature}'])]
    cell.ledger("\n".join(parts) + "\n" + LEDGER.split("stories:\n", 1)[1])
    feature = ["Feature: Big"] + [
        f"  @AC-BIG-{r}{a:02d}\n  Scenario: Criterion {r}.{a}\n    Given step {a}\n" for r in range(3) for a in range(5)
        if (r, a) != (2, 4)] + ["  Scenario: Not tagged with an AC\n    Given nothing\n"]
    cell.write("features/very/deeply/nested/directory/big.feature", "\n".join(feature))
    cell.write("features/pay.feature", FEATURE)
    cell.write("docs/adr/0001-use-cards.md", "# ADR-0001: Use cards\n\nStatus: accepted\n\nWe take **cards**.\n")
    cell.write("docs/adr/0002-keep-a-ledger.md", "# ADR-0002: Keep a ledger\n\nStatus: accepted\n\nOne ledger.\n")
    cell.write(".llm/contextpack.yaml", 'version: "1.0"\ntasks:\n  payments:\n    description: Working on payments\n'
                                        "    max_bytes: 2000\n    include: [features/**/*.feature]\n"
                                        "    acs: [AC-BIG-000]\n")
    cell.write("policy/pay.rego", 'package main\n\nimport rego.v1\n\ndeny contains msg if {\n  input.amount < 0\n'
                                  '  msg := "negative amount"\n}\n')
    cell.write("policy/testdata/pay_valid.json", '{"amount": 10}')
    cell.write("policy/testdata/pay_negative.json", '{"amount": -1}')
    git(cell.root, "init", "-q")
    git(cell.root, "add", "-A")
    git(cell.root, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "cell")


def _links_resolve(site: Path) -> list[str]:
    """Every same-site link of every page points at a file of the site (and at an element of it, for #anchors)."""
    import re
    from urllib.parse import unquote, urlsplit

    ids: dict[Path, set[str]] = {}

    def ids_of(page: Path) -> set[str]:
        if page not in ids:
            ids[page] = set(re.findall(r'\bid="([^"]+)"', page.read_text(encoding="utf-8")))
        return ids[page]

    broken = []
    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html":  # MkDocs' error page links from the site root, wherever it is served
            continue
        html = page.read_text(encoding="utf-8")
        for href in set(re.findall(r'<a [^>]*href="([^"]*)"', html)):
            parts = urlsplit(href.replace("&amp;", "&"))
            if parts.scheme or parts.netloc or href.startswith("javascript:"):
                continue
            rel = unquote(parts.path)
            target = (page.parent / rel).resolve() if rel else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {href}")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in ids_of(target):
                broken.append(f"{page.relative_to(site)}: {href} (no such anchor)")
    return broken


#: elements that hold one ID or path each: none may wrap onto a second line
TOKENS = ".gc-table a.gc-id, .gc-table span.gc-id, .gc-table code, .gc-table td.gc-id > a, .gc-table .gc-path"


@pytest.mark.slow
def test_every_page_type_reads_well_at_desktop_and_phone_width(cell: CellBuilder, tmp_path: Path) -> None:
    executable = chromium_path()
    if executable is None:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium package)")
    _big_cell(cell)
    site = tmp_path / "site"
    result = run_command(f"govcell site build --out {site} --strict", cell.root)
    assert result.code == 0, result.output
    assert _links_resolve(site) == []
    doc = json.loads((site / "status.json").read_text(encoding="utf-8"))
    assert doc["verdict"]["state"] == "fail" and doc["commit"]["sha"]
    axe = AXE.read_text(encoding="utf-8") if AXE.is_file() else None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with serve_directory(site) as base:
        for width, height in WIDTHS:
            browser = Browser(executable, tmp_path / f"profile-{width}", width=width, height=height)
            try:
                browser.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height,
                                                                    "deviceScaleFactor": 1, "mobile": width < 600},
                             session=True)
                for name, path in PAGE_TYPES:
                    browser.goto(base + path)
                    browser.pump(0.2)
                    browser.screenshot(SCREENSHOTS / f"{name}-{width}.png")
                    where = f"{name} at {width}px"
                    overflow = browser.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                    if overflow > 0:
                        problems.append(f"{where}: the page is {overflow}px wider than the window")
                    wrapped = browser.evaluate(_js(
                        f"return Array.from(document.querySelectorAll({json.dumps(TOKENS)}))"
                        ".filter(e => e.getClientRects().length > 1 || (e.getClientRects()[0] &&"
                        " e.getClientRects()[0].height > 2.2 * parseFloat(getComputedStyle(e).lineHeight || 16)))"
                        ".map(e => e.textContent).slice(0, 5);"))
                    if wrapped:
                        problems.append(f"{where}: IDs or paths wrap inside the token: {wrapped}")
                    if axe is not None:
                        browser.evaluate(axe + "\ntrue")
                        found = browser.evaluate(
                            "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
                            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                            ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))")
                        problems.extend(f"{where}: axe {v}" for v in found)
                # the verdict without scrolling
                browser.goto(base)
                box = browser.evaluate(_js(
                    "const r = document.querySelector('#gc-verdict-word').getBoundingClientRect();"
                    "const v = document.querySelector('#verdict').getBoundingClientRect();"
                    "return {top: r.top, bottom: r.bottom, box: v.bottom};"))
                assert box["top"] > 0 and box["bottom"] < height, (width, box)
                if width == 1400:
                    assert box["box"] < height, box  # the whole verdict with its reasons, above the fold
                    nxt = browser.evaluate("document.querySelector('.gc-next-items').getBoundingClientRect().bottom")
                    assert nxt < height
                # a story of 15 ACs: its diagram under 900 px tall
                browser.goto(base + "stories/US-BIG-001/")
                tall = browser.evaluate("document.querySelector('.gc-diagram svg').getBoundingClientRect().height")
                assert 40 < tall < 900, tall
                # filters change the rows and the address, and the address brings the filter back
                for path, control, value in (("acs/", "state", "uncovered"), ("traceability/", "story", "US-SHOP-002"),
                                             ("findings/", "severity", "warning")):
                    browser.goto(base + path)
                    count = _js("return document.querySelector('.gc-filterable').getAttribute('data-shown');")
                    before = browser.evaluate(count)
                    browser.evaluate(_js(f"const s = document.querySelector('.gc-filter select[name={control}]');"
                                         f"s.value = {json.dumps(value)}; s.dispatchEvent(new Event('change'));"
                                         "return true;"))
                    after = browser.evaluate(count)
                    assert int(after) < int(before), (path, before, after)
                    assert f"{control}={value}" in browser.evaluate("location.search")
                    browser.goto(base + path + f"?{control}={value}")
                    assert browser.evaluate(count) == after
                    visible_groups = browser.evaluate(_js(
                        "return Array.from(document.querySelectorAll('tr.gc-group')).filter(r => !r.hidden)"
                        ".map(r => r.dataset.group);"))
                    if path == "traceability/":
                        assert visible_groups == ["s:US-SHOP-002", "r:US-SHOP-002:REQ-SHOP-REFUND"]
                assert browser.errors() == []
                outside = [u for u in browser.requests() if not u.startswith((base, "data:", "blob:"))]
                assert outside == []
            finally:
                browser.close()
    assert not problems, "\n".join(problems)
    if axe is None:
        pytest.skip(f"{AXE} is missing (make install-test fetches axe-core with npm): accessibility not checked")
