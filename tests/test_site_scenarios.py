"""Executes features/site.feature (the ACs of the governance site story)."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

from pytest_bdd import parsers, scenarios, then, when

from tests.conftest import CellBuilder, Result, run_command

scenarios("site.feature")


def _site(cell: CellBuilder, ctx: dict[str, object]) -> Path:
    site = ctx.get("site")
    return site if isinstance(site, Path) else cell.root.parent / "out"


@when(parsers.parse('I run "mkdocs build --strict" in the cell'))
def _mkdocs_build(cell: CellBuilder, ctx: dict[str, object]) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=cell.root, env=env,
                          capture_output=True, text=True, check=False)
    ctx["result"] = Result(proc.returncode, proc.stdout, proc.stderr)
    ctx["site"] = cell.root / "site"


@when("the governance pages are rendered")
def _render(cell: CellBuilder, ctx: dict[str, object]) -> None:
    from govcell.cell import Cell
    from govcell.derive.analysis import Analysis
    from govcell_site.data import collect
    from govcell_site.pages import generate
    from govcell_site.render import Context
    from govcell_site.views import stories

    data = collect(Analysis(Cell(cell.root)))
    outputs, _nav = generate(Context(data, stories(data)))
    ctx["generated"] = {o.path: o.content for o in outputs}


def _generated(ctx: dict[str, object], path: str) -> str:
    generated = ctx["generated"]
    assert isinstance(generated, dict) and path in generated, f"{path} not generated: {sorted(generated)}"
    content = generated[path]
    return content if isinstance(content, str) else content.decode()


@then(parsers.parse('the site has the files "{names}"'))
def _site_files(cell: CellBuilder, ctx: dict[str, object], names: str) -> None:
    site = _site(cell, ctx)
    missing = [n.strip() for n in names.split(",") if not (site / n.strip()).is_file()]
    assert not missing, f"missing in {site}: {missing}; output:\n{ctx['result'].output}"  # type: ignore[attr-defined]


@then(parsers.parse('the site page "{page}" contains "{text}"'))
def _page_contains(cell: CellBuilder, ctx: dict[str, object], page: str, text: str) -> None:
    html = (_site(cell, ctx) / page).read_text(encoding="utf-8")
    text = text.replace('\\"', '"')
    assert text in html, f"{text!r} not in {page}"


@then(parsers.parse('the site navigation has the section "{title}"'))
def _nav_section(cell: CellBuilder, ctx: dict[str, object], title: str) -> None:
    html = (_site(cell, ctx) / "index.html").read_text(encoding="utf-8")
    nav = html[html.index('class="md-nav md-nav--primary"'):]
    assert re.search(rf">\s*{re.escape(title)}\s*<", nav), f"no nav section {title!r}"


@then(parsers.parse('no page of the site contains "{text}"'))
def _no_page_contains(cell: CellBuilder, ctx: dict[str, object], text: str) -> None:
    text = text.replace('\\"', '"')
    site = _site(cell, ctx)
    pages = list(site.rglob("*.html"))
    assert pages
    bad = [p.relative_to(site).as_posix() for p in pages if text in p.read_text(encoding="utf-8")]
    assert not bad, f"{text!r} found in {bad}"


@then(parsers.parse('the site page "{page}" shows {stories:d} "stories", {reqs:d} "requirements" and {acs:d} "acs"'))
def _dashboard_counts(cell: CellBuilder, ctx: dict[str, object], page: str, stories: int, reqs: int,
                      acs: int) -> None:
    html = (_site(cell, ctx) / page).read_text(encoding="utf-8")
    for key, want in (("stories", stories), ("requirements", reqs), ("acs", acs)):
        found = re.search(rf'data-count="{key}">(\d+)<', html)
        assert found and int(found.group(1)) == want, f"{key}: {found and found.group(1)} != {want}"


@then(parsers.parse('the generated file "{path}" has the header "{header}"'))
def _csv_header(ctx: dict[str, object], path: str, header: str) -> None:
    assert _generated(ctx, path).splitlines()[0] == header


@then(parsers.parse('the generated file "{path}" has {n:d} rows'))
def _csv_rows(ctx: dict[str, object], path: str, n: int) -> None:
    rows = list(csv.reader(io.StringIO(_generated(ctx, path))))
    assert len(rows) - 1 == n, rows


@then(parsers.parse('the generated file "{path}" contains "{text}"'))
@then(parsers.parse('the generated page "{path}" contains "{text}"'))
def _generated_contains(ctx: dict[str, object], path: str, text: str) -> None:
    content = _generated(ctx, path)
    text = text.replace('\\"', '"')
    assert text in content, f"{text!r} not in {path}:\n{content[:2000]}"


@then(parsers.parse('the dashboard\'s error count is the number of errors "govcell check" reports'))
def _error_count_matches(cell: CellBuilder, ctx: dict[str, object]) -> None:
    report = run_command("govcell check --format json", cell.root)
    import json

    errors = json.loads(report.stdout)["summary"]["error"]
    assert errors > 0
    found = re.search(r'data-count="errors">(\d+)<', _generated(ctx, "index.md"))
    assert found and int(found.group(1)) == errors


@then(parsers.parse('the site file "{rel}" is what "{command}" prints'))
def _site_file_is_command_output(cell: CellBuilder, ctx: dict[str, object], rel: str, command: str) -> None:
    printed = run_command(command, cell.root)
    assert printed.stdout.strip(), printed.output
    assert (_site(cell, ctx) / rel).read_text(encoding="utf-8") == printed.stdout


@then(parsers.parse('the story page "{page}" shows each AC with the status the kernel computed'))
def _story_statuses(cell: CellBuilder, ctx: dict[str, object], page: str) -> None:
    from govcell.cell import Cell
    from govcell.derive.analysis import Analysis

    html = (_site(cell, ctx) / page).read_text(encoding="utf-8")
    shown = dict(re.findall(r'<div class="gc-ac" data-ac="([^"]+)" data-status="([^"]+)">', html))
    kernel = Analysis(Cell(cell.root)).coverage.acs
    expected = {a: kernel[a].state.replace("_", "-") for a in shown}
    assert shown and shown == expected
    for ac_id, state in expected.items():
        assert re.search(rf'<h3 id="{ac_id}">{ac_id} <span class="gc-badge gc-{state}">', html), ac_id


def dashboard_numbers(page: str) -> dict[str, str]:
    """``data-source`` path -> the text of the element that carries it, for every number of the dashboard."""
    from html.parser import HTMLParser

    found: dict[str, str] = {}

    class Numbers(HTMLParser):
        stack: ClassVar[list[tuple[str, str | None]]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.stack.append((tag, dict(attrs).get("data-source")))
            if dict(attrs).get("data-source"):
                found[str(dict(attrs)["data-source"])] = ""

        def handle_endtag(self, tag: str) -> None:
            while self.stack:
                if self.stack.pop()[0] == tag:
                    break

        def handle_data(self, text: str) -> None:
            for _tag, source in self.stack:
                if source:
                    found[source] += text

    Numbers().feed(page)
    return found


def _lookup(doc: object, path: str) -> object:
    for part in path.split("."):
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]  # type: ignore[index]
    return doc


@then("every number on the dashboard is the one the status document holds")
def _dashboard_is_status(cell: CellBuilder, ctx: dict[str, object]) -> None:
    import json

    page = _generated(ctx, "index.md")
    doc = json.loads(_generated(ctx, "status.json"))
    printed = run_command("govcell status --json", cell.root)
    assert json.loads(printed.stdout) == doc
    numbers = dashboard_numbers(page)
    wanted = {"counts.stories", "counts.requirements", "counts.acs", "counts.scenarios", "counts.feature_files",
              "acs.kernel.total", "findings.error", "findings.warning", "scenarios.orphaned", "scenarios.untagged",
              *(f"ac_states.{s}" for s in doc["ac_states"]),
              *(f"acs.{k}.{c}" for k in ("kernel", "non_kernel", "all")
                for c in ("total", "covered", "uncovered", "meta", "passing", "failing", "not_run"))}
    assert wanted <= set(numbers), sorted(wanted - set(numbers))
    wrong = {path: (text, _lookup(doc, path)) for path, text in numbers.items()
             if text.strip().split(" ")[0] != str(_lookup(doc, path))}
    assert not wrong, wrong
    # every big number on the dashboard says where it comes from
    assert page.count('class="gc-num"') == page.count('class="gc-num" data-source=')
    reasons = re.findall(r'data-reason="([^"]+)"', page)
    assert reasons == [r["code"] for r in doc["verdict"]["reasons"]]
    assert re.search(rf'data-verdict="{doc["verdict"]["state"]}"', page)
    commit = re.search(r'data-commit="([^"]*)"', page)
    assert commit and commit.group(1) == ((doc["commit"] or {}).get("sha") or "")


@then(parsers.parse('every chart of the generated page "{path}" is an inline SVG with a title and a description, '
                    'no script and no address outside the page'))
def _charts_inline(ctx: dict[str, object], path: str) -> None:
    page = _generated(ctx, path)
    figures = re.findall(r'<figure class="gc-chart".*?</figure>', page, re.S)
    assert figures
    for fig in figures:
        svg = re.search(r"<svg .*?</svg>", fig, re.S)
        assert svg, fig[:300]
        head = svg.group(0)[:400]
        assert 'role="img"' in head and 'aria-labelledby="chart-gc-' in head
        assert "<title id=" in svg.group(0) and "<desc id=" in svg.group(0)
        assert "<script" not in svg.group(0) and "Generated with pygal" not in svg.group(0)
        assert set(re.findall(r"(?:https?:)?//[^\s\"'<>)]+", svg.group(0))) <= {"http://www.w3.org/2000/svg",
                                                                               "http://www.w3.org/1999/xlink"}
        assert "<table" in fig  # the numbers, as text
