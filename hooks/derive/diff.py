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

Output: text, JSON (``govcell.diff/1``, schema: ``govcell schema diff``) and
Markdown for a pull-request comment or ``$GITHUB_STEP_SUMMARY``.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from govcell.diagnostics import Diagnostic, diag

FORMAT = "govcell.diff/1"
ITEM_KINDS = ("story", "requirement", "ac", "task", "command", "flow", "bundle", "policy", "adr")
#: Checks whose findings the diff compares (run results are not part of a revision).
DIFF_CHECKS = ("spec-ledger", "context-bundles", "policy-test", "governance-graph", "ac-tags", "feature-status")


# --------------------------------------------------------------------------- choosing the two sides


@dataclasses.dataclass
class Side:
    spec: str | None  #: as given: a revision, INDEX, WORKTREE, or None (empty: no commit yet)
    how: str  #: why this side was chosen ("argument", "PRE_COMMIT_FROM_REF", "merge base with origin/main", ...)


def default_sides(root: Path, base: str | None, head: str | None, staged: bool) -> tuple[Side, Side, list[Diagnostic]]:
    """The two sides to compare, from the arguments, else the environment of pre-commit or CI."""
    from govcell.load.sources import git

    head_side = Side(head, "argument") if head else Side("INDEX" if staged else "WORKTREE",
                                                          "--staged" if staged else "default")
    if base:
        return Side(base, "argument"), head_side, []
    env_from, env_to = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
    if env_from and env_to:
        return Side(env_from, "PRE_COMMIT_FROM_REF"), (head_side if head else Side(env_to, "PRE_COMMIT_TO_REF")), []
    if git(root, "rev-parse", "--verify", "-q", "HEAD") is None:
        return Side(None, "no commit yet"), head_side, []
    branch = default_branch(root)
    if branch is None:
        return Side("HEAD", "HEAD (no default branch found)"), head_side, []
    out = git(root, "merge-base", "HEAD", branch)
    if out is None:
        return Side(None, f"merge base with {branch}"), head_side, [
            diag("diff.base-missing", f"no merge base of HEAD and {branch}: the history that joins them is not "
                 "in this clone (a shallow clone?)", ".", hint="fetch more history (`git fetch --unshallow`, or "
                 "fetch-depth: 0 in CI), or name the base: `govcell diff BASE`")]
    return Side(out.decode().strip(), f"merge base with {branch}"), head_side, []


def default_branch(root: Path) -> str | None:
    """The branch a change is compared with: CI's target branch, origin's HEAD, else main/master."""
    from govcell.load.sources import git

    def exists(ref: str) -> bool:
        return git(root, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}") is not None

    for var in ("GOVCELL_BASE_BRANCH", "GITHUB_BASE_REF", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
                "BITBUCKET_PR_DESTINATION_BRANCH", "SYSTEM_PULLREQUEST_TARGETBRANCH"):
        name = os.environ.get(var, "").removeprefix("refs/heads/")
        if name:
            for ref in (f"origin/{name}", name):
                if exists(ref):
                    return ref
    out = git(root, "symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD")
    if out and exists(out.decode().strip()):
        return out.decode().strip()
    for ref in ("origin/main", "origin/master", "main", "master"):
        if exists(ref):
            return ref
    return None


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


