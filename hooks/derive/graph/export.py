"""The graph's exports: a neighbourhood (``focus``), node-link JSON, Mermaid and Graphviz DOT.

They read the plain-dict graph (``GovGraph.plain``), so exporting never builds
a networkx graph; output is sorted, hence deterministic.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from govcell.derive.graph.model import GRAPH_SCHEMA, GovGraph


def focus(graph: GovGraph, ident: str, depth: int = 1) -> list[str] | None:
    """Keys of the nodes within ``depth`` edges of ``ident`` (either direction); None when no node has that ID."""
    start = graph.resolve(ident)
    if start is None:
        return None
    seen = {start}
    frontier = [start]
    g = graph.plain
    for _ in range(depth):
        nxt = []
        for k in frontier:
            for other in (*g.successors(k), *g.predecessors(k)):
                if other not in seen:
                    seen.add(other)
                    nxt.append(other)
        frontier = nxt
    return sorted(seen)


def _selected(graph: GovGraph, keys: Iterable[str] | None) -> tuple[list[str], list[tuple[str, str, str]]]:
    g = graph.plain
    chosen = sorted(keys) if keys is not None else sorted(g.nodes)
    inside = set(chosen)
    edges = sorted((u, v, t) for u, v, t in g.edges(data="type") if u in inside and v in inside)
    return chosen, edges


def to_json(graph: GovGraph, keys: Iterable[str] | None = None) -> str:
    """Node-link JSON, shape ``govcell.graph/1`` (documented in README.md)."""
    nodes, edges = _selected(graph, keys)
    g = graph.plain
    doc = {
        "schema": GRAPH_SCHEMA,
        "nodes": [{"key": k, **{a: v for a, v in sorted(g.nodes[k].items()) if v is not None}} for k in nodes],
        "edges": [{"source": u, "target": v, "type": t} for u, v, t in edges],
    }
    # json.dumps with an indent keeps every piece of the text in a list before joining it
    # (tens of MB for a large cell); writing the pieces as they come gives the same bytes.
    import io

    out = io.StringIO()
    for chunk in json.JSONEncoder(indent=2, sort_keys=True).iterencode(doc):
        out.write(chunk)
    out.write("\n")
    return out.getvalue()


def short(text: str, limit: int = 48) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mermaid_label(n: dict[str, Any]) -> str:
    plain = n["kind"] in ("scenario", "test", "doc", "feature", "ledger", "policy")
    label = n["id"] if plain else f"{n['id']}: {n['label']}"
    if n["kind"] == "scenario":
        label = f"scenario: {n['label']}"
    text = short(label)
    for char, entity in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("|", "#124;"),
                         ("[", "#91;"), ("]", "#93;"), ("{", "#123;"), ("}", "#125;"), ("`", "#96;")):
        text = text.replace(char, entity)
    return text


_SHAPES = {"story": ('(["', '"])'), "requirement": ('["', '"]'), "ac": ('("', '")'), "scenario": ('>"', '"]'),
           "adr": ('[["', '"]]'), "task": ('[/"', '"/]'), "flow": ('{{"', '"}}'), "command": ('["', '"]')}


_MERMAID_STYLES = {
    "story": "fill:#e8eaf6,stroke:#3949ab",
    "requirement": "fill:#e3f2fd,stroke:#1e88e5",
    "ac": "fill:#e8f5e9,stroke:#43a047",
    "scenario": "fill:#fff8e1,stroke:#f9a825",
    "adr": "fill:#f3e5f5,stroke:#8e24aa",
    "task": "fill:#fbe9e7,stroke:#f4511e",
}


def _story_of(graph: GovGraph, k: str) -> str | None:
    """The story a ledger node belongs to (for per-story subgraphs)."""
    g = graph.plain
    kind = g.nodes[k]["kind"]
    current = k
    for _ in range(4):
        if kind == "story":
            return current
        parents = [p for p in g.predecessors(current) if g.edges[p, current]["type"] in ("contains", "tested_by")
                   and g.nodes[p]["kind"] in ("story", "requirement", "ac")]
        if not parents:
            return None
        current = parents[0]
        kind = g.nodes[current]["kind"]
    return current if kind == "story" else None


def to_mermaid(graph: GovGraph, keys: Iterable[str] | None = None) -> str:
    """A Mermaid flowchart, one subgraph per story, labels escaped and shortened."""
    nodes, edges = _selected(graph, keys)
    g = graph.plain
    ids = {k: f"n{i}" for i, k in enumerate(nodes)}
    groups: dict[str | None, list[str]] = {}
    for k in nodes:
        groups.setdefault(_story_of(graph, k), []).append(k)
    lines = ["flowchart LR"]

    def node_line(k: str, indent: str) -> str:
        n = g.nodes[k]
        left, right = _SHAPES.get(n["kind"], ('["', '"]'))
        return f"{indent}{ids[k]}{left}{_mermaid_label(n)}{right}"

    for story in sorted(s for s in groups if s is not None):
        n = g.nodes[story]
        lines.append(f'  subgraph {ids.get(story, "s")}_group["{_mermaid_label(n)}"]')
        lines.extend(node_line(k, "    ") for k in groups[story])
        lines.append("  end")
    lines.extend(node_line(k, "  ") for k in groups.get(None, []))
    for u, v, t in edges:
        lines.append(f"  {ids[u]} -->|{t}| {ids[v]}")
    for kind, style in _MERMAID_STYLES.items():
        members = [ids[k] for k in nodes if g.nodes[k]["kind"] == kind]
        if members:
            lines.append(f"  classDef {kind} {style}")
            lines.append(f"  class {','.join(members)} {kind}")
    return "\n".join(lines) + "\n"


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def to_dot(graph: GovGraph, keys: Iterable[str] | None = None) -> str:
    """Graphviz DOT, one cluster per story."""
    nodes, edges = _selected(graph, keys)
    g = graph.plain
    groups: dict[str | None, list[str]] = {}
    for k in nodes:
        groups.setdefault(_story_of(graph, k), []).append(k)
    lines = ["digraph govcell {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];']

    def node_line(k: str, indent: str) -> str:
        n = g.nodes[k]
        if n["kind"] in ("test", "doc", "feature"):
            parts = [n["id"]]
        elif n["kind"] == "scenario":
            parts = [short(n["label"], 40)]
        else:
            parts = [n["id"], short(n["label"], 40)]
        label = "\\n".join(_dot_escape(p) for p in parts)
        return f'{indent}"{_dot_escape(k)}" [label="{label}", class="{n["kind"]}"];'

    for i, story in enumerate(sorted(s for s in groups if s is not None)):
        lines.append(f"  subgraph cluster_{i} {{")
        lines.append(f'    label="{_dot_escape(short(g.nodes[story]["id"] + " " + g.nodes[story]["label"], 60))}";')
        lines.extend(node_line(k, "    ") for k in groups[story])
        lines.append("  }")
    lines.extend(node_line(k, "  ") for k in groups.get(None, []))
    for u, v, t in edges:
        lines.append(f'  "{_dot_escape(u)}" -> "{_dot_escape(v)}" [label="{t}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
