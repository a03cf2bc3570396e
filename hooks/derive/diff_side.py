"""One side of ``govcell diff``: the cell at a revision (or the index, or the working tree) as a summary.

A *summary* is plain data (picklable, JSON-able): every item with its fields as written,
AC coverage and states, scenarios, bundle sizes and the findings with their fingerprints
(``govcell.derive.fingerprint``).  ``govcell.derive.diff`` compares two of them.  The
checks are run by the function the caller passes (``findings``; derive sits below the
checks).  A commit's summary is kept in the shared cache (``govcell.load.cache``) under its
commit id, so the base of a pull request is computed once, not at every run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govcell.derive.commit_cache import slot, volatile

if TYPE_CHECKING:
    from govcell.derive.analysis import Analysis
    from govcell.diagnostics import Diagnostic

#: What checks an analysed cell: passed in by the caller (``govcell.report.revisions``), above the checks.
Findings = Callable[["Analysis"], "list[Diagnostic]"]


def _raw(loaded: Any, model: Any, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """An item's fields as written (the YAML mapping at ``model.loc``), without its children.

    Comparing what was written is both faster than dumping models and what a
    reviewer sees in the file; a key whose value did not change is not reported.
    """
    node = loaded.raw.data
    for part in model.loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return {}
    if not isinstance(node, dict):
        return {}
    return {str(k): v for k, v in node.items() if k not in exclude}


def _item(kind: str, ident: str, fields: dict[str, Any], file: str, pos: tuple[int, int]) -> dict[str, Any]:
    return {"kind": kind, "id": ident, "fields": fields, "file": file, "line": pos[0]}


def items_of(cell: Any) -> list[dict[str, Any]]:
    """Every item of the cell as plain data: kind, id, fields, file, line."""
    out: list[dict[str, Any]] = []
    loaded = cell.ledger
    ledger = loaded.model
    if ledger is not None:
        raw, path = loaded.raw, loaded.path
        for story in ledger.stories:
            out.append(_item("story", story.id, _raw(loaded, story, ("requirements",)), path,
                             raw.position(story.loc)))
            for req in story.requirements:
                fields = _raw(loaded, req, ("acceptance_criteria",)) | {"story": story.id}
                out.append(_item("requirement", req.id, fields, path, raw.position(req.loc)))
                for ac in req.acceptance_criteria:
                    fields = _raw(loaded, ac) | {"requirement": req.id}
                    out.append(_item("ac", ac.id, fields, path, raw.position(ac.loc)))
    tasks = cell.tasks
    if tasks.model is not None:
        for task in tasks.model.tasks:
            out.append(_item("task", task.id, _raw(tasks, task), tasks.path, tasks.raw.position(task.loc)))
    flows = cell.flows
    if flows.model is not None:
        for name, cmd in flows.model.commands.items():
            out.append(_item("command", name, _raw(flows, cmd), flows.path, flows.raw.position(cmd.loc)))
        for name, flow in flows.model.flows.items():
            out.append(_item("flow", name, _raw(flows, flow), flows.path, flows.raw.position(flow.loc)))
    pack = cell.contextpack
    if pack.model is not None:
        for name, task in pack.model.tasks.items():
            out.append(_item("bundle", name, _raw(pack, task), pack.path, pack.raw.position(task.loc)))
    policy_dir = cell.config.paths.policy.rstrip("/")
    skip = tuple(d.strip("/") + "/" for d in cell.config.paths.policy_testdata)
    for rel in cell.source.walk(policy_dir):
        if rel.endswith(".rego") and not rel.startswith(skip):
            ident = rel[len(policy_dir) + 1:] if rel.startswith(policy_dir + "/") else rel
            out.append(_item("policy", ident, {"content": cell.source.blob_id(rel)}, rel, (0, 0)))
    for adr in cell.adrs.adrs.values():
        out.append(_item("adr", adr.id, {"title": adr.title, "status": adr.status, "path": adr.path,
                                         "content": cell.source.blob_id(adr.path)}, adr.path, (0, 0)))
    return out


def summarise(root: str, config: str | None, spec: str | None, findings: Findings,
              cache_as: str = "", side: tuple[Any, Any] | str | None = None) -> dict[str, Any]:
    """Everything the diff needs from one side, as plain (picklable, JSON-able) data.

    ``findings`` checks the analysed cell (the caller's, from above the checks: derive never runs
    them); ``cache_as`` names what it runs, and when given a commit's summary is kept in the
    shared cache (see :func:`lookup`); ``side`` is what :func:`open_side` returned for
    ``spec``, when the caller already opened it.
    """
    from govcell.derive.analysis import Analysis

    side = open_side(root, config, spec) if side is None else side
    if isinstance(side, str):
        return {"error": side}
    cell, source = side
    store, k = slot(cell, "diff-side", cache_as)
    if store is not None:
        hit = store.get("diff-side", k)
        if isinstance(hit, dict):
            return {**hit, "source": _source(source)}
    analysis = Analysis(cell)
    out = summary_of(analysis, findings(analysis))
    if store is not None and not volatile(d["code"] for d in out["findings"]):
        store.put("diff-side", k, {k2: v for k2, v in out.items() if k2 != "source"})
    return out


def lookup(root: str, config: str | None, spec: str | None, cache_as: str,
           ) -> tuple[dict[str, Any] | None, tuple[Any, Any] | str]:
    """(the summary of a commit kept by an earlier run, or None; the side as :func:`open_side` opened it).

    None when the side is not a commit, is not kept, or the cache is off.  Kept by
    ``govcell.derive.commit_cache`` (under the commit id, the configuration read at it, what the
    checks are, ``cache_as``, and govcell's code); a summary whose findings depend on the machine
    (a policy timeout, an engine missing or crashing, a govcell bug) is not.
    """
    side = open_side(root, config, spec)
    if isinstance(side, str) or not cache_as:
        return None, side
    cell, source = side
    store, k = slot(cell, "diff-side", cache_as)
    hit = store.get("diff-side", k) if store is not None else None
    return ({**hit, "source": _source(source)} if isinstance(hit, dict) else None), side


def open_side(root: str, config: str | None, spec: str | None) -> tuple[Any, Any] | str:
    """(the cell, its source) of one side, or why the revision is not available."""
    from govcell.cell import Cell
    from govcell.load.sources import RevisionError, source_for

    root_path = Path(root).absolute()
    try:
        source = _empty(root_path) if spec is None else source_for(root_path, spec)
    except RevisionError as exc:
        return str(exc)
    return Cell(root_path, config, source=source), source


def _source(source: Any) -> dict[str, Any]:
    return {"kind": source.kind, "label": source.label, "commit": source.commit}


def summary_of(analysis: Analysis, found: list[Diagnostic]) -> dict[str, Any]:
    """One side's summary: the analysed cell and the findings of its checks."""
    from govcell.derive.fingerprint import fingerprint, id_pattern

    cell = analysis.cell
    source = cell.source
    ids = id_pattern(cell.config)
    cov = analysis.coverage
    acs = {a.id: {"coverage": a.coverage, "status": a.status, "kernel": a.kernel, "suspect": a.suspect}
           for a in cov.acs.values()}
    scenarios = []
    seen: dict[tuple[str, str, str], int] = {}
    for sc in cell.features.scenarios:
        k = (sc.file, sc.rule or "", sc.name)
        seen[k] = seen.get(k, 0) + 1
        scenarios.append({"file": sc.file, "rule": sc.rule or "", "name": sc.name, "n": seen[k], "line": sc.line,
                          "acs": list(sc.ac_ids), "tags": list(sc.tags)})
    bundles = {b.name: {"bytes": b.bytes, "max_bytes": b.max_bytes} for b in analysis.budgets}
    return {
        "source": _source(source),
        "items": items_of(cell),
        "acs": acs,
        "scenarios": scenarios,
        "bundles": bundles,
        "findings": [d.as_dict() | {"fingerprint": fingerprint(d, ids)} for d in found],
    }


def _empty(root: Path) -> Any:
    from govcell.load.sources import GitTree

    return GitTree(root, {}, kind="revision", label="empty")



def preload_modules(extra: Sequence[str] = ()) -> None:
    """Import what a side needs before forking (and ``extra``, the caller's), so the child does not import it again."""
    import importlib

    for name in ("govcell.cell", "govcell.formats.ledger", "govcell.formats.tasks",
                 "govcell.formats.flows", "govcell.formats.contextpack", "govcell.formats.docindex",
                 "govcell.load.validate", "govcell.load.features", "govcell.derive.graph", "govcell.derive.bundles",
                 "govcell.derive.analysis", "govcell.derive.matching", "govcell.derive.feature_status",
                 "govcell.derive.coverage", "govcell.derive.fingerprint", "govcell.derive.policy.run",
                 *extra, "networkx", "yaml", "gherkin"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def guarded(root: str, config: str | None, spec: str | None, findings: Findings, cache_as: str = "",
            side: tuple[Any, Any] | str | None = None) -> dict[str, Any]:
    """:func:`summarise`, a govcell bug in it a value (``{"internal": …}``), never a traceback."""
    try:
        return summarise(root, config, spec, findings, cache_as, side)
    except Exception as exc:  # noqa: BLE001 - a govcell bug is a finding, never a traceback
        return {"internal": f"{type(exc).__name__}: {exc}"}
