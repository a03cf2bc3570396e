"""The graph builder: adds typed nodes and edges, and resolves references once every node exists.

A reference (``story -> ADR-0001``) is recorded while the sources are read and
resolved afterwards with one dictionary lookup, so the order in which the
sources are read does not matter; one that names nothing becomes a finding
(or, when the file it would name could not be read, that file's cause, once).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from govcell.derive.graph.model import KIND_NAMES, Store, Unresolved
from govcell.diagnostics import Diagnostic, diag

if TYPE_CHECKING:
    from govcell.cell import Cell


class Builder:
    """Adds nodes and edges, and records references that do not resolve."""

    def __init__(self, cell: Cell) -> None:
        self.cell = cell
        self.g = Store()
        self.by_id: dict[str, list[str]] = {}
        self.found: list[Diagnostic] = []
        self.pending: list[tuple[str, str, str, str, str, int, int]] = []
        self.unresolved: list[Unresolved] = []
        self.doc_ids: dict[str, Any] | None = None

    def add(self, kind: str, ident: str, label: str, file: str, line: int, col: int = 1, **attrs: Any) -> str:
        k = f"{kind}:{ident}"  # model.key, written out: this runs for every item of the cell
        if k in self.g.nodes:
            return k
        self.g.new_node(k, {"kind": kind, "id": ident, "label": label, "file": file, "line": line, "col": col,
                            **attrs})
        by_id = self.by_id.get(ident)
        if by_id is None:
            self.by_id[ident] = [k]
        else:
            by_id.append(k)
        return k

    def edge(self, source: str, target: str, etype: str) -> None:
        self.g.typed_edge(source, target, etype)

    def ref(self, source: str, target_id: str, kinds: str, etype: str, file: str, line: int, col: int) -> None:
        """A reference resolved once every node exists (kinds: '|'-separated)."""
        self.pending.append((source, target_id, kinds, etype, file, line, col))

    def refs(self, source: str, ids: list[str], loaded: Any, loc: tuple[Any, ...], kinds: str, etype: str) -> None:
        """``ref`` for every ID of a list field, each located at its own item (``loc + (i,)``)."""
        for i, ident in enumerate(ids):
            line, col = loaded.raw.position(loc + (i,))
            self.ref(source, ident, kinds, etype, loaded.path, line, col)

    def _unreadable_sources(self, kinds: list[str]) -> list[Diagnostic]:
        """The causes, when every kind a reference may name lives in a file that could not be read."""
        sources = {_KIND_SOURCES.get(k) for k in kinds}
        if None in sources:
            return []
        loaded = [getattr(self.cell, name) for name in sorted(s for s in sources if s)]
        if not all(item.unreadable for item in loaded):
            return []
        return [d for item in loaded for d in item.causes()]

    def resolve_pending(self) -> None:
        for source, target_id, kinds, etype, file, line, col in self.pending:
            allowed = kinds.split("|")
            target = next((k for k in self.by_id.get(target_id, ()) if self.g.nodes[k]["kind"] in allowed), None)
            if target is not None:
                self.edge(source, target, etype)
                continue
            src = self.g.nodes[source]
            what = f"{src['kind']} {src['id']}"
            self.unresolved.append(Unresolved(source, target_id, tuple(allowed)))
            unread = self._unreadable_sources(allowed)
            if unread:
                # Never silently off, never a consequence per reference: the cause, once.
                for cause in unread:
                    if cause not in self.found:
                        self.found.append(cause)
                continue
            if allowed == ["adr"]:
                self.found.append(diag("adr.missing", f"{what} references {target_id}, which has no ADR file",
                                       file, line, col, hint=f"add {self.cell.config.paths.adr}/"
                                       f"{target_id[4:] if target_id.startswith('ADR-') else 'NNNN'}-slug.md "
                                       "or fix the reference"))
            elif src["kind"] == "scenario":
                self.found.append(diag("graph.dangling-scenario-tag",
                                       f"scenario '{src['label']}' is tagged @{target_id}, which is not in the ledger",
                                       file, line, col, hint="add the AC to the ledger or fix the tag"))
            else:
                names = [KIND_NAMES.get(k, k) for k in allowed]
                expected = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
                self.found.append(diag("graph.dangling-ref",
                                       f"{what} {etype.replace('_', ' ')} {target_id}, but no {expected} has that ID",
                                       file, line, col, hint="fix the ID or add what it names"))


_KIND_SOURCES = {"story": "ledger", "requirement": "ledger", "ac": "ledger", "task": "tasks", "flow": "flows",
                 "command": "flows", "bundle": "contextpack"}


def unique(b: Builder, loaded: Any, items: list[Any], what: str) -> Iterator[tuple[Any, int, int]]:
    """Items with their ID's position; a repeated ID is a finding and the repeat is left out."""
    seen: dict[str, int] = {}
    for item in items:
        line, col = loaded.raw.position(item.loc + ("id",))
        if item.id in seen:
            b.found.append(diag("graph.duplicate-id", f"{what} ID {item.id} is already used on line {seen[item.id]}",
                                loaded.path, line, col, hint=f"every {what} needs its own ID"))
            continue
        seen[item.id] = line
        yield item, line, col
