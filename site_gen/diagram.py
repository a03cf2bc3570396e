"""A story's diagram as a compact tree that fits its page, laid out here and drawn by a template.

Left to right: the story, its requirements, and each requirement's ACs in a
grid of as many columns as the width allows, so a story of 15 ACs is a few
rows tall instead of a column of 15 boxes.  Nodes are coloured by the
kernel's state (with a legend), edges carry no label (every edge of this tree
means "contains"), and every node is a link to its anchor on the page with its
full text on hover (``<title>``).  This module computes geometry only; the SVG
markup is ``templates/diagram.svg``, so every label is escaped by jinja like
any ledger text.  It is pure arithmetic: drawing 800 stories takes well under
a second, where a general graph layout took most of the build.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govcell_site.views import StoryView

#: state -> (fill, stroke, text); the kernel's states, worst first, then requirement/story roll-ups
COLOURS: dict[str, tuple[str, str, str]] = {
    "failing": ("#ffcdd2", "#c62828", "#7f0000"),
    "uncovered": ("#ffe0b2", "#e65100", "#6d2a00"),
    "suspect": ("#e1bee7", "#6a1b9a", "#38006b"),
    "not_run": ("#fff9c4", "#f9a825", "#4e3b00"),
    "passing": ("#c8e6c9", "#2e7d32", "#0d3b10"),
    "meta": ("#e1f5fe", "#0277bd", "#01385e"),
    "empty": ("#eceff1", "#78909c", "#263238"),
    "unknown": ("#ffffff", "#90a4ae", "#263238"),
}

WIDTH = 760  #: the drawing's width in CSS pixels (it scales down with the column)
ROW = 30  #: height of one row of nodes
NODE_H = 22
GAP_X = 28  #: between the columns of the tree
GAP_AC = 8  #: between ACs of one grid row
CHAR = 7.0  #: width of one character of the 12 px monospace labels
PAD = 12
LEGEND_H = 26
MAX_HEIGHT = 720  #: past this, a story's ACs get the wide drawing
WIDE = 1200


@dataclasses.dataclass(frozen=True)
class Node:
    id: str
    href: str
    x: float
    y: float
    w: float
    state: str
    tip: str
    kind: str

    @property
    def fill(self) -> str:
        return COLOURS.get(self.state, COLOURS["unknown"])[0]

    @property
    def stroke(self) -> str:
        return COLOURS.get(self.state, COLOURS["unknown"])[1]

    @property
    def ink(self) -> str:
        return COLOURS.get(self.state, COLOURS["unknown"])[2]

    @property
    def cy(self) -> float:
        return self.y + NODE_H / 2


@dataclasses.dataclass(frozen=True)
class Edge:
    """An elbow from the right of ``a`` to the left of ``b``: a horizontal, a vertical, a horizontal."""

    x1: float
    y1: float
    xm: float
    x2: float
    y2: float


@dataclasses.dataclass(frozen=True)
class Layout:
    width: float
    height: float
    nodes: list[Node]
    edges: list[Edge]
    legend: list[tuple[str, float, str, str]]  #: (word, x, fill, stroke)


def _w(ident: str) -> float:
    return round(len(ident) * CHAR + 16, 1)


def _tip(ident: str, state: str | None, text: str) -> str:
    from govcell_site.views import words

    head = f"{ident} ({words(state)})" if state else ident
    return f"{head}: {text}" if text else head


def layout(story: StoryView) -> Layout:
    """Where every node of ``story``'s tree goes."""
    from govcell_site.views import words

    story_w = _w(story.id)
    req_w = max((_w(r.id) for r in story.reqs), default=0.0)
    ac_w = max((_w(a.id) for r in story.reqs for a in r.acs), default=0.0)
    req_x = PAD + story_w + GAP_X
    ac_x = req_x + req_w + GAP_X
    width = max(float(WIDTH), ac_x + ac_w + PAD)

    def fit(w: float) -> int:
        return max(1, int((w - PAD - ac_x + GAP_AC) // (ac_w + GAP_AC))) if ac_w else 1

    columns = fit(width)
    if sum(max(1, -(-len(r.acs) // columns)) for r in story.reqs) * ROW > MAX_HEIGHT:
        width = max(width, float(WIDE))  # a very large story: more columns rather than a tower
        columns = fit(width)
    top = PAD + LEGEND_H
    nodes: list[Node] = []
    edges: list[Edge] = []
    y = top
    for req in story.reqs:
        rows = max(1, -(-len(req.acs) // columns))
        req_node = Node(req.id, req.anchor, req_x, y, req_w, req.status or "unknown",
                        _tip(req.id, req.status, req.title), "requirement")
        nodes.append(req_node)
        for i, ac in enumerate(req.acs):
            row, col = divmod(i, columns)
            node = Node(ac.id, ac.anchor, ac_x + col * (ac_w + GAP_AC), y + row * ROW, ac_w, ac.status or "unknown",
                        _tip(ac.id, ac.status, ac.text), "ac")
            nodes.append(node)
            if col == 0:  # one line per grid row: the row reads as the requirement's
                edges.append(Edge(req_x + req_w, req_node.cy, ac_x - GAP_X / 2, ac_x, node.cy))
        y += rows * ROW + (6 if rows > 1 else 0)
    height = max(y, top + ROW) + PAD - (ROW - NODE_H)
    story_node = Node(story.id, story.slug, PAD, top, story_w, story.status or "unknown",
                      _tip(story.id, story.status, story.title), "story")
    for n in nodes:
        if n.kind == "requirement":
            edges.append(Edge(PAD + story_w, story_node.cy, req_x - GAP_X / 2, req_x, n.cy))
    used = {n.state for n in [story_node, *nodes]}
    legend: list[tuple[str, float, str, str]] = []
    x = float(PAD)
    for state, (fill, stroke, _ink) in COLOURS.items():
        if state in used:
            word = words(state)
            legend.append((word, x, fill, stroke))
            x += 22 + len(word) * CHAR + 14
    return Layout(width=width, height=height, nodes=[story_node, *nodes], edges=edges, legend=legend)
