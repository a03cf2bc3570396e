"""Building the graph from the cell's inputs: one function per source file, in a fixed order.

Each reads one loaded input (ledger, ADRs, features, tasks, flows, policies,
context bundles) and adds its nodes, edges and references through the
``Builder``; ``build`` runs them all and then resolves the references.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from govcell.derive.graph.builder import Builder, unique
from govcell.derive.graph.docs import add_doc_index, doc_node, workflow_node
from govcell.derive.graph.model import GovGraph, key

if TYPE_CHECKING:
    from govcell.cell import Cell


def build(cell: Cell) -> GovGraph:
    """Build the graph of the inputs of ``cell`` (``Analysis.graph`` builds it once per analysis)."""
    b = Builder(cell)
    add_doc_index(b)
    _add_ledger(b)
    _add_adrs(b)
    _add_features(b)
    _add_tasks(b)
    _add_flows(b)
    _add_policies(b)
    _add_bundles(b)
    b.resolve_pending()
    return GovGraph(b.g, b.by_id, b.found, b.unresolved)



def _add_ledger(b: Builder) -> None:
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
                b.edge(doc_node(b, doc, path, dline, dcol, r), r, "documents")
            for wi, workflow in enumerate(req.ci_workflows):
                wline, wcol = raw.position(rloc + ("ci_workflows", wi))
                b.edge(r, workflow_node(b, workflow, path, wline, wcol, r), "enforced_by")
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
                        b.edge(t, workflow_node(b, test.workflow, path, wline, wcol, t), "runs_in")


def _item_refs(b: Builder, node: str, item: Any, loc: tuple[Any, ...]) -> None:
    loaded = b.cell.ledger
    if isinstance(item.adr, str):  # `adr: ADR-0001` is located at the value itself
        line, col = loaded.raw.position(loc + ("adr",))
        b.ref(node, item.adr, "adr", "decided_by", loaded.path, line, col)
    else:
        b.refs(node, list(item.adr or []), loaded, loc + ("adr",), "adr", "decided_by")
    b.refs(node, item.depends_on, loaded, loc + ("depends_on",), "story|requirement|ac", "depends_on")


def _add_adrs(b: Builder) -> None:
    index = b.cell.adrs
    b.found.extend(index.diagnostics)
    for adr in index.adrs.values():
        b.add("adr", adr.id, adr.title, adr.path, 1, 1, status=adr.status)


def _add_features(b: Builder) -> None:
    """Feature files and scenarios (from the AC-tags parser), scenario -> AC edges."""
    for ff in b.cell.features.files:
        f = b.add("feature", ff.path, ff.name or ff.path, ff.path, ff.line, 1)
        b.g.nodes[f].update(label=ff.name or ff.path, line=ff.line)
        for sc in ff.scenarios:
            s = b.add("scenario", f"{sc.file}:{sc.line}", sc.name, sc.file, sc.line, 1)
            b.edge(f, s, "contains")
            for ac_id in sc.ac_ids:
                b.ref(s, ac_id, "ac", "covers", sc.file, sc.line, 1)


def _add_tasks(b: Builder) -> None:
    loaded = b.cell.tasks
    model = loaded.model
    if model is None:
        return
    raw = loaded.raw
    path = loaded.path
    for task, line, col in unique(b, loaded, model.tasks, "task"):
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
            b.edge(doc_node(b, doc, path, dl, dc, t), t, "documents")


def _add_flows(b: Builder) -> None:
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
            b.edge(doc_node(b, doc, path, dl, dc, fl), fl, "documents")


def _add_policies(b: Builder) -> None:
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


def _add_bundles(b: Builder) -> None:
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
