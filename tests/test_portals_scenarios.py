"""Executes features/portals.feature: TechDocs, the catalog entity's status link, how to view the site."""

from __future__ import annotations

import json
import re

import yaml
from pytest_bdd import given, parsers, scenarios, then

from tests.conftest import CellBuilder, run_command
from tests.test_docs_recipes import fresh_cell
from tests.test_portals import _published

scenarios("portals.feature")


@given("a git repository initialised by govcell init", target_fixture="cell")
def _initialised(cell: CellBuilder) -> CellBuilder:
    fresh_cell(cell.root / "repo")
    return CellBuilder(cell.root / "repo")


@given("the mkdocs.yml of the TechDocs example in docs/publishing.md")
def _techdocs_mkdocs(cell: CellBuilder) -> None:
    cell.write("mkdocs.yml", yaml.safe_dump(_published("techdocs"), sort_keys=False))


@given(parsers.parse('the mkdocs.yml sets "{line}"'))
def _mkdocs_sets(cell: CellBuilder, line: str) -> None:
    path = cell.root / "mkdocs.yml"
    path.write_text(path.read_text() + line + "\n")


@then(parsers.parse('the site has "{rel}", written by mkdocs-techdocs-core'))
@then(parsers.parse('the site has "{rel}", a page a browser opens from disk'))
def _site_has(cell: CellBuilder, rel: str) -> None:
    assert (cell.root / "site" / rel).is_file(), sorted(p.name for p in (cell.root / "site").iterdir())


@then(parsers.parse('the site file "{rel}" is what "{command}" prints'))
def _site_file_is(cell: CellBuilder, rel: str, command: str) -> None:
    printed = run_command(command, cell.root)
    assert printed.code == 0 and printed.stdout, printed.output
    assert (cell.root / "site" / rel).read_text(encoding="utf-8") == printed.stdout


@then(parsers.parse('the catalog entity of docs/publishing.md links to "{rel}" of its TechDocs site'))
def _entity_links(rel: str) -> None:
    entity = _published("entity")
    name = entity["metadata"]["name"]
    urls = [link["url"] for link in entity["metadata"]["links"]]
    assert any(u.endswith(f"/docs/default/component/{name}/{rel}") for u in urls), urls
    assert json.dumps(entity["metadata"]["annotations"]) == json.dumps({"backstage.io/techdocs-ref": "dir:."})


@then(parsers.parse('the site page "{page}" has the heading "{title}"'))
def _heading(cell: CellBuilder, page: str, title: str) -> None:
    html = (cell.root / "site" / page).read_text(encoding="utf-8")
    assert re.findall(r"<h1[^>]*>([^<]*)", html)[0].strip() == title
