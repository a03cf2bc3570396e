"""``govcell status``: the cell's state in one versioned document, for agents and portals.

The JSON shape is a contract (``schema: govcell.status/1``, documented in README.md):
keys are only ever added within a version.  It holds no timestamps unless asked
for, so the same repository and result files always give the same bytes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.derive.analysis import Analysis
    from govcell.derive.coverage import AcStatus, Coverage

STATUS_SCHEMA = "govcell.status/1"
TASK_STATUSES = ("todo", "in_progress", "blocked", "done", "cancelled")


def status_document(analysis: Analysis, *, timestamps: bool = False) -> dict[str, Any]:
    """The versioned status document of the analysed cell (``govcell status --json``).

    Without timestamps it is computed once per analysis (the site shows it too).
    """
    doc = analysis.cached("status", lambda: _document(analysis))
    if timestamps:
        import datetime

        doc = doc | {"generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")}
    return doc


def _document(analysis: Analysis) -> dict[str, Any]:
    from govcell import __version__
    from govcell.checks import run
    from govcell.diagnostics import counts

    cell = analysis.cell
    cov = analysis.coverage
    ledger = cell.ledger.model
    stories = ledger.stories if ledger else []
    requirements = [r for s in stories for r in s.requirements]
    findings = run(analysis)
    tasks = cell.tasks.model.tasks if cell.tasks.model else []
    task_counts = dict.fromkeys(TASK_STATUSES, 0)
    for t in tasks:
        task_counts[t.status] += 1
    doc: dict[str, Any] = {
        "schema": STATUS_SCHEMA,
        "tool": {"name": "govcell", "version": __version__},
        "config": cell.config_source,
        "commit": _commit(cell),
        "verdict": verdict(cell, cov, findings),
        "counts": {
            "stories": len(stories),
            "requirements": len(requirements),
            "acs": len(cov.acs),
            "feature_files": cov.summary["feature_files"],
            "scenarios": cov.summary["scenarios"],
            "tasks": len(tasks),
        },
        "acs": {
            "kernel": cov.summary["kernel"],
            "non_kernel": cov.summary["non_kernel"],
            "all": cov.summary["all"],
            "deprecated": cov.summary["deprecated"],
        },
        # Live ACs by state (failing, uncovered, not_run, passing, meta): what the dashboard shows.
        "ac_states": dict(cov.summary["states"]),
        "scenarios": {
            "total": cov.summary["scenarios"],
            "orphaned": cov.summary["orphaned_scenarios"],
            "untagged": cov.summary["untagged_scenarios"],
        },
        "findings": counts(findings),
        # Files that exist but could not be read: every count that depends on them is unknown.
        "unreadable": [{"path": f.path, "causes": [f"{d.location}: {d.code}: {d.message}" for d in f.causes()]}
                       for f in cell.unreadable_inputs()],
        # Items dropped for their own errors (the rest of their file loaded).
        "invalid_items": {f.path: len(f.invalid) for f in _loaded_files(cell) if f.invalid},
        "tasks": task_counts,
        "results": [{"path": f.path, "present": f.present, "format": f.format, "tests": f.tests}
                    for f in analysis.results.files],
        "stories": dict(cov.stories),
        "requirements": dict(cov.requirements),
        "ac_status": {a.id: _ac_status(a) for a in cov.acs.values()},
    }
    return doc


def _ac_status(a: AcStatus) -> dict[str, Any]:
    return {
        "story": a.story_id,
        "requirement": a.requirement_id,
        "kernel": a.kernel,
        "status": a.status,
        "coverage": a.coverage,
        "run": a.run,
        "state": a.state,
        "suspect": a.suspect,
        "fingerprint": a.fingerprint,
        "scenarios": [s.location for s in a.scenarios],
        "tests": [t.tag or t.name or t.type for t in a.tests],
    }


def verdict(cell: Cell, coverage: Coverage, findings: list[Any]) -> dict[str, Any]:
    """One overall state with its reasons, worst first (the dashboard shows the same).

    ``fail``: a spec file could not be read, an error finding, a failing or an
    uncovered kernel AC.  ``attention``: warnings, suspect ACs (changed since their
    proofs were reviewed), kernel ACs with no result yet, failing non-kernel ACs.  ``pass`` otherwise.
    """
    from govcell.diagnostics import counts

    tally = counts(findings)
    live = [a for a in coverage.acs.values() if a.status != "deprecated"]
    kernel = [a for a in live if a.kernel]
    checks: list[tuple[str, str, int, str]] = [
        ("fail", "unreadable-file", len(cell.unreadable_inputs()), "spec file(s) could not be read"),
        ("fail", "errors", tally["error"], "error finding(s)"),
        ("fail", "failing-kernel-ac", sum(a.run == "failing" for a in kernel), "kernel AC(s) failing"),
        ("fail", "uncovered-kernel-ac", sum(a.coverage != "covered" for a in kernel),
         "kernel AC(s) without a scenario or automated test"),
        ("attention", "warnings", tally["warning"], "warning finding(s)"),
        ("attention", "suspect-ac", sum(a.suspect for a in live),
         "AC(s) changed since their proofs were reviewed (suspect)"),
        ("attention", "failing-ac", sum(a.run == "failing" for a in live if not a.kernel), "other AC(s) failing"),
        ("attention", "kernel-ac-not-run", sum(a.coverage == "covered" and a.run == "not_run" for a in kernel),
         "covered kernel AC(s) with no test result"),
    ]
    reasons = [{"code": code, "count": n, "message": f"{n} {what}", "level": level}
               for level, code, n, what in checks if n]
    state = "fail" if any(r["level"] == "fail" for r in reasons) else ("attention" if reasons else "pass")
    return {"state": state, "reasons": reasons}


def _commit(cell: Cell) -> dict[str, Any] | None:
    """HEAD and whether tracked files differ from it; None outside git."""
    from govcell.load.git import git, head

    inside = git(cell.root, "rev-parse", "--is-inside-work-tree")
    if inside is None:
        return None
    changed = git(cell.root, "status", "--porcelain", "--untracked-files=no")
    return {"sha": head(cell.root), "dirty": bool(changed and changed.strip())}


def _loaded_files(cell: Cell) -> list[Any]:
    return [cell.ledger, cell.tasks, cell.flows, cell.contextpack, cell.doc_index]


def status_json(analysis: Analysis, *, timestamps: bool = False) -> str:
    return json.dumps(status_document(analysis, timestamps=timestamps), indent=2, sort_keys=True) + "\n"


def status_text(analysis: Analysis) -> str:
    """A few human lines: the same numbers as the JSON."""
    doc = status_document(analysis)
    lines = [f"govcell status ({doc['config'] or 'default config'})"]
    v = doc["verdict"]
    commit = doc["commit"]
    at = f" at {commit['sha'][:12]}{' (with uncommitted changes)' if commit['dirty'] else ''}" \
        if commit and commit["sha"] else ""
    lines.append(f"  verdict: {v['state'].upper()}{at}" + "".join(f"\n    - {r['message']}" for r in v["reasons"]))
    for u in doc["unreadable"]:
        lines.append(f"  UNREADABLE {u['path']}: {u['causes'][0]}")
        lines.append("    (everything below leaves it out: fix it first)")
    if doc["invalid_items"]:
        lines.append("  invalid items left out: " + ", ".join(f"{n} in {p}" for p, n in
                                                            sorted(doc["invalid_items"].items())))
    c = doc["counts"]
    lines.append(f"  {c['stories']} stories, {c['requirements']} requirements, {c['acs']} ACs, "
                 f"{c['scenarios']} scenarios in {c['feature_files']} feature files, {c['tasks']} tasks")
    for key, label in (("kernel", "kernel ACs"), ("non_kernel", "other ACs")):
        a = doc["acs"][key]
        lines.append(f"  {label:<11} {a['total']:>4}: {a['covered']} covered, {a['uncovered']} uncovered, "
                     f"{a['meta']} meta; {a['passing']} passing, {a['failing']} failing, {a['not_run']} not run"
                     + (f"; {a['suspect']} suspect" if a.get("suspect") else ""))
    s = doc["scenarios"]
    lines.append(f"  scenarios: {s['orphaned']} orphaned, {s['untagged']} without an AC tag")
    f = doc["findings"]
    lines.append(f"  findings: {f['error']} error(s), {f['warning']} warning(s), {f['info']} info")
    t = doc["tasks"]
    lines.append("  tasks: " + ", ".join(f"{t[k]} {k}" for k in TASK_STATUSES))
    present = [r for r in doc["results"] if r["present"]]
    lines.append(f"  result files: {len(present)} of {len(doc['results'])} present, "
                 f"{sum(r['tests'] for r in present)} results")
    return "\n".join(lines) + "\n"
