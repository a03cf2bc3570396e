"""What ``govcell init`` prints: what it found and will do (before writing), and what it did."""

from __future__ import annotations

from typing import Any
from govcell.adopt.plan import Plan
from govcell.adopt.scaffold import InitReport
from govcell.adopt.starter import CONFIG, PRE_COMMIT_CONFIG, STARTER_LEDGER


def format_report(report: InitReport, in_git: bool) -> str:
    """The human summary ``govcell init`` prints."""
    lines: list[str] = []
    for label, items in (("created", report.created), ("overwritten", report.overwritten)):
        lines += [f"{label}: {rel}" for rel in items]
    lines += [f"merged: {rel} (govcell's hooks added; its comments, order and other hooks kept)"
              for rel in report.merged]
    lines += [f"skipped: {what} ({why})" for what, why in _grouped(report.skipped, report.reasons)]
    lines += [f"left out: {what} ({why})" for what, why in _grouped(report.left_out, report.reasons)]
    lines.append(f"govcell init: {len(report.created)} created, {len(report.overwritten)} overwritten, "
                 f"{len(report.unchanged)} already as scaffolded, {len(report.skipped)} skipped")
    if report.staged:
        lines.append(f"staged: {len(report.staged)} scaffold files (git add; bundles and pre-commit see tracked "
                     "files only)")
    if report.stage_error:
        lines.append(f"not staged: {report.stage_error}")
    steps = []
    if not in_git:
        steps.append("git init")
    if not report.staged:
        steps.append("git add -A")
    steps += ["pre-commit install -t pre-commit -t commit-msg", "pre-commit run --all-files",
              "git commit -m 'Adopt govcell' --trailer 'Governance-Scope: governance: adopt govcell'"]
    hooks_added = PRE_COMMIT_CONFIG in (*report.created, *report.overwritten, *report.unchanged, *report.merged) \
        or "already runs govcell's hooks" in report.reasons.get(PRE_COMMIT_CONFIG, "")
    if not hooks_added:
        steps.insert(0, "add govcell's hooks to .pre-commit-config.yaml (`govcell init --print-hooks` prints them)")
    if hooks_added and report.source:
        lines.append(report.source)
    lines.append("next: " + " && ".join(steps))
    then = []
    if STARTER_LEDGER in (*report.created, *report.overwritten):
        then.append("rename the CELL IDs in specs/spec_ledger.yaml and features/")
    then.append("run `govcell check`")
    lines.append("then: " + ", ".join(then[:-1]) + (", and " if len(then) > 1 else "") + then[-1])
    return "\n".join(lines) + "\n"


def _grouped(rels: list[str], reasons: dict[str, str]) -> list[tuple[str, str]]:
    """(what, why) lines: files skipped for one shared reason become one line (``policy/ (23 files)``)."""
    default = "exists; --force overwrites it"
    by_reason: dict[str, list[str]] = {}
    for rel in rels:
        by_reason.setdefault(reasons.get(rel, default), []).append(rel)
    out: list[tuple[str, str]] = []
    for rel in rels:
        why = reasons.get(rel, default)
        group = by_reason[why]
        if len(group) < 3 or why == default:
            out.append((rel, why))
        elif rel == group[0]:
            import os.path

            common = os.path.commonpath(group)
            policies = [r for r in group if r.startswith("policy/") and r.count("/") == 1 and r.endswith(".rego")
                        and not r.endswith("_test.rego")]
            if len(policies) == 1 and all(r.startswith("policy/") for r in group):
                out.append((f"{policies[0]} and {len(group) - 1} file(s) of its tests and fixtures", why))
                continue
            out.append((f"{common}/ ({len(group)} files of the scaffold)" if common else f"{len(group)} files", why))
    return out


