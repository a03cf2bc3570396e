"""``govcell init``: scaffold a governed cell in a new or existing repository.

This module writes what the plan decided; the starter's files are
``govcell.adopt.starter``'s, what ``init`` prints ``govcell.adopt.report``'s.
The scaffold is package data (``hooks/adopt/templates/init/``), so what ``init``
writes is reviewable as plain files and ships with every install, hook
environments included.  Path segments spelled ``dot-NAME`` become ``.NAME``
(setuptools' package-data globs skip dotfiles).  The policy pack there is a
copy of this repository's own ``policy/`` (a test keeps them identical), so a
new cell starts with policies whose fixtures are known to pass.

``init`` never overwrites a file unless ``--force`` is given, and it says what
it skipped: adopting govcell in an existing repository must not cost a line of
the user's work.  After the files, it writes the JSON Schemas of the formats
(for editor completion) and renders ``docs/feature_status.md`` from whatever
ledger the cell now has, so the first ``pre-commit run --all-files`` passes.

In a repository that has a cell of its own, ``init`` first plans
(``govcell.adopt.plan``, from :mod:`govcell.adopt.detect`'s detection) and prints what it
found and what it will do to tracked files, then writes.  A part of the starter
the repository already has is left out whole: its ledger keeps the starter
ledger, scenario and ADR out, its ADR folder a second ADR-0001, its policies
the policy pack and its fixtures, its contextpack the starter's, its docs the
site's index; ``.govcell.yaml`` is then generated to fit what is there
(:func:`govcell.adopt.render.render_config`).  A feature-status report in another format
is kept (``feature_status.format``) unless ``--convert-feature-status`` says
otherwise.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from govcell.adopt.plan import Action, Plan, plan_init


@dataclasses.dataclass
class InitReport:
    """What ``init`` did, each list sorted, paths relative to the cell root."""

    root: Path
    created: list[str] = dataclasses.field(default_factory=list)
    overwritten: list[str] = dataclasses.field(default_factory=list)
    skipped: list[str] = dataclasses.field(default_factory=list)
    unchanged: list[str] = dataclasses.field(default_factory=list)
    #: why a file was skipped, when it is not simply "it exists"
    reasons: dict[str, str] = dataclasses.field(default_factory=dict)
    #: files of the starter left out because nothing here needs them (policy pack pieces)
    left_out: list[str] = dataclasses.field(default_factory=list)
    #: files govcell's part was merged into (the pre-commit config), their other content kept
    merged: list[str] = dataclasses.field(default_factory=list)
    #: which hook source the pre-commit config uses (govcell.adopt.precommit.Source.describe)
    source: str = ""
    #: files added to the git index (the scaffold's own, never the user's)
    staged: list[str] = dataclasses.field(default_factory=list)
    #: why staging failed, when it did
    stage_error: str = ""


def init_cell(root: Path, *, force: bool = False, stage: bool = False, convert_feature_status: bool = False,
              plan: Plan | None = None) -> InitReport:
    """Write the scaffold under ``root`` (created if missing); never overwrite without ``force``.

    With ``stage`` (and ``root`` in a git work tree) the scaffold's files are
    added to the index: bundles and ``pre-commit run --all-files`` only see
    tracked files, so this is what makes the very next run pass.
    """
    root.mkdir(parents=True, exist_ok=True)
    plan = plan or plan_init(root, force=force, convert_feature_status=convert_feature_status)
    report = InitReport(root, source=plan.source.describe() if plan.source is not None else "")
    deferred: list[Action] = []
    for action in plan.actions:
        if action.kind == "render":
            deferred.append(action)
        else:
            _apply(root, action, report)
    # Last: the report renders whatever ledger and features the cell has now
    # (the user's own, when init skipped the starter ones).
    if deferred:
        from govcell.cell import Cell
        from govcell.derive.analysis import Analysis
        from govcell.derive.feature_status import render

        cell = Cell(root)
        coverage = Analysis(cell).coverage
        for action in deferred:
            text = render(cell, coverage).encode("utf-8")
            path = root / action.rel
            if not path.exists():
                kind = "create"
            elif path.read_bytes() == text:
                kind = "unchanged"
            else:
                kind = "skip" if action.reason == "keep" else "overwrite"
            _apply(root, Action(action.rel, kind, text, "exists; --force overwrites it", action.tracked), report)
    report.skipped.sort()
    for name in ("created", "overwritten", "unchanged"):
        getattr(report, name).sort()
    if stage and _in_git(root):
        _stage(root, report)
    return report


def _apply(root: Path, action: Action, report: InitReport) -> None:
    from govcell.write import resolve_output, write_atomic

    if action.kind == "skip":
        report.skipped.append(action.rel)
        if action.reason and action.reason != "exists; --force overwrites it":
            report.reasons[action.rel] = action.reason
        return
    if action.kind == "unchanged":
        report.unchanged.append(action.rel)
        return
    if action.kind == "omit":
        report.left_out.append(action.rel)
        report.reasons[action.rel] = action.reason
        return
    assert action.data is not None
    # The path policy (govcell.write): a symlinked directory out of the repository, .git/, a FIFO: skipped.
    place, problem = resolve_output(root, action.rel, what="scaffold file")
    path = Path(place.path) if place is not None else root / action.rel
    if place is None or path.is_symlink():  # refused, or a symlink appeared since the plan
        report.skipped.append(action.rel)
        report.reasons[action.rel] = f"{problem.code}: {problem.message}" if problem else "refused: a symlink"
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, action.data)
    {"create": report.created, "merge": report.merged}.get(action.kind, report.overwritten).append(action.rel)


def _stage(root: Path, report: InitReport) -> None:
    from govcell.load.git import run

    # A merged pre-commit config is staged too: pre-commit refuses to run with its config unstaged.
    paths = sorted({*report.created, *report.overwritten, *report.unchanged, *report.merged})
    if not paths:
        return
    proc = run(root, "add", "--", *paths)
    if proc is None:
        report.stage_error = "git could not be run"
        return
    if proc.returncode != 0:
        report.stage_error = proc.stderr.decode("utf-8", "replace").strip() or f"git add exited {proc.returncode}"
        return
    report.staged = paths


def _in_git(root: Path) -> bool:
    from govcell.load.git import in_git

    return in_git(root)
