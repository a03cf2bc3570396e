"""site_gen's page registry, data providers, views, URLs, CSV and diagrams (no mkdocs run)."""

from __future__ import annotations

import csv
import io
import re

import pytest

from govcell.cell import Cell
from govcell.derive.analysis import Analysis
from govcell_site import data as site_data
from govcell_site.data import collect
from govcell_site.mermaid import story_source
from govcell_site.pages import generate
from govcell_site.pages.ledger import traceability_csv
from govcell_site.render import Context, page_url, relative
from govcell_site.views import stories
from tests.conftest import CellBuilder

LEDGER = """\
stories:
  - id: US-A-001
    title: A story
    requirements:
      - id: REQ-A-ONE
        title: A requirement
        acceptance_criteria:
          - id: AC-A-001
            text: "=HYPERLINK(\\"http://evil\\")"
          - id: AC-A-002
            text: "+1 and -2 @ sign"
  - id: US-A-001
    title: The same ID again
"""


def _crash(analysis: Analysis) -> None:
    raise RuntimeError("boom")


def _context(cell: CellBuilder) -> Context:
    data = collect(Analysis(Cell(cell.root)))
    return Context(data, stories(data))


def _outputs(ctx: Context) -> dict[str, str | bytes]:
    outputs, _ = generate(ctx)
    return {o.path: o.content for o in outputs}