def summarise(root: str, config: str | None, spec: str | None) -> dict[str, Any]:
    """Everything the diff needs from one side, as plain (picklable, JSON-able) data."""
    from govcell.cell import Cell
    from govcell.checks import run
    from govcell.derive.analysis import Analysis
    from govcell.derive.fingerprint import fingerprint, id_pattern
    from govcell.load.sources import RevisionError, source_for

    root_path = Path(root).absolute()
    try:
        source = _empty(root_path) if spec is None else source_for(root_path, spec)
    except RevisionError as exc:
        return {"error": str(exc)}
    cell = Cell(root_path, config, source=source)
    analysis = Analysis(cell)
    found = run(analysis, list(DIFF_CHECKS))
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
    from govcell.derive.coverage import natural_key

    def order(it: dict[str, Any]) -> tuple[Any, ...]:
        return (ITEM_KINDS.index(it["kind"]), natural_key(it["id"]))

    before = {(i["kind"], i["id"]): i for i in base["items"]}
    after = {(i["kind"], i["id"]): i for i in head["items"]}
    renames: dict[tuple[str, str], str] = {}
    added: list[dict[str, Any]] = []
    removed: list[dict[str, Any]] = []
    renamed: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for kind in ITEM_KINDS:  # parents first, so a child's parent field follows its parent's rename
        gone = sorted((i for k, i in before.items() if k[0] == kind and k not in after), key=order)
        new = sorted((i for k, i in after.items() if k[0] == kind and k not in before), key=order)
        pool: dict[str, list[dict[str, Any]]] = {}
        for it in gone:
            pool.setdefault(_canonical(it, renames), []).append(it)
        for it in new:
            match = pool.get(_canonical(it, renames))
            if match:
                old = match.pop(0)
                renames[(kind, old["id"])] = it["id"]
                renamed.append({"kind": kind, "from": old["id"], "to": it["id"], "file": it["file"],
                                "line": it["line"]})
            else:
                added.append(_brief(it))
        matched = {r["from"] for r in renamed if r["kind"] == kind}
        removed.extend(_brief(it) for it in gone if it["id"] not in matched)
        for k, it in sorted(((k, v) for k, v in after.items() if k[0] == kind and k in before),
                            key=lambda kv: order(kv[1])):
            fields = _changed_fields(before[k]["fields"], it["fields"], kind, renames)
            if fields:
                changed.append(_brief(it) | {"fields": fields})

    ac_changes = []
    back = {new: old for (kind, old), new in renames.items() if kind == "ac"}
    renamed_away = set(back.values()) - set(head["acs"])
    for ident in sorted(set(head["acs"]) | (set(base["acs"]) - renamed_away), key=natural_key):
        now = head["acs"].get(ident)
        was = base["acs"].get(back.get(ident, ident))
        if now == was:
            continue
        ac_changes.append({"id": ident, "before": was, "after": now,
                           "fields": sorted(k for k in (set(was or {}) | set(now or {}))
                                            if (was or {}).get(k) != (now or {}).get(k))})

    def skey(s: dict[str, Any]) -> tuple[str, str, str, int]:
        return (s["file"], s["rule"], s["name"], s["n"])

    sb = {skey(s): s for s in base["scenarios"]}
    sa = {skey(s): s for s in head["scenarios"]}
    sc_added = [_scenario(s) for k, s in sa.items() if k not in sb]
    sc_removed = [_scenario(s) for k, s in sb.items() if k not in sa]
    retagged = [_scenario(s) | {"before": sb[k]["tags"], "after": s["tags"]}
                for k, s in sa.items() if k in sb and sb[k]["tags"] != s["tags"]]

    bundles = []
    for name in sorted(set(base["bundles"]) | set(head["bundles"])):
        was, now = base["bundles"].get(name), head["bundles"].get(name)
        if was == now:
            continue
        budget = (now or was or {}).get("max_bytes", 0)
        bundles.append({"name": name, "before": was["bytes"] if was else None,
                        "after": now["bytes"] if now else None, "max_bytes": budget,
                        "over": bool(now and now["bytes"] > now["max_bytes"])})

    introduced, resolved = _split(head["findings"], base["findings"]), _split(base["findings"], head["findings"])
    return {
        "items": {"added": added, "removed": removed, "renamed": renamed, "changed": changed},
        "acs": ac_changes,
        "scenarios": {"added": sc_added, "removed": sc_removed, "retagged": retagged},
        "bundles": bundles,
        "findings": {"introduced": introduced, "resolved": resolved},
    }


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


def compute(root: str, config: str | None, base: str | None, head: str | None, *,
            staged: bool = False) -> dict[str, Any]:
    """The ``govcell.diff/1`` document of ``base`` -> ``head`` (defaults as in ``default_sides``)."""
    from govcell.load.sources import in_git

    root_path = Path(root).absolute()
    doc: dict[str, Any] = {"format": FORMAT, "base": None, "head": None, "diagnostics": []}
    if not in_git(root_path):
        doc["diagnostics"] = [diag("diff.not-git", f"{root} is not inside a git work tree: there is no history "
                                   "to compare with", ".", hint="run govcell diff in a git repository").as_dict()]
        return doc
    bside, hside, found = default_sides(root_path, base, head, staged)
    if found:
        doc["diagnostics"] = [d.as_dict() for d in found]
        return doc
    sides = _summaries(str(root_path), config, [bside.spec, hside.spec])
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


