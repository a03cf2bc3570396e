"""The graph's data: nodes and edges in plain dicts (``Store``), and ``GovGraph``, the graph with its findings.

Kept apart from building and exporting so that a reader of the graph (a check,
the site) needs only this module's types, and networkx is imported only when
something asks for ``GovGraph.g``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

    from govcell.diagnostics import Diagnostic

GRAPH_SCHEMA = "govcell.graph/1"

#: Node kinds, in the order they are listed in exports.
KINDS = ("ledger", "story", "requirement", "ac", "test", "feature", "scenario", "task", "adr", "doc",
         "workflow", "command", "flow", "policy", "bundle")


class Store:
    """The graph's nodes and edges in plain dicts, in insertion order.

    The builder and the invariant checks work on this; the networkx graph
    (``GovGraph.g``) is made from it only when something asks for it (exports,
    the site, reporting a cycle), because importing networkx costs a
    single-check hook more time than everything else it does.  ``nodes`` maps a
    key to its attributes; ``succ``/``pred`` map a key to its neighbours and the
    (shared) edge attributes, as networkx's adjacency does.
    """

    __slots__ = ("nodes", "order", "pred", "succ")

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        self.succ: dict[str, dict[str, dict[str, Any]]] = {}
        self.pred: dict[str, dict[str, dict[str, Any]]] = {}
        self.order: list[tuple[str, str]] = []

    def __contains__(self, k: object) -> bool:
        return k in self.nodes

    def add_node(self, k: str, **attrs: Any) -> None:
        if k in self.nodes:
            self.nodes[k].update(attrs)
            return
        self.nodes[k] = attrs
        self.succ[k] = {}
        self.pred[k] = {}

    def new_node(self, k: str, attrs: dict[str, Any]) -> None:
        """Add node ``k``, known to be new, with ``attrs`` (the builder's one call per item)."""
        self.nodes[k] = attrs
        self.succ[k] = {}
        self.pred[k] = {}

    def typed_edge(self, u: str, v: str, etype: str) -> None:
        """``add_edge(u, v, type=etype)`` without the keyword dict (the builder's one call per reference)."""
        self._edge(u, v)["type"] = etype

    def add_edge(self, u: str, v: str, **attrs: Any) -> None:
        """Add (or update) an edge; missing ends become attribute-less nodes, as in networkx."""
        self._edge(u, v).update(attrs)

    def _edge(self, u: str, v: str) -> dict[str, Any]:
        """The attributes of edge ``u -> v``, added (with its missing ends) if it is new."""
        if u not in self.nodes:
            self.add_node(u)
        if v not in self.nodes:
            self.add_node(v)
        data = self.succ[u].get(v)
        if data is None:
            data = self.succ[u][v] = self.pred[v][u] = {}
            self.order.append((u, v))
        return data

    def edges(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every edge with its attributes, in the order they were first added."""
        succ = self.succ
        for u, v in self.order:
            yield u, v, succ[u][v]

    def to_networkx(self) -> nx.DiGraph[str]:
        """The same graph as a networkx ``DiGraph`` (same node and edge order)."""
        import networkx as nx

        g: nx.DiGraph[str] = nx.DiGraph()
        g.add_nodes_from((k, dict(a)) for k, a in self.nodes.items())
        g.add_edges_from((u, v, dict(d)) for u, v, d in self.edges())
        return g

    @classmethod
    def from_networkx(cls, g: nx.DiGraph[str]) -> Store:
        store = cls()
        for k, a in g.nodes(data=True):
            store.add_node(k, **a)
        for u, v, d in g.edges(data=True):
            store.add_edge(u, v, **d)
        return store


class _Edges:
    def __init__(self, store: Store) -> None:
        self._store = store

    def __call__(self, data: str) -> Iterator[tuple[str, str, Any]]:
        return ((u, v, d.get(data)) for u, v, d in self._store.edges())

    def __getitem__(self, uv: tuple[str, str]) -> dict[str, Any]:
        return self._store.succ[uv[0]][uv[1]]


class _Plain:
    """``nodes[k]``, ``successors``, ``predecessors``, ``edges(data=...)`` and ``edges[u, v]`` of a Store."""

    def __init__(self, store: Store) -> None:
        self.nodes = store.nodes
        self.edges = _Edges(store)
        self._store = store

    def successors(self, k: str) -> Iterator[str]:
        return iter(self._store.succ[k])

    def predecessors(self, k: str) -> Iterator[str]:
        return iter(self._store.pred[k])


@dataclasses.dataclass(frozen=True)
class Unresolved:
    """A reference that names nothing: the node it starts from, the ID it names, the kinds it may name."""

    source: str
    target: str
    kinds: tuple[str, ...]


class GovGraph:
    """The graph plus the findings collected while resolving references.

    ``g`` is the networkx ``DiGraph`` (built on first use), ``store`` the same
    nodes and edges in plain dicts.  Either may be given, so ``GovGraph(nx_graph,
    by_id, [])`` still makes a view of part of the graph.  ``unresolved`` lists
    the references that name nothing (each is also a finding of ``diagnostics``
    unless the file it would name could not be read).
    """

    def __init__(self, g: nx.DiGraph[str] | Store, by_id: dict[str, list[str]], diagnostics: list[Diagnostic],
                 unresolved: Iterable[Unresolved] = ()) -> None:
        self.by_id = by_id
        self.diagnostics = diagnostics
        self.unresolved = list(unresolved)
        self._store: Store | None = g if isinstance(g, Store) else None
        self._g: nx.DiGraph[str] | None = None if isinstance(g, Store) else g

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store.from_networkx(self.g)
        return self._store

    @property
    def g(self) -> nx.DiGraph[str]:
        if self._g is None:
            self._g = self.store.to_networkx()
        return self._g

    @property
    def plain(self) -> _Plain:
        """The read API of networkx the exports use, over the plain dicts (no ``DiGraph`` is built)."""
        return _Plain(self.store)

    def node(self, key: str) -> dict[str, Any]:
        return self.store.nodes[key]

    def missing(self, kind: str) -> list[str]:
        """The IDs that references name as a ``kind`` (``adr``...) for which no node exists, sorted."""
        return sorted({u.target for u in self.unresolved if u.kinds == (kind,)})

    def resolve(self, ident: str) -> str | None:
        """Node key for a bare ID (``AC-1``) or a key (``ac:AC-1``)."""
        if ident in self.store:
            return ident
        keys = self.by_id.get(ident)
        return keys[0] if keys else None


KIND_NAMES = {"ac": "AC", "adr": "ADR"}


def key(kind: str, ident: str) -> str:
    return f"{kind}:{ident}"
