"""Status for portals, and a site that says how to look at it.

docs/publishing.md shows a Backstage catalog entity pointing at the site (TechDocs) and at
``status.json``; the site builds offline with Backstage's ``mkdocs-techdocs-core`` beside the
govcell plugin, and ``status.json`` lands where the entity's link says. ``govcell site build``
prints a way of viewing the site that works, the dashboard never says "governance governance",
and the JSON Schemas ``govcell init`` puts in ``docs/schema/`` do not clash with the site's own.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from govcell.cell import Cell
from govcell.derive.analysis import Analysis
from tests.conftest import REPO_ROOT, git, init_git, run_command
from tests.test_docs_recipes import fresh_cell, yaml_blocks

#: Backstage's entity name rule (a-z, A-Z, 0-9 and -_. between alphanumerics, at most 63).
ENTITY_NAME = re.compile(r"^(?=.{1,63}$)[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$")


def _published(kind: str) -> dict:
    for doc, _where in yaml_blocks("docs/publishing.md"):
        if kind == "entity" and isinstance(doc, dict) and str(doc.get("apiVersion", "")).startswith("backstage.io/"):
            return doc
        if kind == "techdocs" and isinstance(doc, dict) and "techdocs-core" in doc.get("plugins", []):
            return doc
    raise AssertionError(f"docs/publishing.md shows no {kind} block")


@pytest.mark.ac("AC-ADOPT-072")
def test_the_catalog_entity_points_at_techdocs_and_at_the_status() -> None:
    entity = _published("entity")
    assert entity["apiVersion"] == "backstage.io/v1alpha1" and entity["kind"] == "Component"
    meta = entity["metadata"]
    assert ENTITY_NAME.match(meta["name"])
    assert meta["annotations"]["backstage.io/techdocs-ref"] == "dir:."  # the site: TechDocs builds mkdocs.yml
    assert {"type", "lifecycle", "owner"} <= set(entity["spec"])
    (status,) = [link for link in meta["links"] if link["url"].endswith("status.json")]
    # TechDocs serves a component's site under .../static/docs/<namespace>/<kind>/<name>/, and the
    # plugin's default prefix puts the status at governance/status.json inside it
    assert status["url"].endswith(f"/static/docs/default/component/{meta['name']}/governance/status.json")
    assert _published("techdocs")["site_name"] == meta["name"]


@pytest.mark.slow
@pytest.mark.ac("AC-ADOPT-072")
def test_techdocs_builds_the_governance_site_offline(tmp_path: Path) -> None:
    """A freshly initialised cell with the mkdocs.yml docs/publishing.md shows: built with
    mkdocs-techdocs-core, strict, offline; the status is govcell status --json."""
    pytest.importorskip("techdocs_core", reason="mkdocs-techdocs-core is in govcell's test extra")
    root = fresh_cell(tmp_path / "cell")
    (root / "mkdocs.yml").write_text(yaml.safe_dump(_published("techdocs"), sort_keys=False))
    result = run_command(["govcell", "site", "build", "--out", "site", "--strict"], root)
    assert result.code == 0, result.output
    site = root / "site"
    assert json.loads((site / "techdocs_metadata.json").read_text())["site_name"] == "my-service"
    assert (site / "governance/index.html").is_file() and (site / "governance/stories/index.html").is_file()
    status = run_command(["govcell", "status", "--json"], root)
    assert (site / "governance/status.json").read_text() == status.stdout
    assert (site / "governance/schema/status.json").is_file()


@pytest.mark.ac("AC-ADOPT-074")
def test_the_build_says_how_to_view_the_site() -> None:
    from govcell_site.build import view_hint

    site = Path("/srv/cell/site")
    served = view_hint(site, directory_urls=True)
    assert "govcell site serve" in served and "file://" in served and "use_directory_urls: false" in served
    assert not re.search(r"\bopen file://", served)  # directory URLs open as listings from disk
    files = view_hint(site, directory_urls=False)
    assert files.startswith("govcell site: built /srv/cell/site; open file:///srv/cell/site/index.html")


@pytest.mark.ac("AC-ADOPT-074")
@pytest.mark.parametrize(("site_name", "title"), [("Governance", "Governance"), ("Shop", "Shop governance"),
                                                  ("Shop governance", "Shop governance"),
                                                  ("Shop Governance", "Shop Governance")])
def test_the_dashboard_says_governance_once(tmp_path: Path, site_name: str, title: str) -> None:
    from govcell_site.data import collect
    from govcell_site.pages import generate
    from govcell_site.render import Context
    from govcell_site.views import stories

    (tmp_path / "specs").mkdir()
    (tmp_path / "specs/spec_ledger.yaml").write_text("stories: []\n")
    data = collect(Analysis(Cell(tmp_path)))
    outputs, _ = generate(Context(data, stories(data), site_name=site_name))
    (index,) = [o.content for o in outputs if o.path == "index.md"]
    assert f"<h1>{title}</h1>" in "".join(index)


@pytest.mark.slow
@pytest.mark.ac("AC-ADOPT-074")
def test_init_schemas_in_docs_do_not_clash_with_the_sites_own(tmp_path: Path) -> None:
    """With the pages at the site root (prefix ""), the site's schemas replace docs/schema's copies
    without a warning, so a --strict build passes and publishes the current schemas."""
    root = fresh_cell(tmp_path / "cell")
    config = yaml.safe_load((root / "mkdocs.yml").read_text())
    config["plugins"] = ["search", {"govcell": {"prefix": ""}}]
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    (root / "docs/index.md").unlink()  # the dashboard is the home page at the root
    result = run_command(["govcell", "site", "build", "--out", "site", "--strict"], root)
    assert result.code == 0, result.output
    assert "replaces" not in result.output
    schema = run_command(["govcell", "schema", "ledger"], root).stdout
    assert (root / "site/schema/ledger.json").read_text() == schema
    assert (root / "site/status.json").is_file()


def test_site_is_ignored_here_and_by_the_scaffold() -> None:
    """The site directory is build output: this repository and govcell init's .gitignore ignore it."""
    assert "site/" in (REPO_ROOT / ".gitignore").read_text().split()
    assert "site/" in (REPO_ROOT / "hooks/adopt/templates/init/dot-gitignore").read_text().split()


@pytest.mark.slow
@pytest.mark.ac("AC-ADOPT-074")
def test_a_site_built_in_the_repository_ignores_itself(tmp_path: Path) -> None:
    """A repository with a .gitignore of its own (init leaves it alone): the built site still never
    shows in git status; a directory with tracked files gets no ignore file."""
    root = tmp_path / "cell"
    root.mkdir()
    init_git(root)
    (root / ".gitignore").write_text("node_modules/\n")
    git(root, "add", ".gitignore")
    git(root, "commit", "-q", "-m", "own .gitignore")
    assert run_command(["govcell", "init"], root).code == 0
    assert "site/" not in (root / ".gitignore").read_text()
    assert run_command(["govcell", "site", "build"], root).code == 0
    assert (root / "site/index.html").is_file()
    status = git(root, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert [ln for ln in status if "site/" in ln] == []
    (root / "pub").mkdir()
    (root / "pub/CNAME").write_text("docs.example.com\n")
    git(root, "add", "pub/CNAME")
    assert run_command(["govcell", "site", "build", "--out", "pub"], root).code == 0
    assert not (root / "pub/.gitignore").exists()
