"""``govcell init``: scaffold a governed cell in a new or existing repository.

The scaffold is package data (``hooks/templates/init/``), so what ``init``
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
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

#: Placeholder for where consumers get govcell from; replace it in the generated config.
GOVCELL_URL = "https://example.invalid/govcell"
#: JSON Schemas written to ``docs/schema/`` for the editors of the cell's files.
SCHEMAS = ("ledger", "tasks", "flows", "contextpack", "config")
STARTER_LEDGER = "specs/spec_ledger.yaml"
STARTER_FEATURE = "features/governance.feature"


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
    #: files added to the git index (the scaffold's own, never the user's)
    staged: list[str] = dataclasses.field(default_factory=list)
    #: why staging failed, when it did
    stage_error: str = ""


def template_root() -> Traversable:
    """The scaffold shipped inside the package."""
    return resources.files("hooks") / "templates" / "init"


def target_path(template_rel: str) -> str:
    """``dot-llm/contextpack.yaml`` -> ``.llm/contextpack.yaml``."""
    return "/".join("." + part[4:] if part.startswith("dot-") else part for part in template_rel.split("/"))


def iter_templates(node: Traversable | None = None, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    """Every template file as (template-relative path, resource), sorted by path."""
    node = node or template_root()
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            if child.name != "__pycache__":
                yield from iter_templates(child, rel + "/")
        else:
            yield rel, child


def render_template(rel: str, data: bytes) -> bytes:
    """Fill the two placeholders of the generated pre-commit config; every other file is copied."""
    if rel != "dot-pre-commit-config.yaml":
        return data
    from hooks import __version__

    text = data.decode("utf-8").replace("{{url}}", GOVCELL_URL).replace("{{version}}", __version__)
    return text.encode("utf-8")


def scaffold_files() -> dict[str, bytes]:
    """The files ``init`` writes from templates: cell path -> content."""
    return {target_path(rel): render_template(rel, res.read_bytes()) for rel, res in iter_templates()}


def init_cell(root: Path, *, force: bool = False, stage: bool = False) -> InitReport:
    """Write the scaffold under ``root`` (created if missing); never overwrite without ``force``.

    With ``stage`` (and ``root`` in a git work tree) the scaffold's files are
    added to the index: bundles and ``pre-commit run --all-files`` only see
    tracked files, so this is what makes the very next run pass.
    """
    from hooks.schema import schema_text

    root.mkdir(parents=True, exist_ok=True)
    report = InitReport(root)
    files = scaffold_files()
    for name in SCHEMAS:
        files[f"docs/schema/{name}.json"] = schema_text(name).encode("utf-8")
    # The starter scenarios prove the starter ledger's ACs: beside a ledger of
    # the user's own they would be orphaned tags, so they follow the ledger.
    _place(root, STARTER_LEDGER, files.pop(STARTER_LEDGER), force, report)
    if STARTER_LEDGER in report.skipped:
        files.pop(STARTER_FEATURE)
        report.skipped.append(STARTER_FEATURE)
        report.reasons[STARTER_FEATURE] = f"its scenarios prove the starter ledger's ACs, and {STARTER_LEDGER} is yours"
    for rel in sorted(files):
        _place(root, rel, files[rel], force, report)
    report.skipped.sort()
    # Last: the report renders whatever ledger and features the cell has now
    # (the user's own, when init skipped the starter ones).
    from hooks.cell import Cell
    from hooks.feature_status import render

    cell = Cell(root)
    _place(root, cell.config.paths.feature_status, render(cell).encode("utf-8"), force, report)
    if stage and _in_git(root):
        _stage(root, report)
    return report


def _stage(root: Path, report: InitReport) -> None:
    import subprocess

    paths = sorted({*report.created, *report.overwritten, *report.unchanged})
    if not paths:
        return
    try:
        proc = subprocess.run(["git", "add", "--", *paths], cwd=root, capture_output=True, text=True, timeout=120,
                              check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        report.stage_error = str(exc)
        return
    if proc.returncode != 0:
        report.stage_error = proc.stderr.strip() or f"git add exited {proc.returncode}"
        return
    report.staged = paths


def _place(root: Path, rel: str, data: bytes, force: bool, report: InitReport) -> None:
    from hooks.fsutil import resolve_output, write_atomic

    # The path policy (hooks.fsutil): a symlinked directory out of the repository, .git/, a FIFO: skipped.
    place, problem = resolve_output(root, rel, what="scaffold file")
    if place is None:
        report.skipped.append(rel)
        report.reasons[rel] = f"{problem.code}: {problem.message}" if problem else "refused"
        return
    path = Path(place.path)
    if path.is_symlink() or path.exists():
        if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
            report.unchanged.append(rel)
            return
        if not force or not path.is_file() or path.is_symlink():
            report.skipped.append(rel)
            return
        write_atomic(path, data)
        report.overwritten.append(rel)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)
    report.created.append(rel)


def format_report(report: InitReport, in_git: bool) -> str:
    """The human summary ``govcell init`` prints."""
    lines: list[str] = []
    for label, items in (("created", report.created), ("overwritten", report.overwritten)):
        lines += [f"{label}: {rel}" for rel in items]
    for rel in report.skipped:
        lines.append(f"skipped: {rel} ({report.reasons.get(rel, 'exists; --force overwrites it')})")
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
    steps += ["pre-commit install", "pre-commit run --all-files"]
    lines.append("next: " + " && ".join(steps))
    lines.append(f"then: set the govcell URL in .pre-commit-config.yaml (now {GOVCELL_URL}), "
                 "rename the CELL IDs in specs/spec_ledger.yaml and features/, and run `govcell check`")
    return "\n".join(lines) + "\n"


def _in_git(root: Path) -> bool:
    import subprocess

    try:
        proc = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=root, capture_output=True,
                              text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0 and proc.stdout.strip() == "true"


def add_parser(sub: Any) -> None:
    """Register ``govcell init`` on the CLI's subparsers."""
    p = sub.add_parser("init", help="scaffold a governed cell (ledger, feature, policies, hooks, site) "
                       "in a new or existing repository")
    p.add_argument("directory", nargs="?", default=".", help="the repository root (default: current directory)")
    p.add_argument("--force", action="store_true", help="overwrite files that exist (default: skip them)")
    p.add_argument("--no-stage", dest="stage", action="store_false",
                   help="do not `git add` the scaffold's files (default: add them when in a git repository)")


def command(args: Any) -> int:
    """``govcell init``: exit 0 when done (skips are not failures), 2 when the target is unusable."""
    import sys

    root = Path(args.directory)
    if root.exists() and not root.is_dir():
        print(f"govcell init: {root} exists and is not a directory", file=sys.stderr)
        return 2
    try:
        report = init_cell(root, force=bool(args.force), stage=bool(args.stage))
    except OSError as exc:
        print(f"govcell init: cannot write the cell: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(format_report(report, _in_git(root)))
    return 0