def format_plan(plan: Plan) -> str:
    """What ``init`` found and what it will do to the repository's files, printed before it writes."""
    det = plan.found
    lines: list[str] = []
    if det.existing:
        lines.append(f"govcell init: an existing cell in {plan.root}:")
        lines += [f"  {item}" for item in _found_items(det)]
        config = plan.action(CONFIG)
        writes_config = plan.generated_config and config is not None and config.kind != "skip"
        if det.policies and writes_config:
            targets = plan.detection.targets()
            for stem, cand in sorted(targets.items()):
                lines.append(f"  policy {stem} judges {cand.describe}")
            unfed = sorted(pf.stem for pf in det.policies if pf.is_policy and pf.stem not in targets)
            if unfed:
                lines.append(f"  policies judged on their fixtures only (no input of the cell has the shape they "
                             f"read): {', '.join(unfed)}")
    changed = [a for a in plan.actions if a.tracked and (a.kind in ("overwrite", "merge") or
                                                         (a.kind == "render" and a.reason in ("convert", "overwrite")))]
    kept = [a for a in plan.actions if a.tracked and a.kind == "skip"]
    if changed:
        for a in changed:
            how = ("converted to govcell's report" if a.reason == "convert" else
                   f"merged ({a.reason})" if a.kind == "merge" else "overwritten (--force)")
            lines.append(f"tracked file {a.rel} will be {how}")
    elif kept or det.existing:
        lines.append("tracked files: none will be changed")
    lines += [f"note: {n}" for n in plan.notes]
    return "\n".join(lines) + ("\n" if lines else "")


def _found_items(det: Any) -> list[str]:
    items = []
    if det.ledger:
        items.append(f"ledger {det.ledger}")
    if det.feature_files:
        items.append(f"{det.feature_files} feature file(s) in {', '.join(det.feature_dirs)}")
    if det.adr_numbers:
        items.append(f"{len(det.adr_numbers)} decision record(s) in {det.adr_dir} "
                     f"(ADR-{det.adr_numbers[0]:04d} to ADR-{det.adr_numbers[-1]:04d})")
    if det.policies:
        pols = [pf for pf in det.policies if pf.is_policy]
        items.append(f"{len(pols)} polic{'y' if len(pols) == 1 else 'ies'} in {det.policy_dir}/ (package "
                     f"{', '.join(det.namespaces()) or 'none'})" +
                     (f", {det.fixture_count} fixture(s) in {', '.join(det.testdata_dirs)}" if det.testdata_dirs
                      else ""))
    if det.contextpack:
        items.append(f"contextpack {det.contextpack}")
    for attr, what in (("tasks", "tasks"), ("flows", "devex flows")):
        if getattr(det, attr):
            items.append(f"{what} {getattr(det, attr)}")
    if det.feature_status_format:
        fmt = {"govcell": "govcell's report", "xtask": "the report of `cargo xtask ac-status`",
               "other": "a file govcell does not write"}[det.feature_status_format]
        items.append(f"{det.feature_status}: {fmt}")
    return items


def format_dry_run(plan: Plan) -> str:
    lines = []
    for a in plan.actions:
        if a.kind == "render":
            kind = {"create": "create", "convert": "overwrite", "overwrite": "overwrite"}.get(a.reason, "")
            if kind:
                lines.append(f"would {kind}: {a.rel} (rendered from the ledger)")
            continue
        if a.kind in ("create", "overwrite"):
            lines.append(f"would {a.kind}: {a.rel}")
        elif a.kind == "merge":
            lines.append(f"would merge: {a.rel} ({a.reason})")
    skips = [a for a in plan.actions if a.kind == "skip"]
    reasons = {a.rel: a.reason for a in skips if a.reason}
    lines += [f"would skip: {what} ({why})" for what, why in _grouped([a.rel for a in skips], reasons)]
    omits = [a for a in plan.actions if a.kind == "omit"]
    lines += [f"would leave out: {what} ({why})"
              for what, why in _grouped([a.rel for a in omits], {a.rel: a.reason for a in omits})]
    if plan.source is not None:
        lines.append(plan.source.describe())
    lines.append("govcell init --dry-run: nothing was written")
    return "\n".join(lines) + "\n"
