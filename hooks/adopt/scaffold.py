"""``govcell init``: scaffold a governed cell in a new or existing repository.

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
(:func:`plan_init`, from :mod:`govcell.adopt.detect`'s detection) and prints what it
found and what it will do to tracked files, then writes.  A part of the starter
the repository already has is left out whole: its ledger keeps the starter
ledger, scenario and ADR out, its ADR folder a second ADR-0001, its policies
the policy pack and its fixtures, its contextpack the starter's, its docs the
site's index; ``.govcell.yaml`` is then generated to fit what is there
(:func:`govcell.adopt.detect.render_config`).  A feature-status report in another format
is kept (``feature_status.format``) unless ``--convert-feature-status`` says
otherwise.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

#: govcell's home: the published documentation (findings, configuration) lives under it.
GOVCELL_HOME = "https://govcell.dev"
PRE_COMMIT_CONFIG = ".pre-commit-config.yaml"
#: JSON Schemas written to ``docs/schema/`` for the editors of the cell's files.
SCHEMAS = ("ledger", "tasks", "flows", "contextpack", "config")
STARTER_LEDGER = "specs/spec_ledger.yaml"
STARTER_FEATURE = "features/governance.feature"
STARTER_ADR = "docs/adr/0001-record-architecture-decisions.md"


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


def template_root() -> Traversable:
    """The scaffold shipped inside the package."""
    return resources.files("govcell.adopt") / "templates" / "init"


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


def scaffold_files(source: Any = None, paths: Any = None) -> dict[str, bytes]:
    """The files ``init`` writes: cell path -> content (the templates, and a pre-commit config for ``source``)."""
    from govcell.load.config import Paths
    from govcell.adopt.precommit import Source, new_config

    files = {target_path(rel): res.read_bytes() for rel, res in iter_templates()}
    files[PRE_COMMIT_CONFIG] = new_config(source or Source(), paths or Paths(),
                                          defaults=paths is None).encode("utf-8")
    return files


#: The site's starter files: left out beside documentation of the repository's own.
SITE_FILES = ("mkdocs.yml", "docs/index.md")
#: Files of the config part: the static starter config, or one generated from what init found.
CONFIG = ".govcell.yaml"


@dataclasses.dataclass
class Action:
    """One file ``init`` will write (or not), and why."""

    rel: str
    kind: str  #: create | overwrite | unchanged | skip | render (feature_status.md, rendered last)
    data: bytes | None = None
    reason: str = ""
    tracked: bool = False


@dataclasses.dataclass
class Plan:
    """Everything ``init`` will do, decided before it writes anything."""

    root: Path
    actions: list[Action]
    detection: Any  #: govcell.adopt.detect.Detection of the repository with the files init writes
    found: Any  #: govcell.adopt.detect.Detection of the repository as it is
    generated_config: bool = False
    notes: list[str] = dataclasses.field(default_factory=list)
    feature_status_format: str = "govcell"
    source: Any = None  #: govcell.adopt.precommit.Source of the hooks

    def action(self, rel: str) -> Action | None:
        return next((a for a in self.actions if a.rel == rel), None)


def _tracked(root: Path) -> set[str]:
    from govcell.load.git import in_git, tracked

    return set(tracked(root) or []) if in_git(root) else set()


def _is_starter(root: Path, rel: str, files: dict[str, bytes]) -> bool:
    """The file at ``rel`` is absent or holds exactly what the starter writes there."""
    path = root / rel
    if path.is_symlink():
        return False
    if not path.exists():
        return True
    return path.is_file() and rel in files and path.read_bytes() == files[rel]


def plan_init(root: Path, *, force: bool = False, convert_feature_status: bool = False,
              source: Any = None) -> Plan:
    """Decide what ``init`` writes in ``root``; nothing is written here."""
    from govcell.adopt.detect import detect
    from govcell.adopt.precommit import Source
    from govcell.formats.schema import schema_text

    root = root.absolute()
    source = source or Source()
    files = scaffold_files(source)
    for name in SCHEMAS:
        files[f"docs/schema/{name}.json"] = schema_text(name).encode("utf-8")
    found = detect(root) if root.is_dir() else detect(root / ".missing")
    skip_reason: dict[str, str] = {}

    def user_part(rels: tuple[str, ...]) -> bool:
        return not force and not all(_is_starter(root, r, files) for r in rels)

    # Another decision numbered 0001 makes the starter's a second ADR-0001: never, not even with --force.
    other_0001 = found.adr_numbers.count(1) > (1 if (root / STARTER_ADR).is_file() else 0)
    if other_0001 or (not force and found.adr_numbers):
        skip_reason[STARTER_ADR] = (f"{found.adr_dir} already holds {len(found.adr_numbers)} decision record(s); "
                                    "the starter's would be a second ADR-0001" if other_0001 else
                                    f"{found.adr_dir} already holds decision records")
    # The ledger: the starter's scenarios and ADR prove and back it, so they follow it.
    if user_part((STARTER_LEDGER,)) or (not force and found.ledger and not found.ledger_is_default):
        yours = found.ledger or STARTER_LEDGER
        skip_reason.setdefault(STARTER_FEATURE, f"its scenarios prove the starter ledger's ACs, and {yours} is yours")
        skip_reason.setdefault(STARTER_ADR, f"the starter ledger's decision; {yours} is yours")
        if found.ledger and not found.ledger_is_default:
            skip_reason[STARTER_LEDGER] = f"the ledger is {found.ledger}"
    # The policy pack: never beside policies or fixtures of the repository's own.
    pack = {rel for rel in files if rel.startswith("policy/")}
    wanted = pack_pieces(found)
    files["policy/testdata/expectations.yaml"] = _expectations(files["policy/testdata/expectations.yaml"], wanted)
    own_policy = [f for f in _policy_files(root, found.policy_dir or "policy") if not _is_starter(root, f, files)]
    if not force and own_policy:
        for rel in pack:
            skip_reason[rel] = (f"{found.policy_dir or 'policy'}/ holds your own policies and fixtures; "
                                "govcell runs those instead of its pack")
    else:
        # Only the pieces of the pack with something to govern here (the cell's own files always).
        for rel in pack:
            why = wanted.get(policy_piece(rel))
            if why and not force:
                skip_reason[rel] = why
    # The contextpack (and its .llmignore, which shapes its bundles).
    if user_part((".llm/contextpack.yaml",)):
        skip_reason[".llm/.llmignore"] = "it would change what your contextpack's bundles carry"
    # The site: beside documentation of the repository's own, neither mkdocs.yml nor an index page.
    docs_own = [f for f in found.docs_pages if not _is_starter(root, f, files)]
    if found.docs_tool == "sphinx" and not force:
        for rel in SITE_FILES:
            skip_reason[rel] = (f"the documentation is a Sphinx project ({found.docs_tool_file}); "
                                "`govcell site build` builds the governance site on its own, into site/")
    elif found.docs_tool == "mkdocs" and found.docs_tool_file != "mkdocs.yml" and not force:
        skip_reason["mkdocs.yml"] = f"the MkDocs site is {found.docs_tool_file}"
    elif not force and docs_own and found.docs_tool is None:
        for rel in SITE_FILES:
            skip_reason[rel] = (f"docs/ holds {len(docs_own)} page(s) of yours and is not a MkDocs site; "
                                "`govcell site build` builds the governance pages without mkdocs.yml")

    actions: list[Action] = []
    planned: dict[str, bytes] = {}
    tracked = _tracked(root)
    for rel in sorted(files):
        if rel in (CONFIG, PRE_COMMIT_CONFIG):
            continue
        if rel in skip_reason and not (root / rel).exists():
            omitted = rel.startswith("policy/") and policy_piece(rel) in wanted and not own_policy
            actions.append(Action(rel, "omit" if omitted else "skip", reason=skip_reason[rel]))
            continue
        action = _decide(root, rel, files[rel], force, tracked, skip_reason.get(rel))
        actions.append(action)
        if action.kind in ("create", "overwrite", "unchanged"):
            planned[rel] = files[rel]

    # The configuration: the starter's when every part is the starter's, else one that fits what is there.
    det = detect(root, planned)
    from govcell.adopt.detect import render_config

    starter = files[CONFIG].decode("utf-8")
    generated = not force and bool(own_policy or user_part((STARTER_LEDGER, ".llm/contextpack.yaml"))
                                   or det.paths_differ())
    config_text = starter_config(starter, pack_pieces(found), found).encode("utf-8")
    fs_format = "govcell"
    if found.feature_status_format in ("xtask", "other") and not convert_feature_status:
        fs_format = "xtask" if found.feature_status_format == "xtask" else "off"
        generated = True
    if generated:
        starter_pack = any(a.rel.startswith("policy/") and a.kind in ("create", "unchanged") for a in actions)
        starter_pack_data = starter_pack and planned.get(".llm/contextpack.yaml") is not None
        config_text = render_config(det, feature_status_format=fs_format,
                                    starter_data=starter_pack_data).encode("utf-8")
    if _pyproject_config(root) and not (root / CONFIG).exists():
        actions.append(Action(CONFIG, "skip", reason="the configuration is [tool.govcell] in pyproject.toml; a "
                              ".govcell.yaml would take its place"))
    else:
        actions.append(_decide(root, CONFIG, config_text, force, tracked, None))
    # The hooks: a new config, or govcell's entry merged into the one there.
    actions.append(_pre_commit_action(root, source, _hook_paths(root, det), tracked, files[PRE_COMMIT_CONFIG]))
    # The starter contextpack bundles the ledger, scenarios and ADRs: where the cell keeps them.
    pack_action = next((a for a in actions if a.rel == ".llm/contextpack.yaml"), None)
    if generated and pack_action is not None and pack_action.kind == "create":
        fitted = fit_contextpack(files[".llm/contextpack.yaml"].decode("utf-8"), det)
        actions[actions.index(pack_action)] = _decide(root, pack_action.rel, fitted.encode("utf-8"), force, tracked,
                                                      None)

    # The report, rendered last from the cell as it will be.
    status_rel = det.feature_status or "docs/feature_status.md"
    actions.append(_feature_status_action(root, status_rel, found, force, convert_feature_status, tracked,
                                          fs_format))
    actions.sort(key=lambda a: a.rel)
    plan = Plan(root, actions, det, found, generated, feature_status_format=fs_format, source=source)
    _notes(plan, files)
    return plan


#: The starter pack's pieces that govern files a repository may or may not have; the rest govern the cell.
PIECE_NEEDS = {
    "k8s": ("k8s_manifests", "no Kubernetes manifest in this repository for the k8s policy to govern"),
    "flags": ("flags_registries", "no feature-flags registry in this repository for the flags policy to govern"),
    "privacy": ("inventories", "no data inventory (datasets:) in this repository for the privacy policy to govern"),
}


def policy_piece(rel: str) -> str:
    """``policy/testdata/k8s_pdb.yaml`` -> ``k8s``: the policy a pack file belongs to."""
    return Path(rel).stem.split("_", 1)[0]


def pack_pieces(found: Any) -> dict[str, str]:
    """piece -> why it is left out (absent: it is written)."""
    return {piece: why for piece, (attr, why) in PIECE_NEEDS.items() if not getattr(found, attr)}


def _expectations(data: bytes, left_out: dict[str, str]) -> bytes:
    """The pack's expectations.yaml without the entries of fixtures left out."""
    out: list[str] = []
    keep = True
    for line in data.decode("utf-8").splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            keep = policy_piece(line.split(":", 1)[0]) not in left_out
        if keep:
            out.append(line)
    return ("\n".join(out) + "\n").encode("utf-8")


