"""Mermaid diagrams, drawn to SVG at build time so the site needs no script and no network.

mkdocs-material would fetch Mermaid from a CDN when a page shows a diagram;
that breaks the offline rule, so diagrams are rendered here with ``merm``
(a pure-Python Mermaid renderer) and embedded as inline SVG.  The Mermaid
source is kept on the page too, for readers who paste it elsewhere.  Labels
are IDs only, reduced to a safe alphabet: ledger prose never reaches the
diagram syntax, so it cannot break out of a label.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from site_gen.views import StoryView

_LABEL = re.compile(r"[^A-Za-z0-9 ._:/@-]+")

#: status -> (fill, stroke); unknown statuses keep merm's default style.
STYLES: dict[str, tuple[str, str]] = {
    "passing": ("#c8e6c9", "#2e7d32"),
    "covered": ("#dcedc8", "#558b2f"),
    "meta": ("#e1f5fe", "#0277bd"),
    "not-run": ("#fff9c4", "#f9a825"),
    "uncovered": ("#ffe0b2", "#ef6c00"),
    "failing": ("#ffcdd2", "#c62828"),
}


def label(text: str) -> str:
    return _LABEL.sub("_", text)[:80] or "_"


def story_source(story: StoryView) -> str:
    """story -> requirements -> ACs, each AC coloured by its status (when known)."""
    from site_gen.views import token

    lines = ["flowchart LR", f'  s["{label(story.id)}"]']
    used: set[str] = set()
    for i, req in enumerate(story.reqs):
        lines.append(f'  r{i}["{label(req.id)}"]')
        lines.append(f"  s --> r{i}")
        for j, ac in enumerate(req.acs):
            cls = token(ac.status) if ac.status else ""
            suffix = f":::{cls.replace('-', '_')}" if cls in STYLES else ""
            if suffix:
                used.add(cls)
            lines.append(f'  a{i}_{j}(["{label(ac.id)}"]){suffix}')
            lines.append(f"  r{i} --> a{i}_{j}")
    for cls in sorted(used):
        fill, stroke = STYLES[cls]
        lines.append(f"  classDef {cls.replace('-', '_')} fill:{fill},stroke:{stroke}")
    return "\n".join(lines) + "\n"


#: node kinds drawn in a story's diagram: the story's own tree and the ADRs and docs it
#: cites.  Tests and scenarios are listed under each AC on the same page; drawing them
#: too would double every diagram (and the build time, which merm dominates).
STORY_KINDS = frozenset({"requirement", "ac", "adr", "doc"})


def graph_story_source(graph: Any, story_id: str) -> str | None:
    """The kernel's Mermaid export of one story's part of the governance graph.

    Only the choice of nodes is made here (the story's descendants of
    ``STORY_KINDS``); the drawing, labels and escaping are the kernel's
    ``hooks.graph.to_mermaid``.
    """
    from hooks.graph import to_mermaid

    start = graph.resolve(story_id)
    if start is None:
        return None
    g = graph.g
    keys = {start}
    frontier = [start]
    while frontier:
        nxt = []
        for k in frontier:
            for other in g.successors(k):
                if other not in keys and g.nodes[other]["kind"] in STORY_KINDS:
                    keys.add(other)
                    if g.nodes[other]["kind"] in ("requirement", "ac"):
                        nxt.append(other)
        frontier = nxt
    # A view of just these nodes: the export then walks this story's edges,
    # not the whole cell's, so drawing every story stays linear.
    from hooks.graph import GovGraph

    view = GovGraph(graph.g.subgraph(keys), graph.by_id, [])
    return str(to_mermaid(view, sorted(keys)))


def to_svg(source: str) -> str | None:
    """The SVG of ``source``, or ``None`` when merm is missing or cannot draw it.

    ``None`` leaves the page with the source only (and a note), never with a
    broken build: the diagram is an illustration of data shown in full elsewhere.
    """
    try:
        import merm
    except ImportError:
        return None
    try:
        svg = merm.render_diagram(_SUBGRAPH_TITLE.sub(r"\1 [\2]", source))
    except Exception:  # noqa: BLE001 - a young renderer; fall back to the source
        return None
    return _entities(svg)


#: Below this many diagrams one process draws faster than starting workers.
PARALLEL_MIN_DIAGRAMS = 24


def to_svgs(sources: list[str]) -> list[str | None]:
    """``to_svg`` of every source, in order; merm is pure Python, so many diagrams use every core."""
    from hooks.runtime import parallel_map

    return parallel_map(to_svg, sources, min_items=PARALLEL_MIN_DIAGRAMS)


#: merm draws the quotes of ``subgraph id["title"]`` literally; ``subgraph id [title]`` means the
#: same in Mermaid and our titles never hold a raw bracket (the kernel escapes them as #91;/#93;).
_SUBGRAPH_TITLE = re.compile(r'^(\s*subgraph \S+)\["(.*)"\]\s*$', re.MULTILINE)


_MERMAID_ENTITY = re.compile(r"#(amp|quot|lt|gt|[0-9]{1,5});")


def _entities(svg: str) -> str:
    """Mermaid's label escapes (``#lt;``, ``#91;``) as the XML entities they stand for.

    merm prints them literally; as XML entities the SVG shows the intended
    character and it still is text, never markup.
    """
    return _MERMAID_ENTITY.sub(lambda m: f"&#{m.group(1)};" if m.group(1).isdigit() else f"&{m.group(1)};", svg)
