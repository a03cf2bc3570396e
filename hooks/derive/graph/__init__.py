"""The governance graph: one directed graph of everything the cell declares.

Stories, requirements, ACs, test mappings, feature files, scenarios, tasks,
ADRs, docs, devex commands and flows, policies and bundles become typed nodes
(each remembering the file and line it came from) joined by typed edges.
Invariants are then questions asked of one graph instead of ad-hoc scans of
each file (the ``governance-graph`` check, :mod:`govcell.checks.governance_graph`),
and the same graph is exported as JSON, Mermaid and DOT.

Building is linear in the size of the cell: every reference is resolved with
one dictionary lookup.

The package's modules, by what they hold: ``model`` (the plain-dict store and
``GovGraph``), ``builder`` (nodes, edges, reference resolution), ``docs`` (the
doc index and doc/workflow references), ``sources`` (``build``: one function per
input file) and ``export`` (focus, JSON, Mermaid, DOT).  This module re-exports
the public names, which are the documented Python API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from govcell.derive.graph.model import GRAPH_SCHEMA, KIND_NAMES, KINDS, GovGraph, Store, Unresolved, key
from govcell.derive.graph.sources import build

if TYPE_CHECKING:
    from govcell.derive.graph.export import focus, short, to_dot, to_json, to_mermaid

#: The exporters: imported when first asked for (a check builds the graph; only an export draws it).
_EXPORTERS = frozenset({"focus", "short", "to_dot", "to_json", "to_mermaid"})


def __getattr__(name: str) -> Any:
    if name in _EXPORTERS:
        from govcell.derive.graph import export

        return getattr(export, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["GRAPH_SCHEMA", "KINDS", "KIND_NAMES", "GovGraph", "Store", "Unresolved", "build", "focus", "key", "short",
           "to_dot", "to_json", "to_mermaid"]