def starter_config(text: str, left_out: dict[str, str], found: Any) -> str:
    """The starter .govcell.yaml for the pack's pieces written, with targets for what they govern."""
    import re

    from govcell.adopt.precommit import _q

    lines = []
    globs = {"k8s": _globs(found.k8s_manifests), "flags": found.flags_registries, "privacy": found.inventories}
    for line in text.splitlines():
        m = re.match(r"^(\s*)namespaces: \[(.*)\]$", line)
        if m:
            kept = [n.strip() for n in m.group(2).split(",") if n.strip() not in left_out]
            line = f"{m.group(1)}namespaces: [{', '.join(kept)}]"
        m = re.match(r"^(\s*)# (k8s|flags|privacy): .*$", line)
        if m:
            if m.group(2) in left_out:
                continue
            line = f"{m.group(1)}{m.group(2)}: [{', '.join(_q(g) for g in globs[m.group(2)])}]"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _globs(files: list[str]) -> list[str]:
    """Files as one glob per directory and suffix (``deploy/*.yaml``) when a directory holds several."""
    by_dir: dict[tuple[str, str], list[str]] = {}
    for f in files:
        by_dir.setdefault((str(Path(f).parent), Path(f).suffix), []).append(f)
    out = []
    for (d, suffix), group in sorted(by_dir.items()):
        out += group if len(group) == 1 else [f"{d}/*{suffix}" if d != "." else f"*{suffix}"]
    return out


