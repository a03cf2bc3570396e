"""The Mermaid source of a story's diagram, kept on its page for readers who paste it elsewhere.

The drawing itself is ``govcell_site.diagram`` (a compact tree drawn by a template
at build time): mkdocs-material would fetch Mermaid from a CDN to draw the
source, which breaks the offline rule.  The source is the kernel's Mermaid
export of the story's part of the graph (``graph_story_source``), or, without
a graph, ``story_source``, whose labels are IDs only, reduced to a safe
alphabet: ledger prose never reaches the diagram syntax.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govcell_site.views import StoryView

_LABEL = re.compile(r"[^A-Za-z0-9 ._:/@-]+")

#: status -> (fill, stroke) of the source's classDefs; unknown statuses keep Mermaid's default style.
STYLES: dict[str, tuple[str, str]] = {
    "passing": ("#c8e6c9", "#2e7d32"),
    "covered": ("#dcedc8", "#558b2f"),
    "meta": ("#e1f5fe", "#0277bd"),
    "not-run": ("#fff9c4", "#f9a825"),
    "uncovered": ("#ffe0b2", "#ef6c00"),
    "suspect": ("#e1bee7", "#6a1b9a"),
    "failing": ("#ffcdd2", "#c62828"),
}


def label(text: str) -> str:
    return _LABEL.sub("_", text)[:80] or "_"


def story_source(story: StoryView) -> str:
    """story -> requirements -> ACs, each AC coloured by its status (when known)."""
    from govcell_site.views import token

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
#: too would double every diagram.
STORY_KINDS = frozenset({"requirement", "ac", "adr", "doc"})


def graph_story_source(graph: Any, story_id: str) -> str | None:
    """The kernel's Mermaid export of one story's part of the governance graph.

    Only the choice of nodes is made here (the story's descendants of
    ``STORY_KINDS``); the drawing, labels and escaping are the kernel's
    ``govcell.derive.graph.to_mermaid``.
    """
    from govcell.derive.graph import to_mermaid

    from govcell.derive.graph import GovGraph, Store

    start = graph.resolve(story_id)
    if start is None:
        return None
    store = graph.store  # plain dicts: no networkx graph of the whole cell is built for the site
    keys = [start]
    seen = {start}
    frontier = [start]
    while frontier:
        nxt = []
        for k in frontier:
            for other in store.succ[k]:
                if other not in seen and store.nodes[other]["kind"] in STORY_KINDS:
                    seen.add(other)
                    keys.append(other)
                    if store.nodes[other]["kind"] in ("requirement", "ac"):
                        nxt.append(other)
        frontier = nxt
    # A graph of just these nodes (the attributes shared, not copied): the export then
    # walks this story's edges, not the whole cell's, so every story stays linear.
    view = Store()
    for k in keys:
        view.nodes[k] = store.nodes[k]
        view.succ[k] = {}
        view.pred[k] = {}
    for k in keys:
        for other, data in store.succ[k].items():
            if other in seen:
                view.succ[k][other] = view.pred[other][k] = data
                view.order.append((k, other))
    return str(to_mermaid(GovGraph(view, graph.by_id, []), sorted(keys)))