def test_provider_crash_is_a_finding(cell: CellBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    cell.ledger(LEDGER)
    monkeypatch.setitem(site_data.PROVIDERS, "status", _crash)
    ctx = _context(cell)
    assert [d.code for d in ctx.data.findings if d.code.startswith("site.")] == ["site.data-error"]
    files = _outputs(ctx)
    assert "status.json" not in files
    assert "could not compute status: RuntimeError: boom" in str(files["findings.md"])


def test_csv_cells_are_not_formulas(cell: CellBuilder) -> None:
    cell.ledger(LEDGER)
    rows = list(csv.DictReader(io.StringIO(traceability_csv(_context(cell)))))
    assert [r["ac"] for r in rows] == ["AC-A-001", "AC-A-002"]
    assert rows[0]["text"] == "'=HYPERLINK(\"http://evil\")"
    assert rows[1]["text"] == "'+1 and -2 @ sign"


def test_duplicate_story_ids_get_their_own_pages(cell: CellBuilder) -> None:
    cell.ledger(LEDGER)
    files = _outputs(_context(cell))
    assert "stories/US-A-001.md" in files and "stories/US-A-001-2.md" in files
    assert "The same ID again" in str(files["stories/US-A-001-2.md"])


def test_generated_files_are_deterministic(cell: CellBuilder) -> None:
    cell.ledger(LEDGER)
    assert _outputs(_context(cell)) == _outputs(_context(cell))


@pytest.mark.parametrize(("src", "directory", "url"), [
    ("index.md", True, ""), ("governance/index.md", True, "governance/"),
    ("governance/acs.md", True, "governance/acs/"), ("governance/acs.md", False, "governance/acs.html"),
    ("governance/traceability.csv", True, "governance/traceability.csv"),
])
def test_page_url_follows_mkdocs(src: str, directory: bool, url: str) -> None:
    from mkdocs.structure.files import File

    assert page_url(src, directory) == url
    assert File(src, src_dir=None, dest_dir="/tmp", use_directory_urls=directory).url in (url, "./")


def test_relative_links_between_pages() -> None:
    assert relative("governance/acs/", "governance/stories/US-A-001/") == "../../acs/"
    assert relative("governance/traceability.csv", "governance/traceability/") == "../traceability.csv"
    assert relative("", "acs/") == "../"
    assert relative("stories/US-A-001/", "") == "stories/US-A-001/"


def test_mermaid_labels_keep_ledger_syntax_out(cell: CellBuilder) -> None:
    cell.ledger('stories:\n  - id: \'US-"]) --> x[evil\'\n    title: t\n')
    source = story_source(_context(cell).stories[0])
    assert source.splitlines()[1] == '  s["US-_ --_ x_evil"]'


def test_ledger_text_is_escaped_in_generated_markdown(cell: CellBuilder) -> None:
    cell.ledger('stories:\n  - id: US-A-001\n    title: "<script>x</script> [a](b) {{ 1 }}"\n')
    page = str(_outputs(_context(cell))["stories/US-A-001.md"])
    assert "&lt;script&gt;x&lt;/script&gt; [a](b) {{ 1 }}" in page
    assert "<script>" not in page


def _story_of(n_reqs: int, acs_per_req: int) -> str:
    lines = ["stories:", "  - id: US-BIG-001", "    title: A big story", "    requirements:"]
    for r in range(n_reqs):
        lines += [f"      - id: REQ-BIG-{r:03d}", f"        title: Requirement {r}", "        acceptance_criteria:"]
        lines += [f"          - {{id: AC-BIG-{r:03d}-{a:02d}, text: 'Criterion <{a}> of {r}'}}"
                  for a in range(acs_per_req)]
    return "\n".join(lines) + "\n"


def test_story_diagram_fits_and_links_every_node(cell: CellBuilder) -> None:
    """15 ACs: a few rows, not a tower; every node a link to its anchor with its full text on hover."""
    from govcell_site.diagram import WIDTH, layout

    cell.ledger(_story_of(3, 5))
    ctx = _context(cell)
    d = layout(ctx.stories[0])
    assert d.width == WIDTH and d.height < 300
    page = str(_outputs(ctx)["stories/US-BIG-001.md"])
    svg = page[page.index('<svg xmlns="http://www.w3.org/2000/svg" class="gc-tree"'):page.index("</svg>")]
    links = re.findall(r'<a href="#([^"]+)" class="gc-node', svg)
    assert links[0] == "US-BIG-001" and len(links) == 1 + 3 + 15
    assert all(f'id="{a}"' in page for a in links[1:])
    assert "<title>AC-BIG-000-01 (status unknown): Criterion &lt;1&gt; of 0</title>" in svg or \
        re.search(r"<title>AC-BIG-000-01 \([a-z ]+\): Criterion &lt;1&gt; of 0</title>", svg)
    assert "contains" not in svg  # no edge labels
    assert 'class="gc-tree-legend"' in svg
    assert "flowchart" in page  # the Mermaid source stays


def test_huge_story_diagram_grows_wide_not_tall(cell: CellBuilder) -> None:
    from govcell_site.diagram import WIDE, layout

    cell.ledger(_story_of(2, 60))
    d = layout(_context(cell).stories[0])
    assert d.width == WIDE and d.height < 1000


def test_charts_are_byte_deterministic_across_processes(cell: CellBuilder) -> None:
    """pygal's random chart ids and dated comment are replaced: two builds give the same bytes."""
    import subprocess
    import sys

    cell.ledger(LEDGER)
    code = ("import sys; from govcell.cell import Cell; from govcell.derive.analysis import Analysis; "
            "from govcell_site.data import collect; "
            "from govcell_site.render import Context; from govcell_site.views import stories; "
            "from govcell_site.pages.results import _charts; "
            "d = collect(Analysis(Cell(sys.argv[1]))); c = _charts(Context(d, stories(d))); "
            "print(sorted(c)); print(''.join(str(x.svg) for x in c.values()))")
    runs = [subprocess.run([sys.executable, "-c", code, str(cell.root)], capture_output=True, text=True, check=True,
                           env={**__import__("os").environ, "PYTHONHASHSEED": str(seed)}).stdout
            for seed in (1, 2)]
    assert runs[0] == runs[1]
    assert runs[0].startswith("['coverage', 'states']") and "<svg" in runs[0]


def test_pages_spooled_by_the_plugin_are_the_rendered_pages(cell: CellBuilder, tmp_path: object) -> None:
    """The plugin writes page bodies to disk piece by piece (Markup pieces included): same text as a render."""
    import tempfile

    from govcell_site.pages import stream
    from govcell_site.plugin import GovcellPlugin

    cell.ledger('stories:\n  - id: US-A-001\n    title: "<b>x</b> & \\"q\\""\n    requirements:\n'
                '      - id: REQ-A-ONE\n        title: r\n        acceptance_criteria:\n'
                '          - {id: AC-A-001, text: "a <i>b</i>"}\n')
    eager = {o.path: o.content for o in stream(_context(cell))}
    lazy_ctx = _context(cell)
    lazy_ctx.lazy = True
    plugin = GovcellPlugin()
    plugin.spool = tempfile.mkdtemp(dir=str(tmp_path))
    pages = 0
    for n, out in enumerate(stream(lazy_ctx)):
        if not out.path.endswith(".md"):
            continue
        front, path = plugin._spool_page(n, out.path, out.content)
        with open(path, encoding="utf-8") as fh:
            assert front + fh.read() == eager[out.path], out.path
        pages += 1
    assert pages >= 5