def _hook_paths(root: Path, det: Any) -> Any:
    """The paths the hooks' files: filters follow: the user's configuration, else what init found."""
    from govcell.load.config import CONFIG_FILE, Paths, load_config

    if (root / CONFIG_FILE).is_file() or _pyproject_config(root):
        loaded = load_config(root)
        if not loaded.diagnostics:
            return loaded.config.paths
    return Paths(**det.paths_differ())


def _pre_commit_action(root: Path, source: Any, paths: Any, tracked: set[str], fresh: bytes) -> Action:
    """Create the config, or merge govcell's hooks into the one there (comments and order kept)."""
    from govcell.load.config import Paths
    from govcell.adopt.precommit import MergeError, merge, new_config

    defaults = paths == Paths()
    rel = PRE_COMMIT_CONFIG
    path = root / rel
    is_tracked = rel in tracked
    if (root / ".pre-commit-config.yml").exists() and not path.exists():
        return Action(rel, "skip", reason=".pre-commit-config.yml is the config: add govcell's hooks to it "
                      "(`govcell init --print-hooks`)")
    if not path.exists() and not path.is_symlink():
        return Action(rel, "create", new_config(source, paths, defaults=defaults).encode("utf-8"))
    if path.is_symlink() or not path.is_file():
        return Action(rel, "skip", reason="not a regular file; init never writes through it", tracked=is_tracked)
    text = _text(path)
    if text.encode("utf-8") in (fresh, new_config(source, paths, defaults=defaults).encode("utf-8")):
        return Action(rel, "unchanged", text.encode("utf-8"), tracked=is_tracked)
    try:
        merged = merge(text, source, paths, defaults=defaults)
    except MergeError as exc:
        return Action(rel, "skip", reason=f"{exc}; add govcell's hooks to it yourself (`govcell init "
                      "--print-hooks` prints them)", tracked=is_tracked)
    if merged is None:
        return Action(rel, "skip", reason="already runs govcell's hooks; left as it is", tracked=is_tracked)
    return Action(rel, "merge", merged.encode("utf-8"), reason="govcell's hooks added, comments and order kept",
                  tracked=is_tracked)


