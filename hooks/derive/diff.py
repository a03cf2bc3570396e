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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from govcell.derive.diff_side import Findings, guarded, lookup, preload_modules
from govcell.diagnostics import diag


FORMAT = "govcell.diff/1"
ITEM_KINDS = ("story", "requirement", "ac", "task", "command", "flow", "bundle", "policy", "adr")
#: Checks whose findings the diff compares (run results are not part of a revision).
DIFF_CHECKS = ("spec-ledger", "context-bundles", "policy-test", "governance-graph", "ac-tags", "feature-status")


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
        changed = [(it, fields) for k, it in after.items() if k[0] == kind and k in before
                   if (fields := _changed_fields(before[k]["fields"], it["fields"], kind, renames))]
        changed.sort(key=lambda c: _order(c[0]))
        out["changed"].extend(_brief(it) | {"fields": fields} for it, fields in changed)
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
            staged: bool = False, preload: Sequence[str] = (), cache_as: str = "") -> dict[str, Any]:
    """The ``govcell.diff/1`` document of ``base`` -> ``head`` (defaults as in ``default_sides``).

    ``findings`` checks each side's analysed cell; ``preload`` names the modules it needs, imported
    before the base side is forked; ``cache_as`` names what ``findings`` runs, so a commit's
    summary is kept in the shared cache (``govcell.derive.diff_side``; empty: not kept).
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
    sides = _summaries(str(root_path), config, [bside.spec, hside.spec], findings, preload, cache_as)
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
               preload: Sequence[str], cache_as: str) -> list[dict[str, Any]]:
    """Both sides' summaries; the base in a forked child process when there are two cores.

    A side kept in the cache (a commit an earlier run summarised) is not computed again;
    with one side left, it is computed here alone.  The child is not a pool worker
    (those may not start processes).  While both sides run at once each parses its
    feature files on one core; the setting is restored afterwards (in-process callers,
    tests, keep the parallel parse).
    """
    from govcell.load import features
    from govcell.load.git import close_all
    from govcell.process import Later

    known = [lookup(root, config, spec, cache_as) for spec in specs]  # each side opened once
    if known[0][0] is not None or known[1][0] is not None:
        try:
            return [hit if hit is not None else guarded(root, config, spec, findings, cache_as, side)
                    for (hit, side), spec in zip(known, specs)]
        finally:
            close_all()
    both = (os.cpu_count() or 1) > 1 and os.environ.get("GOVCELL_DIFF_SERIAL") != "1"
    head_side = _parsed(known[1][1]) if both else known[1][1]
    saved = features.PARALLEL_MIN_FILES
    if both:
        preload_modules(preload)  # imported once here, inherited by the child
        features.PARALLEL_MIN_FILES = 1 << 30  # the two sides already use both cores
    try:
        base_later = Later(guarded, (root, config, specs[0], findings, cache_as, known[0][1]), close_all)
        head = guarded(root, config, specs[1], findings, cache_as, head_side)
        status, value = base_later.result()
        base: dict[str, Any] = value if status == "ok" else {"internal": str(value)}
        return [base, head]
    finally:
        features.PARALLEL_MIN_FILES = saved
        close_all()


def _parsed(side: tuple[Any, Any] | str) -> tuple[Any, Any] | str | None:
    """The head side with its feature files parsed (on both cores) before the base is forked.

    Feature files rarely change in a pull request: parsed here first, they are in the shared
    cache when the base side asks for the same files (same path, text and configuration),
    so each is parsed once, not once per side.  None when that fails (the head side then
    opens itself again, meets the failure and reports it).
    """
    try:
        if not isinstance(side, str):
            _ = side[0].features
        return side
    except Exception:  # noqa: BLE001 - reported by the head side's own summary
        return None


def _counts(doc: dict[str, Any]) -> dict[str, int]:
    items, sc, fi = doc["items"], doc["scenarios"], doc["findings"]
    return {"added": len(items["added"]), "removed": len(items["removed"]), "renamed": len(items["renamed"]),
            "changed": len(items["changed"]), "ac_state_changes": len(doc["acs"]),
            "scenarios_added": len(sc["added"]), "scenarios_removed": len(sc["removed"]),
            "scenarios_retagged": len(sc["retagged"]), "bundles_changed": len(doc["bundles"]),
            "bundles_over": sum(1 for b in doc["bundles"] if b["over"]),
            "findings_introduced": len(fi["introduced"]), "findings_resolved": len(fi["resolved"])}
