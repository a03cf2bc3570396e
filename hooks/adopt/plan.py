"""What ``govcell init`` will do, decided before it writes anything (:func:`plan_init`).

A part of the starter the repository already has is left out whole: its ledger
keeps the starter ledger, scenario and ADR out, its ADR folder a second
ADR-0001, its policies the policy pack and its fixtures, its contextpack the
starter's, its docs the site's index; ``.govcell.yaml`` is then generated to fit
what is there (:func:`govcell.adopt.detect.render_config`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from govcell.adopt.starter import (
    CONFIG,
    PRE_COMMIT_CONFIG,
    SCHEMAS,
    SITE_FILES,
    STARTER_ADR,
    STARTER_FEATURE,
    STARTER_LEDGER,
    fitted_expectations,
    fit_contextpack,
    pack_pieces,
    policy_piece,
    scaffold_files,
    starter_config,
)


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
    skip_reason = _spec_skips(root, found, files, force)
    wanted = pack_pieces(found)
    files["policy/testdata/expectations.yaml"] = fitted_expectations(files["policy/testdata/expectations.yaml"], wanted)
    own_policy = [f for f in _policy_files(root, found.policy_dir or "policy") if not _is_starter(root, f, files)]
    _pack_skips(skip_reason, files, found, wanted, own_policy, force)
    # The contextpack (and its .llmignore, which shapes its bundles).
    if _user_part(root, files, force, (".llm/contextpack.yaml",)):
        skip_reason[".llm/.llmignore"] = "it would change what your contextpack's bundles carry"
    _site_skips(skip_reason, root, found, files, force)
    tracked = _tracked(root)
    actions, planned = _file_actions(root, files, skip_reason, wanted, bool(own_policy), force, tracked)

    # The configuration: the starter's when every part is the starter's, else one that fits what is there.
    det = detect(root, planned)
    generated, fs_format, config_text = _config(root, files, found, det, actions, planned, force,
                                                convert_feature_status, bool(own_policy))
    if _pyproject_config(root) and not (root / CONFIG).exists():
        actions.append(Action(CONFIG, "skip", reason="the configuration is [tool.govcell] in pyproject.toml; a "
                              ".govcell.yaml would take its place"))
    else:
        actions.append(_decide(root, CONFIG, config_text, force, tracked, None))
    # The hooks: a new config, or govcell's entry merged into the one there.
    actions.append(_pre_commit_action(root, source, hook_paths(root, det), tracked, files[PRE_COMMIT_CONFIG]))
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


def _user_part(root: Path, files: dict[str, bytes], force: bool, rels: tuple[str, ...]) -> bool:
    """Whether any of ``rels`` is the repository's own (not absent, not the starter's), unless ``force``."""
    return not force and not all(_is_starter(root, r, files) for r in rels)


def _spec_skips(root: Path, found: Any, files: dict[str, bytes], force: bool) -> dict[str, str]:
    """Starter files left out because of the repository's ADRs and ledger, each with why."""
    skip_reason: dict[str, str] = {}
    # Another decision numbered 0001 makes the starter's a second ADR-0001: never, not even with --force.
    other_0001 = found.adr_numbers.count(1) > (1 if (root / STARTER_ADR).is_file() else 0)
    if other_0001 or (not force and found.adr_numbers):
        skip_reason[STARTER_ADR] = (f"{found.adr_dir} already holds {len(found.adr_numbers)} decision record(s); "
                                    "the starter's would be a second ADR-0001" if other_0001 else
                                    f"{found.adr_dir} already holds decision records")
    # The ledger: the starter's scenarios and ADR prove and back it, so they follow it.
    if _user_part(root, files, force, (STARTER_LEDGER,)) or (not force and found.ledger
                                                             and not found.ledger_is_default):
        yours = found.ledger or STARTER_LEDGER
        skip_reason.setdefault(STARTER_FEATURE, f"its scenarios prove the starter ledger's ACs, and {yours} is yours")
        skip_reason.setdefault(STARTER_ADR, f"the starter ledger's decision; {yours} is yours")
        if found.ledger and not found.ledger_is_default:
            skip_reason[STARTER_LEDGER] = f"the ledger is {found.ledger}"
    return skip_reason


def _pack_skips(skip_reason: dict[str, str], files: dict[str, bytes], found: Any, wanted: dict[str, str],
                own_policy: list[str], force: bool) -> None:
    """The policy pack: never beside policies or fixtures of the repository's own; else only what governs here."""
    pack = [rel for rel in files if rel.startswith("policy/")]
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


def _site_skips(skip_reason: dict[str, str], root: Path, found: Any, files: dict[str, bytes], force: bool) -> None:
    """The site: beside documentation of the repository's own, neither mkdocs.yml nor an index page."""
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


def _file_actions(root: Path, files: dict[str, bytes], skip_reason: dict[str, str], wanted: dict[str, str],
                  own_policy: bool, force: bool, tracked: set[str]) -> tuple[list[Action], dict[str, bytes]]:
    """An action for every starter file but the configuration and the hooks, and the files that will be there."""
    actions: list[Action] = []
    planned: dict[str, bytes] = {}
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
    return actions, planned


def _config(root: Path, files: dict[str, bytes], found: Any, det: Any, actions: list[Action],
            planned: dict[str, bytes], force: bool, convert_feature_status: bool,
            own_policy: bool) -> tuple[bool, str, bytes]:
    """(generated, the feature-status format, the text of .govcell.yaml): the starter's, or one that fits."""
    from govcell.adopt.render import render_config

    starter = files[CONFIG].decode("utf-8")
    generated = not force and bool(own_policy or _user_part(root, files, force,
                                                            (STARTER_LEDGER, ".llm/contextpack.yaml"))
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
    return generated, fs_format, config_text


def hook_paths(root: Path, det: Any) -> Any:
    """The paths the hooks' files: filters follow: the user's configuration, else what init found."""
    from govcell.load.config import Paths, load_config
    from govcell.load.layout import CONFIG_FILE

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