def _pyproject_config(root: Path) -> bool:
    """Whether pyproject.toml holds a [tool.govcell] table (the configuration when .govcell.yaml is absent)."""
    import tomllib

    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(data.get("tool"), dict) and "govcell" in data["tool"]


def fit_contextpack(text: str, det: Any) -> str:
    """The starter contextpack with its includes where the cell keeps its ledger, scenarios and ADRs."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        indent = line[:len(line) - len(line.lstrip())]
        if stripped == f"- {STARTER_LEDGER}":
            line = f"{indent}- {det.ledger or STARTER_LEDGER}"
        elif stripped == "- features/**/*.feature":
            lines += [f"{indent}- {d}/**/*.feature" for d in det.feature_dirs]
            continue
        elif stripped == "- docs/adr/*.md":
            if det.adr_dir:
                lines.append(f"{indent}- {det.adr_dir}/*.md")
            continue
        lines.append(line)
    return "\n".join(lines) + "\n"


def _policy_files(root: Path, directory: str) -> list[str]:
    """Every .rego and fixture file under the policy directory."""
    base = root / directory
    if not base.is_dir():
        return []
    return sorted(p.relative_to(root).as_posix() for p in base.rglob("*")
                  if p.is_file() and p.suffix in (".rego", ".json", ".yaml", ".yml"))


def _decide(root: Path, rel: str, data: bytes, force: bool, tracked: set[str], reason: str | None) -> Action:
    path = root / rel
    is_tracked = rel in tracked
    if path.is_symlink() or path.exists():
        if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
            return Action(rel, "unchanged", data, tracked=is_tracked)
        if path.is_symlink() or not path.is_file():
            return Action(rel, "skip", reason="not a regular file; init never writes through it", tracked=is_tracked)
        if not force:
            return Action(rel, "skip", reason=reason or _exists_reason(root, rel), tracked=is_tracked)
        return Action(rel, "overwrite", data, tracked=is_tracked)
    return Action(rel, "create", data)


def _exists_reason(root: Path, rel: str) -> str:
    if rel == ".gitignore":
        have = set(_text(root / rel).split())
        want = [ln for ln in (scaffold_files()[rel].decode().splitlines()) if ln and not ln.startswith("#")]
        missing = [ln for ln in want if ln not in have]
        if missing:
            return "exists; add " + ", ".join(missing) + " to it (govcell writes there)"
    return "exists; --force overwrites it"


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _feature_status_action(root: Path, rel: str, found: Any, force: bool, convert: bool, tracked: set[str],
                           fs_format: str) -> Action:
    path = root / rel
    is_tracked = rel in tracked
    if not path.exists() and not path.is_symlink():
        return Action(rel, "render", reason="create")
    if path.is_symlink() or not path.is_file():
        return Action(rel, "skip", reason="not a regular file; init never writes through it", tracked=is_tracked)
    kind = found.feature_status_format
    if kind == "xtask" and not convert:
        return Action(rel, "skip", tracked=is_tracked, reason="in the format of `cargo xtask ac-status`: kept in "
                      "that format (feature_status.format: xtask); --convert-feature-status replaces it with "
                      "govcell's report")
    if kind == "other" and not convert:
        return Action(rel, "skip", tracked=is_tracked, reason="not a report govcell writes: left alone "
                      "(feature_status.format: off); --convert-feature-status replaces it with govcell's report")
    if kind != "govcell":
        return Action(rel, "render", reason="convert", tracked=is_tracked)
    return Action(rel, "render", reason="overwrite" if force else "keep", tracked=is_tracked)


def _notes(plan: Plan, files: dict[str, bytes]) -> None:
    """What init leaves to the user: said, never done."""
    det = plan.found
    if det.other_fixture_dirs:
        plan.notes.append(f"{', '.join(det.other_fixture_dirs)}: files named after policies, not used as fixtures "
                          f"(govcell reads {', '.join(det.testdata_dirs)}); add them to paths.policy_testdata if "
                          "they follow the <policy>_valid / <policy>_<case> convention")
    if det.adr_widths and det.adr_widths != {4}:
        plan.notes.append(f"{det.adr_dir}: decision records are numbered with {sorted(det.adr_widths)} digits; "
                          "govcell reads NNNN-slug.md (4 digits), others are adr.bad-name findings")
    config = plan.action(CONFIG)
    if config is not None and config.kind == "skip" and det.feature_status_format in ("xtask", "other"):
        fmt, what = (("xtask", "the report of `cargo xtask ac-status`") if det.feature_status_format == "xtask"
                     else ("off", "not a report govcell writes"))
        plan.notes.append(f"{det.feature_status} is {what}; set feature_status.format: {fmt} in your "
                          "configuration, or the feature-status check reports feature-status.foreign-format "
                          "(govcell never rewrites it)")
    if det.docs_tool == "mkdocs" and "govcell" not in _text(plan.root / str(det.docs_tool_file)):
        plan.notes.append(f"{det.docs_tool_file}: add `- govcell` to its plugins: to put the governance pages in "
                          "your MkDocs site (`govcell site build` builds them on their own meanwhile)")


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


def _in_git(root: Path) -> bool:
    from govcell.load.git import in_git

    return in_git(root)


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