def _summaries(root: str, config: str | None, specs: list[str | None]) -> list[dict[str, Any]]:
    """Both sides' summaries; the base in a forked child process when there are two cores.

    The child is not a pool worker (those may not start processes).  While both
    sides run at once each parses its feature files on one core; the setting is
    restored afterwards (in-process callers, tests, keep the parallel parse).
    """
    from govcell.load import features
    from govcell.load.sources import Later, close_all

    both = (os.cpu_count() or 1) > 1 and os.environ.get("GOVCELL_DIFF_SERIAL") != "1"
    saved = features.PARALLEL_MIN_FILES
    if both:
        _preload()  # imported once here, inherited by the child
        features.PARALLEL_MIN_FILES = 1 << 30  # the two sides already use both cores
    try:
        base_later = Later(_guarded, (root, config, specs[0]))
        head = _guarded(root, config, specs[1])
        status, value = base_later.result()
        base: dict[str, Any] = value if status == "ok" else {"internal": str(value)}
        return [base, head]
    finally:
        features.PARALLEL_MIN_FILES = saved
        close_all()


def _preload() -> None:
    """Import what both sides need before forking, so the child does not import it again."""
    import importlib

    for name in ("govcell.cell", "govcell.checks", "govcell.formats.ledger", "govcell.formats.tasks",
                 "govcell.formats.flows", "govcell.formats.contextpack", "govcell.formats.docindex",
                 "govcell.load.validate", "govcell.load.features", "govcell.derive.graph", "govcell.derive.bundles",
                 "govcell.report.bundle", "govcell.checks.ac_tags", "govcell.checks.spec_ledger",
                 "govcell.checks.governance_graph", "govcell.checks.context_bundles", "govcell.checks.feature_status",
                 "govcell.derive.analysis", "govcell.derive.matching", "govcell.derive.feature_status",
                 "govcell.derive.coverage",
                 "govcell.derive.fingerprint", "govcell.derive.policy.run", "networkx", "yaml", "gherkin"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def _guarded(root: str, config: str | None, spec: str | None) -> dict[str, Any]:
    try:
        return summarise(root, config, spec)
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


# --------------------------------------------------------------------------- rendering


def render(doc: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return _markdown(doc)
    return _text(doc)


def _side_name(side: dict[str, Any] | None) -> str:
    if not side:
        return "?"
    if side["kind"] == "revision":
        ref = side.get("ref") or ""
        short = (side.get("commit") or "")[:12]
        label: str = short or side["label"]
        return f"{ref} ({short})" if ref and short and not short.startswith(ref) else label
    return str(side["label"])


def _loc(x: dict[str, Any]) -> str:
    return f"{x['file']}:{x['line']}" if x.get("line") else x.get("file", "")


def _state(s: dict[str, Any] | None) -> str:
    if s is None:
        return "absent"
    words = [s["coverage"]]
    if s.get("status", "active") != "active":
        words.append(s["status"])
    if not s.get("kernel", True):
        words.append("non-kernel")
    if s.get("suspect"):
        words.append("suspect")
    return ", ".join(words)


def _text(doc: dict[str, Any]) -> str:
    from govcell.report.findings import render as report

    if doc.get("diagnostics"):
        found = [Diagnostic(d["code"], _sev(d["severity"]), d["path"], d["line"], d["col"], d["message"], d["hint"])
                 for d in doc["diagnostics"]]
        return report(found, "text")
    lines = [f"governance diff {_side_name(doc['base'])} -> {_side_name(doc['head'])}"]
    items = doc["items"]
    for what, rows in (("added", items["added"]), ("removed", items["removed"])):
        for r in rows:
            lines.append(f"  {what:<9}{r['kind']} {r['id']}  {_loc(r)}")
    for r in items["renamed"]:
        lines.append(f"  {'renamed':<9}{r['kind']} {r['from']} -> {r['to']}  {_loc(r)}")
    for r in items["changed"]:
        lines.append(f"  {'changed':<9}{r['kind']} {r['id']}: {', '.join(r['fields'])}  {_loc(r)}")
    for a in doc["acs"]:
        lines.append(f"  {'AC state':<9}{a['id']}: {_state(a['before'])} -> {_state(a['after'])}")
    sc = doc["scenarios"]
    for what, rows in (("scenario+", sc["added"]), ("scenario-", sc["removed"])):
        for s in rows:
            lines.append(f"  {what:<9} {s['file']}:{s['line']} {s['name']} [{' '.join(s['acs']) or 'no AC'}]")
    for s in sc["retagged"]:
        lines.append(f"  {'retagged':<9}{s['file']}:{s['line']} {s['name']}: {' '.join(s['before']) or '-'} -> "
                     f"{' '.join(s['after']) or '-'}")
    for b in doc["bundles"]:
        lines.append(f"  {'bundle':<9}{b['name']}: {_bytes(b['before'])} -> {_bytes(b['after'])} of "
                     f"{b['max_bytes']} bytes{'  OVER BUDGET' if b['over'] else ''}")
    fi = doc["findings"]
    for d in fi["introduced"]:
        lines.append(f"  {'new':<9}{_where(d)}: {d['severity']}: {d['code']}: {d['message']}")
    for d in fi["resolved"]:
        lines.append(f"  {'resolved':<9}{_where(d)}: {d['code']}: {d['message']}")
    s = doc["summary"]
    if len(lines) == 1:
        lines.append("  no governance change")
    lines.append(f"{s['added']} added, {s['removed']} removed, {s['renamed']} renamed, {s['changed']} changed; "
                 f"{s['ac_state_changes']} AC state change(s); {s['findings_introduced']} finding(s) introduced, "
                 f"{s['findings_resolved']} resolved")
    return "\n".join(_safe(line) for line in lines) + "\n"


def _sev(value: str) -> Any:
    from govcell.diagnostics import Severity

    return Severity(value)


def _bytes(n: int | None) -> str:
    return "-" if n is None else str(n)


def _where(d: dict[str, Any]) -> str:
    return f"{d['path']}:{d['line']}:{max(d['col'], 1)}" if d["line"] > 0 else d["path"]


def _safe(text: str) -> str:
    """One output line per line: control characters from the cell's text are escaped."""
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)


def _md(text: Any) -> str:
    s = _safe(str(text))
    for ch in "\\`*_[]<>|#":
        s = s.replace(ch, "\\" + ch)
    return s


def _markdown(doc: dict[str, Any]) -> str:
    out = ["## Governance diff", ""]
    if doc.get("diagnostics"):
        for d in doc["diagnostics"]:
            out.append(f"- **{_md(d['severity'])}** `{d['code']}`: {_md(d['message'])}"
                       + (f" ({_md(d['hint'])})" if d.get("hint") else ""))
        return "\n".join(out) + "\n"
    s = doc["summary"]
    out.append(f"{_md(_side_name(doc['base']))} → {_md(_side_name(doc['head']))}: "
               f"{s['added']} added, {s['removed']} removed, {s['renamed']} renamed, {s['changed']} changed, "
               f"{s['ac_state_changes']} AC state change(s), **{s['findings_introduced']} finding(s) introduced**, "
               f"{s['findings_resolved']} resolved.")
    items = doc["items"]
    rows = ([("added", r["kind"], r["id"], "") for r in items["added"]]
            + [("removed", r["kind"], r["id"], "") for r in items["removed"]]
            + [("renamed", r["kind"], f"{r['from']} → {r['to']}", "") for r in items["renamed"]]
            + [("changed", r["kind"], r["id"], ", ".join(r["fields"])) for r in items["changed"]])
    if rows:
        out += ["", "### Items", "", "| change | kind | id | fields |", "|---|---|---|---|"]
        out += [f"| {a} | {b} | {_md(c)} | {_md(d)} |" for a, b, c, d in rows]
    if doc["acs"]:
        out += ["", "### Acceptance criteria", "", "| AC | before | after |", "|---|---|---|"]
        out += [f"| {_md(a['id'])} | {_md(_state(a['before']))} | {_md(_state(a['after']))} |" for a in doc["acs"]]
    sc = doc["scenarios"]
    srows = ([("added", x, "") for x in sc["added"]] + [("removed", x, "") for x in sc["removed"]]
             + [("retagged", x, f"{' '.join(x['before']) or '-'} → {' '.join(x['after']) or '-'}")
                for x in sc["retagged"]])
    if srows:
        out += ["", "### Scenarios", "", "| change | scenario | ACs / tags |", "|---|---|---|"]
        out += [f"| {a} | {_md(x['name'])} (`{_md(x['file'])}:{x['line']}`) | {_md(t or ' '.join(x['acs']))} |"
                for a, x, t in srows]
    if doc["bundles"]:
        out += ["", "### Bundles", "", "| bundle | before | after | budget |", "|---|---:|---:|---:|"]
        out += [f"| {_md(b['name'])} | {_bytes(b['before'])} | {_bytes(b['after'])} | {b['max_bytes']}"
                f"{' **over**' if b['over'] else ''} |" for b in doc["bundles"]]
    fi = doc["findings"]
    for title, rows_ in (("Findings introduced", fi["introduced"]), ("Findings resolved", fi["resolved"])):
        if rows_:
            out += ["", f"### {title}", ""]
            out += [f"- `{_md(_where(d))}` **{d['severity']}** `{d['code']}`: {_md(d['message'])}" for d in rows_]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- the published schema


def json_schema() -> dict[str, Any]:
    """JSON Schema of the ``govcell.diff/1`` document (``govcell schema diff``)."""
    s, i, b = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
    opt_i = {"type": ["integer", "null"]}
    finding = {"type": "object", "required": ["code", "severity", "path", "line", "col", "message", "hint"],
               "properties": {"code": s, "severity": {"enum": ["error", "warning", "info"]}, "path": s, "line": i,
                              "col": i, "message": s, "hint": s,
                              "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{16}$"}}}
    side = {"type": ["object", "null"], "required": ["ref", "how", "kind", "label", "commit"],
            "properties": {"ref": s, "how": s, "kind": {"enum": ["worktree", "index", "revision"]}, "label": s,
                           "commit": {"type": ["string", "null"]}}}
    kind = {"enum": list(ITEM_KINDS)}
    brief: dict[str, Any] = {"type": "object", "required": ["kind", "id", "file", "line"],
                             "properties": {"kind": kind, "id": s, "file": s, "line": i}}
    state = {"type": ["object", "null"], "properties": {"coverage": {"enum": ["covered", "uncovered", "meta"]},
                                                         "status": s, "kernel": b, "suspect": b}}
    scenario = {"type": "object", "required": ["file", "line", "rule", "name", "acs"],
                "properties": {"file": s, "line": i, "rule": s, "name": s, "acs": {"type": "array", "items": s},
                               "before": {"type": "array", "items": s}, "after": {"type": "array", "items": s}}}

    def arr(item: dict[str, Any]) -> dict[str, Any]:
        return {"type": "array", "items": item}

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://govcell.dev/schema/diff.json",
        "title": "govcell diff",
        "description": "The governance difference between two revisions of a cell (govcell diff --format json). "
                       "When 'diagnostics' is not empty the comparison could not be made and only 'format', "
                       "'base', 'head' and 'diagnostics' are present.",
        "type": "object",
        "required": ["format", "base", "head", "diagnostics"],
        "properties": {
            "format": {"const": FORMAT},
            "base": side, "head": side,
            "diagnostics": arr(finding),
            "items": {"type": "object", "required": ["added", "removed", "renamed", "changed"], "properties": {
                "added": arr(brief), "removed": arr(brief),
                "renamed": arr({"type": "object", "required": ["kind", "from", "to", "file", "line"],
                                "properties": {"kind": kind, "from": s, "to": s, "file": s, "line": i}}),
                "changed": arr({**brief, "required": ["kind", "id", "file", "line", "fields"],
                                "properties": {**brief["properties"], "fields": arr(s)}})}},
            "acs": arr({"type": "object", "required": ["id", "before", "after", "fields"],
                        "properties": {"id": s, "before": state, "after": state, "fields": arr(s)}}),
            "scenarios": {"type": "object", "required": ["added", "removed", "retagged"],
                          "properties": {"added": arr(scenario), "removed": arr(scenario),
                                         "retagged": arr(scenario)}},
            "bundles": arr({"type": "object", "required": ["name", "before", "after", "max_bytes", "over"],
                            "properties": {"name": s, "before": opt_i, "after": opt_i, "max_bytes": i,
                                           "over": b}}),
            "findings": {"type": "object", "required": ["introduced", "resolved"],
                         "properties": {"introduced": arr(finding), "resolved": arr(finding)}},
            "summary": {"type": "object", "additionalProperties": i},
        },
    }
