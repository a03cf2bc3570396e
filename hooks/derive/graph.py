"""The governance graph: one directed graph of everything the cell declares.

Stories, requirements, ACs, test mappings, feature files, scenarios, tasks,
ADRs, docs, devex commands and flows, policies and bundles become typed nodes
(each remembering the file and line it came from) joined by typed edges.
Invariants are then questions asked of one graph instead of ad-hoc scans of
each file (the ``governance-graph`` check, :mod:`govcell.checks.governance_graph`),
and the same graph is exported as JSON, Mermaid and DOT.

Building is linear in the size of the cell: every reference is resolved with
one dictionary lookup.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from govcell.diagnostics import Diagnostic, diag

if TYPE_CHECKING:
    import networkx as nx

    from govcell.cell import Cell

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

    def add_edge(self, u: str, v: str, **attrs: Any) -> None:
        """Add (or update) an edge; missing ends become attribute-less nodes, as in networkx."""
        if u not in self.nodes:
            self.add_node(u)
        if v not in self.nodes:
            self.add_node(v)
        data = self.succ[u].get(v)
        if data is None:
            data = self.succ[u][v] = self.pred[v][u] = {}
            self.order.append((u, v))
        data.update(attrs)

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


class _Builder:
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
        k = key(kind, ident)
        if k in self.g:
            return k
        self.g.add_node(k, kind=kind, id=ident, label=label, file=file, line=line, col=col, **attrs)
        self.by_id.setdefault(ident, []).append(k)
        return k

    def edge(self, source: str, target: str, etype: str, **attrs: Any) -> None:
        self.g.add_edge(source, target, type=etype, **attrs)

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


def build(cell: Cell) -> GovGraph:
    """Build the graph of the inputs of ``cell`` (``Analysis.graph`` builds it once per analysis)."""
    b = _Builder(cell)
    _add_doc_index(b)
    _add_ledger(b)
    _add_adrs(b)
    _add_features(b)
    _add_tasks(b)
    _add_flows(b)
    _add_policies(b)
    _add_bundles(b)
    b.resolve_pending()
    return GovGraph(b.g, b.by_id, b.found, b.unresolved)


# ----------------------------------------------------------------------------- sources


def _add_ledger(b: _Builder) -> None:
    loaded = b.cell.ledger
    ledger = loaded.model
    if ledger is None:
        return
    raw = loaded.raw
    path = loaded.path
    root = b.add("ledger", path, path, path, 1)
    b.refs(root, ledger.metadata.adrs, loaded, ("metadata", "adrs"), "adr", "decided_by")
    for story in ledger.stories:
        sloc = story.loc
        line, col = raw.position(sloc + ("id",))
        s = b.add("story", story.id, story.title, path, line, col, status=story.status)
        b.edge(root, s, "contains")
        _item_refs(b, s, story, sloc)
        for req in story.requirements:
            rloc = req.loc
            line, col = raw.position(rloc + ("id",))
            r = b.add("requirement", req.id, req.title, path, line, col, must_have_ac=req.must_have_ac,
                      status=req.status)
            b.edge(s, r, "contains")
            _item_refs(b, r, req, rloc)
            for di, doc in enumerate(req.docs):
                dline, dcol = raw.position(rloc + ("docs", di))
                b.edge(_doc_node(b, doc, path, dline, dcol, r), r, "documents")
            for wi, workflow in enumerate(req.ci_workflows):
                wline, wcol = raw.position(rloc + ("ci_workflows", wi))
                b.edge(r, _workflow_node(b, workflow, path, wline, wcol, r), "enforced_by")
            for ac in req.acceptance_criteria:
                aloc = ac.loc
                line, col = raw.position(aloc + ("id",))
                kernel = req.must_have_ac and ac.must_have_ac
                a = b.add("ac", ac.id, ac.text, path, line, col, kernel=kernel, status=ac.status)
                b.edge(r, a, "contains")
                _item_refs(b, a, ac, aloc)
                for ti, test in enumerate(ac.tests):
                    tline, tcol = raw.position(test.loc)
                    label = f"{test.type}: {test.tag or test.command or test.file or test.workflow or ''}".strip()
                    t = b.add("test", f"{ac.id}#{ti + 1}", label, path, tline, tcol, type=test.type,
                              automated=test.automated, tag=test.tag, target=test.file)
                    b.edge(a, t, "tested_by")
                    if test.type == "bdd" and test.file:
                        f = b.add("feature", test.file, test.file, test.file, 0, 0)
                        b.edge(t, f, "runs")
                    if test.workflow:
                        wline, wcol = raw.position(test.loc + ("workflow",))
                        b.edge(t, _workflow_node(b, test.workflow, path, wline, wcol, t), "runs_in")


def _item_refs(b: _Builder, node: str, item: Any, loc: tuple[Any, ...]) -> None:
    loaded = b.cell.ledger
    if isinstance(item.adr, str):  # `adr: ADR-0001` is located at the value itself
        line, col = loaded.raw.position(loc + ("adr",))
        b.ref(node, item.adr, "adr", "decided_by", loaded.path, line, col)
    else:
        b.refs(node, list(item.adr or []), loaded, loc + ("adr",), "adr", "decided_by")
    b.refs(node, item.depends_on, loaded, loc + ("depends_on",), "story|requirement|ac", "depends_on")


def _looks_like_path(ref: str) -> bool:
    """A doc reference with a directory or an extension is a path; otherwise it is a doc ID."""
    return "/" in ref or "\\" in ref or "." in ref.rsplit("/", 1)[-1]


def _doc_node(b: _Builder, doc: str, file: str, line: int, col: int, referrer: str) -> str:
    """The node of a document named by path or by doc-index ID (a missing one is a finding, once per use)."""
    entry = _doc_index(b).get(doc)
    if entry is not None:
        return key(_entry_kind(entry), doc)
    k = key("doc", doc)
    exists = _looks_like_path(doc) and _inside_file_exists(b.cell, doc.split("#", 1)[0])
    if k not in b.g:
        b.add("doc", doc, doc, doc if exists else file, 0 if exists else line, 0 if exists else col, exists=exists)
    if not exists:
        src = b.g.nodes[referrer]
        if _looks_like_path(doc):
            b.found.append(diag("graph.missing-doc", f"{src['kind']} {src['id']} names doc {doc}, which does not "
                                "exist", file, line, col,
                                hint="fix the path (relative to the repository root) or add the doc"))
        else:
            where = b.cell.config.paths.doc_index
            b.found.append(diag("graph.missing-doc", f"{src['kind']} {src['id']} names doc ID {doc}, which is not "
                                f"in the doc index ({where})", file, line, col,
                                hint=f"register the document in {where} (id, file), or name it by its path"))
    return k


def _inside_file_exists(cell: Cell, rel: str) -> bool:
    if not rel or rel.startswith("/") or ".." in rel.split("/"):
        return False
    return cell.source.is_file(rel)


def _workflow_node(b: _Builder, ref: str, file: str, line: int, col: int, referrer: str) -> str:
    """A CI workflow named by file (``ci-lints.yml``, a path) or by doc-index ID (``CI-NIX``)."""
    entry = _doc_index(b).get(ref)
    if entry is not None:
        return key(_entry_kind(entry), ref)
    target = None
    if target is None and _looks_like_path(ref):
        candidates = [ref] + [f"{d.rstrip('/')}/{ref}" for d in b.cell.config.paths.workflows]
        target = next((c for c in candidates if _inside_file_exists(b.cell, c)), None)
    k = key("workflow", ref)
    if k not in b.g:
        exists = target is not None and _inside_file_exists(b.cell, target)
        b.add("workflow", ref, ref, target or file,
              0 if exists else line, 0 if exists else col, exists=exists)
    if not b.g.nodes[k]["exists"]:
        src = b.g.nodes[referrer]
        dirs = ", ".join(b.cell.config.paths.workflows) or "paths.workflows"
        b.found.append(diag("graph.missing-workflow", f"{src['kind']} {src['id']} names CI workflow {ref}, which "
                            f"is neither a workflow file (in {dirs}) nor a doc index ID", file, line, col,
                            hint="fix the name, add the workflow, or register it in "
                                 f"{b.cell.config.paths.doc_index}"))
    return k


def _entry_kind(entry: Any) -> str:
    """A doc-index entry of type ci_workflow is a workflow node; any other, a doc node."""
    return "workflow" if entry.doc_type == "ci_workflow" else "doc"


def _doc_index(b: _Builder) -> dict[str, Any]:
    """Doc-index entries by ID, built once per graph."""
    if b.doc_ids is None:
        model = b.cell.doc_index.model
        b.doc_ids = model.by_id() if model is not None else {}
    return b.doc_ids


def _unique(b: _Builder, loaded: Any, items: list[Any], what: str) -> Iterator[tuple[Any, int, int]]:
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


def _add_doc_index(b: _Builder) -> None:
    """Registered documents: a node per ID, its file checked, its links resolved."""
    loaded = b.cell.doc_index
    model = loaded.model
    if model is None:
        return
    raw = loaded.raw
    path = loaded.path
    for entry, line, col in _unique(b, loaded, model.docs, "doc"):
        exists = _inside_file_exists(b.cell, entry.file)
        kind = _entry_kind(entry)
        node = b.add(kind, entry.id, entry.title or entry.id, path, line, col, exists=exists, file_path=entry.file)
        if not exists:
            fl, fc = raw.position(entry.loc + ("file",))
            b.found.append(diag("graph.missing-doc", f"doc index entry {entry.id} names {entry.file}, which does "
                                "not exist", path, fl, fc, hint="fix the path or remove the entry"))
        for field, kinds in (("stories", "story"), ("requirements", "requirement"), ("acs", "ac"), ("adrs", "adr")):
            b.refs(node, getattr(entry, field), loaded, entry.loc + (field,), kinds,
                   "decided_by" if field == "adrs" else "documents")


def _add_adrs(b: _Builder) -> None:
    index = b.cell.adrs
    b.found.extend(index.diagnostics)
    for adr in index.adrs.values():
        b.add("adr", adr.id, adr.title, adr.path, 1, 1, status=adr.status)


def _add_features(b: _Builder) -> None:
    """Feature files and scenarios (from the AC-tags parser), scenario -> AC edges."""
    for ff in b.cell.features.files:
        f = b.add("feature", ff.path, ff.name or ff.path, ff.path, ff.line, 1)
        b.g.nodes[f].update(label=ff.name or ff.path, line=ff.line)
        for sc in ff.scenarios:
            s = b.add("scenario", f"{sc.file}:{sc.line}", sc.name, sc.file, sc.line, 1)
            b.edge(f, s, "contains")
            for ac_id in sc.ac_ids:
                b.ref(s, ac_id, "ac", "covers", sc.file, sc.line, 1)


def _add_tasks(b: _Builder) -> None:
    loaded = b.cell.tasks
    model = loaded.model
    if model is None:
        return
    raw = loaded.raw
    path = loaded.path
    for task, line, col in _unique(b, loaded, model.tasks, "task"):
        tloc = task.loc
        t = b.add("task", task.id, task.title, path, line, col, status=task.status)
        if task.requirement:
            rl, rc = raw.position(tloc + ("requirement",))
            b.ref(t, task.requirement, "requirement", "implements", path, rl, rc)
        b.refs(t, task.acs, loaded, tloc + ("acs",), "ac", "implements")
        b.refs(t, task.depends_on, loaded, tloc + ("depends_on",), "task", "depends_on")
        b.refs(t, task.recommended_flows, loaded, tloc + ("recommended_flows",), "flow", "follows")
        for sub, doc in task.doc_refs():
            dl, dc = raw.position(tloc + sub)
            b.edge(_doc_node(b, doc, path, dl, dc, t), t, "documents")


def _add_flows(b: _Builder) -> None:
    loaded = b.cell.flows
    model = loaded.model
    if model is None:
        return
    raw = loaded.raw
    path = loaded.path
    for name, cmd in model.commands.items():
        line, col = raw.position(("commands", name), key=True)
        b.add("command", name, cmd.label, path, line, col, required=cmd.required)
    for name, flow in model.flows.items():
        line, col = raw.position(("flows", name), key=True)
        fl = b.add("flow", name, flow.name or flow.description or name, path, line, col, required=flow.required)
        b.refs(fl, flow.steps, loaded, ("flows", name, "steps"), "command", "executes")
        for i, doc in enumerate(flow.documented_in):
            dl, dc = raw.position(("flows", name, "documented_in", i))
            b.edge(_doc_node(b, doc, path, dl, dc, fl), fl, "documents")


def _add_policies(b: _Builder) -> None:
    """Policy files (``*.rego`` under the policy directory, fixtures and ``*_test.rego`` aside)."""
    cell = b.cell
    directory = cell.config.paths.policy.rstrip("/")
    if not cell.source.is_dir(directory):
        return
    skip = tuple(d.strip("/") + "/" for d in cell.config.paths.policy_testdata)
    for rel in cell.source.walk(directory):
        name = rel.rsplit("/", 1)[-1]
        if not name.endswith(".rego") or name.endswith("_test.rego") or rel.startswith(skip) \
                or not cell.source.is_file(rel):
            continue
        stem = name[:-len(".rego")]
        b.add("policy", stem, stem, rel, 1, 1)


def _add_bundles(b: _Builder) -> None:
    loaded = b.cell.contextpack
    model = loaded.model
    if model is None:
        return
    raw = loaded.raw
    path = loaded.path
    for name, task in model.tasks.items():
        line, col = raw.position(("tasks", name), key=True)
        bn = b.add("bundle", name, task.description, path, line, col, max_bytes=task.max_bytes)
        b.refs(bn, task.acs, loaded, ("tasks", name, "acs"), "ac", "serves")
        b.refs(bn, task.requirements, loaded, ("tasks", name, "requirements"), "requirement", "serves")
        task_key = key("task", name)
        if task_key in b.g:
            b.edge(task_key, bn, "has_bundle")


# ----------------------------------------------------------------------------- exports


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
