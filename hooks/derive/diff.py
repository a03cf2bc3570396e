"""``govcell diff``: what a change did to the cell, between two revisions of it.

Each side is a whole cell loaded through a ``FileSource`` (``govcell.load.sources``):
a commit, the staged index or the working tree, read from git without a
checkout.  Each side is reduced to a plain *summary* (items with their fields,
AC coverage, scenarios, bundle sizes, finding fingerprints), computed in its own
process when there are two cores, and the two summaries are compared:

* items (stories, requirements, ACs, tasks, commands, flows, bundles, policies,
  ADRs) added, removed, changed (which fields) and renamed (an item whose ID
  changed and nothing else);
* per AC, changes of coverage (covered / uncovered / meta), ledger status,
  kernel-ness and suspect-ness (``govcell.derive.suspect``);
* scenarios added, removed and retagged (their AC tags changed);
* bundle sizes against their budgets, where they changed;
* findings introduced and resolved (matched by fingerprint, ``govcell.derive.fingerprint``).

The document (``govcell.diff/1``) is rendered as text, JSON or Markdown by
``govcell.report.diff``, which also publishes its schema (``govcell schema diff``).

The checks of each side are run by a function the caller passes (``findings``):
derive sits below the checks and never imports them.  Commands and the site call
``govcell.report.revisions.diff``, which passes the registry's runner.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govcell.diagnostics import diag

if TYPE_CHECKING:
    from govcell.derive.analysis import Analysis
    from govcell.diagnostics import Diagnostic

#: What checks an analysed cell: passed in by the caller (``govcell.report.revisions``), above the checks.
Findings = Callable[["Analysis"], "list[Diagnostic]"]

FORMAT = "govcell.diff/1"
ITEM_KINDS = ("story", "requirement", "ac", "task", "command", "flow", "bundle", "policy", "adr")
#: Checks whose findings the diff compares (run results are not part of a revision).
DIFF_CHECKS = ("spec-ledger", "context-bundles", "policy-test", "governance-graph", "ac-tags", "feature-status")


# --------------------------------------------------------------------------- one side's summary


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


def summarise(root: str, config: str | None, spec: str | None, findings: Findings) -> dict[str, Any]:
    """Everything the diff needs from one side, as plain (picklable, JSON-able) data.

    ``findings`` checks the analysed cell (the caller's, from above the checks: derive never runs them).
    """
    from govcell.cell import Cell
    from govcell.derive.analysis import Analysis
    from govcell.load.sources import RevisionError, source_for

    root_path = Path(root).absolute()
    try:
        source = _empty(root_path) if spec is None else source_for(root_path, spec)
    except RevisionError as exc:
        return {"error": str(exc)}
    cell = Cell(root_path, config, source=source)
    analysis = Analysis(cell)
    return summary_of(analysis, findings(analysis))


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
        "source": {"kind": source.kind, "label": source.label, "commit": source.commit},
        "items": items_of(cell),
        "acs": acs,
        "scenarios": scenarios,
        "bundles": bundles,
        "findings": [d.as_dict() | {"fingerprint": fingerprint(d, ids)} for d in found],
    }


def _empty(root: Path) -> Any:
    from govcell.load.sources import GitTree

    return GitTree(root, {}, kind="revision", label="empty")


# --------------------------------------------------------------------------- comparing


def _canonical(item: dict[str, Any], renames: dict[tuple[str, str], str]) -> str:
    fields = dict(item["fields"])
    fields.pop("id", None)
    parent = {"requirement": "story", "ac": "requirement"}.get(item["kind"])
    if parent and isinstance(fields.get(parent), str):
        fields[parent] = renames.get((parent, fields[parent]), fields[parent])
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False)
    return text.replace(item["id"], "\0ID") if item["id"] else text


def _changed_fields(a: dict[str, Any], b: dict[str, Any], kind: str, renames: dict[tuple[str, str], str]) -> list[str]:
    parent = {"requirement": "story", "ac": "requirement"}.get(kind)
    out = []
    for key in sorted(set(a) | set(b)):
        va, vb = a.get(key), b.get(key)
        if key == parent and isinstance(va, str):
            va = renames.get((parent, va), va)
        if va != vb:
            out.append(key)
    return out


def compare(base: dict[str, Any], head: dict[str, Any]) -> dict[str, Any]:
    """The diff document (without the ``base``/``head`` descriptions)."""
    items, renames = compare_items(base["items"], head["items"])
    return {
        "items": items,
        "acs": _ac_changes(base["acs"], head["acs"], renames),
        "scenarios": _scenario_changes(base["scenarios"], head["scenarios"]),
        "bundles": _bundle_changes(base["bundles"], head["bundles"]),
        "findings": {"introduced": _split(head["findings"], base["findings"]),
                     "resolved": _split(base["findings"], head["findings"])},
    }


def _order(it: dict[str, Any]) -> tuple[Any, ...]:
    from govcell.derive.coverage import natural_key

    return (ITEM_KINDS.index(it["kind"]), natural_key(it["id"]))


def compare_items(base: list[dict[str, Any]], head: list[dict[str, Any]],
                  ) -> tuple[dict[str, list[dict[str, Any]]], dict[tuple[str, str], str]]:
    """Items added, removed, renamed and changed; and the renames ((kind, old ID) -> new ID).

    An item is *renamed* only when its ID changed and nothing else did (its fields as
    written, with its own ID and its parent's rename taken out); an item whose ID and
    content both changed is removed and added: nothing says it is the same item.
    """
    before = {(i["kind"], i["id"]): i for i in base}
    after = {(i["kind"], i["id"]): i for i in head}
    renames: dict[tuple[str, str], str] = {}
    out: dict[str, list[dict[str, Any]]] = {"added": [], "removed": [], "renamed": [], "changed": []}
    for kind in ITEM_KINDS:  # parents first, so a child's parent field follows its parent's rename
        gone = sorted((i for k, i in before.items() if k[0] == kind and k not in after), key=_order)
        new = sorted((i for k, i in after.items() if k[0] == kind and k not in before), key=_order)
        pool: dict[str, list[dict[str, Any]]] = {}
        for it in gone:
            pool.setdefault(_canonical(it, renames), []).append(it)
        matched = set()
        for it in new:
            match = pool.get(_canonical(it, renames))
            if match:
                old = match.pop(0)
                matched.add(old["id"])
                renames[(kind, old["id"])] = it["id"]
                out["renamed"].append({"kind": kind, "from": old["id"], "to": it["id"], "file": it["file"],
                                       "line": it["line"]})
            else:
                out["added"].append(_brief(it))
        out["removed"].extend(_brief(it) for it in gone if it["id"] not in matched)
        for k, it in sorted(((k, v) for k, v in after.items() if k[0] == kind and k in before),
                            key=lambda kv: _order(kv[1])):
            fields = _changed_fields(before[k]["fields"], it["fields"], kind, renames)
            if fields:
                out["changed"].append(_brief(it) | {"fields": fields})
    return out, renames


def _ac_changes(base: dict[str, Any], head: dict[str, Any], renames: dict[tuple[str, str], str],
                ) -> list[dict[str, Any]]:
    """Per AC (by its head ID, a renamed AC compared with its old self): coverage, status, kernel, suspect."""
    from govcell.derive.coverage import natural_key

    out = []
    back = {new: old for (kind, old), new in renames.items() if kind == "ac"}
    renamed_away = set(back.values()) - set(head)
    for ident in sorted(set(head) | (set(base) - renamed_away), key=natural_key):
        now = head.get(ident)
        was = base.get(back.get(ident, ident))
        if now == was:
            continue
        out.append({"id": ident, "before": was, "after": now,
                    "fields": sorted(k for k in (set(was or {}) | set(now or {}))
                                     if (was or {}).get(k) != (now or {}).get(k))})
    return out


def _scenario_changes(base: list[dict[str, Any]], head: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    def skey(s: dict[str, Any]) -> tuple[str, str, str, int]:
        return (s["file"], s["rule"], s["name"], s["n"])

    sb = {skey(s): s for s in base}
    sa = {skey(s): s for s in head}
    return {"added": [_scenario(s) for k, s in sa.items() if k not in sb],
            "removed": [_scenario(s) for k, s in sb.items() if k not in sa],
            "retagged": [_scenario(s) | {"before": sb[k]["tags"], "after": s["tags"]}
                         for k, s in sa.items() if k in sb and sb[k]["tags"] != s["tags"]]}


def _bundle_changes(base: dict[str, Any], head: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for name in sorted(set(base) | set(head)):
        was, now = base.get(name), head.get(name)
        if was == now:
            continue
        budget = (now or was or {}).get("max_bytes", 0)
        out.append({"name": name, "before": was["bytes"] if was else None,
                    "after": now["bytes"] if now else None, "max_bytes": budget,
                    "over": bool(now and now["bytes"] > now["max_bytes"])})
    return out


def _brief(it: dict[str, Any]) -> dict[str, Any]:
    return {"kind": it["kind"], "id": it["id"], "file": it["file"], "line": it["line"]}


def _scenario(s: dict[str, Any]) -> dict[str, Any]:
    return {"file": s["file"], "line": s["line"], "rule": s["rule"], "name": s["name"], "acs": s["acs"]}


def _split(current: list[dict[str, Any]], other: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from collections import Counter

    left = Counter(d["fingerprint"] for d in other)
    out = []
    for d in sorted(current, key=lambda d: (d["path"], d["line"], d["col"], d["code"], d["message"])):
        if left[d["fingerprint"]] > 0:
            left[d["fingerprint"]] -= 1
        else:
            out.append(d)
    return out


# --------------------------------------------------------------------------- the whole diff


def compute(root: str, config: str | None, base: str | None, head: str | None, *, findings: Findings,
            staged: bool = False, preload: Sequence[str] = ()) -> dict[str, Any]:
    """The ``govcell.diff/1`` document of ``base`` -> ``head`` (defaults as in ``default_sides``).

    ``findings`` checks each side's analysed cell; ``preload`` names the modules it needs, imported
    before the base side is forked.
    """
    from govcell.load.git import in_git

    root_path = Path(root).absolute()
    doc: dict[str, Any] = {"format": FORMAT, "base": None, "head": None, "diagnostics": []}
    if not in_git(root_path):
        doc["diagnostics"] = [diag("diff.not-git", f"{root} is not inside a git work tree: there is no history "
                                   "to compare with", ".", hint="run govcell diff in a git repository").as_dict()]
        return doc
    from govcell.load.revisions import default_sides

    bside, hside, found = default_sides(root_path, base, head, staged)
    if found:
        doc["diagnostics"] = [d.as_dict() for d in found]
        return doc
    sides = _summaries(str(root_path), config, [bside.spec, hside.spec], findings, preload)
    for side, summary, key in ((bside, sides[0], "base"), (hside, sides[1], "head")):
        if "internal" in summary:
            doc["diagnostics"].append(diag("internal.error", f"govcell diff failed on the {key} side: "
                                           f"{summary['internal']}", ".", hint="this is a govcell bug; please "
                                           "report it with the revisions that triggered it").as_dict())
            continue
        if "error" in summary:
            what = "base" if key == "base" else "head"
            code = "diff.base-missing" if key == "base" else "diff.head-missing"
            doc["diagnostics"].append(diag(code, f"the {what} revision '{side.spec}' ({side.how}) is not available: "
                                       f"{summary['error']}", ".",
                                       hint="check the name; in a shallow clone fetch more history "
                                            "(`git fetch --unshallow`, or fetch-depth: 0 in CI)").as_dict())
            continue
        doc[key] = {"ref": side.spec or "", "how": side.how, **summary["source"]}
    if doc["diagnostics"]:
        return doc
    doc.update(compare(sides[0], sides[1]))
    doc["summary"] = _counts(doc)
    return doc


def _summaries(root: str, config: str | None, specs: list[str | None], findings: Findings,
               preload: Sequence[str]) -> list[dict[str, Any]]:
    """Both sides' summaries; the base in a forked child process when there are two cores.

    The child is not a pool worker (those may not start processes).  While both
    sides run at once each parses its feature files on one core; the setting is
    restored afterwards (in-process callers, tests, keep the parallel parse).
    """
    from govcell.load import features
    from govcell.load.git import close_all
    from govcell.process import Later

    both = (os.cpu_count() or 1) > 1 and os.environ.get("GOVCELL_DIFF_SERIAL") != "1"
    saved = features.PARALLEL_MIN_FILES
    if both:
        preload_modules(preload)  # imported once here, inherited by the child
        features.PARALLEL_MIN_FILES = 1 << 30  # the two sides already use both cores
    try:
        base_later = Later(_guarded, (root, config, specs[0], findings), close_all)
        head = _guarded(root, config, specs[1], findings)
        status, value = base_later.result()
        base: dict[str, Any] = value if status == "ok" else {"internal": str(value)}
        return [base, head]
    finally:
        features.PARALLEL_MIN_FILES = saved
        close_all()


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


def _guarded(root: str, config: str | None, spec: str | None, findings: Findings) -> dict[str, Any]:
    try:
        return summarise(root, config, spec, findings)
    except Exception as exc:  # noqa: BLE001 - a govcell bug is a finding, never a traceback
        return {"internal": f"{type(exc).__name__}: {exc}"}


def _counts(doc: dict[str, Any]) -> dict[str, int]:
    items, sc, fi = doc["items"], doc["scenarios"], doc["findings"]
    return {"added": len(items["added"]), "removed": len(items["removed"]), "renamed": len(items["renamed"]),
            "changed": len(items["changed"]), "ac_state_changes": len(doc["acs"]),
            "scenarios_added": len(sc["added"]), "scenarios_removed": len(sc["removed"]),
            "scenarios_retagged": len(sc["retagged"]), "bundles_changed": len(doc["bundles"]),
            "bundles_over": sum(1 for b in doc["bundles"] if b["over"]),
            "findings_introduced": len(fi["introduced"]), "findings_resolved": len(fi["resolved"])}
