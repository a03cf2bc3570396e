"""govcell's configuration: ``.govcell.yaml`` or ``[tool.govcell]`` in ``pyproject.toml``.

Every path and pattern of the usual layout (docs/configuration.md) is a default here, so a cell laid out the
usual way needs no config at all.  A bad config is reported as findings (with a
line) and the defaults are used, so the other checks still run.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, model_validator

from govcell.diagnostics import Diagnostic, diag
from govcell.formats.base import StrictModel, StrList
from govcell.load.layout import CONFIG_FILE, CONFIG_MAX_BYTES, PYPROJECT_MAX_BYTES, SPEC_FILES

if TYPE_CHECKING:
    from govcell.load.sources import FileSource
    from govcell.load.yamlio import LoadedYaml

Level = Literal["error", "warning", "info", "off"]


class Paths(StrictModel):
    """Where the cell's files live, relative to the repository root."""

    ledger: str = Field(SPEC_FILES["ledger"], description="the spec ledger (stories, requirements, ACs)")
    features: StrList = Field(["specs/features", "features"], description="directories searched for *.feature")
    tasks: str = Field(SPEC_FILES["tasks"], description="optional work items")
    flows: str = Field(SPEC_FILES["flows"], description="optional devex commands and flows")
    contextpack: str = Field(SPEC_FILES["contextpack"], description="LLM context bundle tasks")
    llmignore: str = Field(".llm/.llmignore", description="gitignore-style exclusions for bundles")
    policy: str = Field("policy", description="directory of *.rego policies")
    policy_testdata: StrList = Field(["policy/testdata"], description="directories of policy fixtures")
    adr: str = Field("docs/adr", description="directory of NNNN-slug.md decision records")
    feature_status: str = Field("docs/feature_status.md", description="generated AC traceability report")
    doc_index: str = Field(SPEC_FILES["doc_index"], description="optional registry of documents by ID")
    reviews: str = Field("specs/reviews.yaml", description="review stamps of the ACs' proofs, written by "
                                                           "`govcell review` (suspect links)")
    workflows: StrList = Field([".github/workflows"], description="directories of CI workflow files "
                                                                  "(test mappings' workflow:, ci_workflows:)")


class Ids(StrictModel):
    """Regular expressions every ID must match (anchored)."""

    story: str = Field(r"US-[A-Z0-9][A-Z0-9-]*", description="story ID pattern")
    requirement: str = Field(r"REQ-[A-Z0-9][A-Z0-9-]*", description="requirement ID pattern")
    ac: str = Field(r"AC-[A-Z0-9][A-Z0-9-]*", description="acceptance criterion ID pattern")
    adr: str = Field(r"ADR-[0-9]{4}", description="ADR reference pattern")


class Limits(StrictModel):
    """Bounds that keep hostile input from eating time or memory."""

    max_file_bytes: int = Field(20 * 1024 * 1024, gt=0, description="largest YAML/feature file read")


class Bundles(StrictModel):
    """Defaults of ``govcell bundle`` (the bundles themselves live in the contextpack)."""

    output_dir: str = Field(".llm/bundle", description="where `govcell bundle NAME` writes NAME.md by default")
    ac_max_bytes: int = Field(100_000, gt=0, description="budget of `govcell bundle --ac AC-ID`, in bytes")
    changes_max_bytes: int = Field(200_000, gt=0, description="budget of `govcell bundle --changes BASE`, in bytes")
    bytes_per_token: float = Field(4.0, gt=0, description="bytes per token for the manifest's token estimate")


RegoVersion = Literal["v0", "v1"]
#: Built-in inputs a composed policy input may take a value from (see hooks/derive/policy/inputs.py).
InputBuiltin = Literal["ledger", "contextpack", "tasks", "flows", "features", "ledger_ac_ids", "changes"]


class InputSource(StrictModel):
    """One value of a composed policy input: a file, every file of a glob, or a built-in input."""

    file: str | None = Field(None, description="a repository file (JSON or YAML): its first document")
    files: str | None = Field(None, description="a glob of repository files: the list of their documents, "
                              "in path order")
    builtin: InputBuiltin | None = Field(None, description="a built-in input: ledger, contextpack, tasks, flows, "
                                         "features, ledger_ac_ids (every AC ID of the ledger, in ledger order) "
                                         "or changes (what the change "
                                         "touched and declared: govcell scope --input)")
    key: str | None = Field(None, description="take only this key of the value (dotted for nested keys), "
                            "like jq's .environments")

    @model_validator(mode="after")
    def _one_source(self) -> InputSource:
        given = [name for name in ("file", "files", "builtin") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of file, files or builtin (got {', '.join(given) or 'none'})")
        return self


class ComposedInput(StrictModel):
    """An input document built from several sources, as a CI pipeline (yq | jq) builds one for conftest."""

    merge: list[InputSource] = Field(default_factory=list, description="mappings deep-merged into the document "
                                     "first, in order (jq's .[0] * .[1])")
    keys: dict[str, InputSource] = Field(default_factory=dict, description="top-level key -> its value "
                                         "(set after the merge)")


class PolicyConfig(StrictModel):
    """How ``policy/*.rego`` is run (see hooks/derive/policy/run.py); fixtures live in ``paths.policy_testdata``."""

    namespaces: StrList = Field(["main"], description="packages whose deny/violation/warn rules are policies "
                                "(conftest's --namespace); '*' means every package")
    rego_version: Literal["auto", "v0", "v1"] = Field(
        "auto", description="Rego syntax of every policy file; auto tries v1, then v0, per file")
    rego_versions: dict[str, RegoVersion] = Field(
        default_factory=dict, description="per-file syntax override: policy file path (or glob) -> v0 | v1")
    targets: dict[str, StrList] = Field(
        default_factory=dict, description="policy name -> globs of repository files, the built-in inputs "
        "ledger, contextpack, features, tasks, changes (what the change touched and declared), or names of "
        "policy.inputs")
    inputs: dict[str, ComposedInput] = Field(
        default_factory=dict, description="name -> an input composed of files and built-in inputs, usable "
        "in policy.targets")
    data: dict[str, Any] = Field(default_factory=dict, description="policy data, visible to every policy as "
                                 "data.govcell (e.g. {contextpack: {required_tasks: [review]}})")
    expectations: str = Field("expectations.yaml", description="file in a fixture directory that pins the exact "
                              "messages fixtures must produce")
    timeout_seconds: float = Field(60.0, gt=0, description="longest the policy run may take (it runs in a child "
                                   "process; past this it is stopped and the policy named)")
    max_memory_mb: int = Field(1024, gt=0, description="memory the policy run may add before it is stopped")


class AcTags(StrictModel):
    """How scenarios name the ACs they prove (the ``ac-tags`` check)."""

    pattern: str | None = Field(
        None,
        description="regular expression a whole AC tag matches, '@' included (default: '@' + ids.ac); "
                    "a group named 'id' (else group 1, else the tag minus '@') is the AC ID",
    )
    exempt: StrList = Field(["@wip"], description="scenarios with any of these tags need no AC tag")


class FeatureStatus(StrictModel):
    """The committed AC report (``paths.feature_status``): which format govcell keeps it in."""

    format: Literal["govcell", "xtask", "off"] = Field(
        "govcell", description="govcell (govcell's report), xtask (the Rust template's `cargo xtask ac-status` "
        "report), or off (govcell neither checks nor writes the file)")


class Results(StrictModel):
    """Test result files that give ACs their run status (``govcell status``, the site)."""

    files: StrList = Field(
        default_factory=list,
        description="result files or globs: govcell pytest plugin JSON, pytest-bdd cucumber JSON, JUnit XML",
    )


#: Agent instruction files a change may touch only with a declared scope (``scope.protected``'s default).
AGENT_FILES = ("AGENTS.md", "CLAUDE.md", ".github/copilot-instructions.md", ".cursorrules", "GEMINI.md")


class Scope(StrictModel):
    """Protected governance paths: a change touches them only with a declared scope (``govcell scope``)."""

    protected: StrList | None = Field(
        None, description="paths a change may touch only with a declared scope: a path ending in / is a "
        "directory, one with * ? [ a glob (* within a folder, ** across), else one file (default: the ledger, "
        "tasks, flows, the policy "
        "directory, the workflow directories, the feature status report and agent instruction files "
        "AGENTS.md, CLAUDE.md, .github/copilot-instructions.md, .cursorrules, GEMINI.md)")
    also_protected: StrList = Field(default_factory=list, description="paths protected in addition to "
                                    "`protected` (or its default), e.g. [CHANGELOG.md, specs/openapi.yaml]")
    trailer: str = Field("Governance-Scope", pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*$",
                         description="the commit trailer that declares a commit's scope")
    types: StrList = Field(["mechanical", "behavior", "governance", "release", "docs"],
                           description="the scope types a declaration may name first (empty: any word)")

    def paths(self, paths: Paths) -> list[str]:
        """Every protected path pattern, defaults resolved against ``paths``."""
        if self.protected is not None:
            base = list(self.protected)
        else:
            base = [paths.ledger, paths.tasks, paths.flows, paths.policy.rstrip("/") + "/",
                    *(w.rstrip("/") + "/" for w in paths.workflows), paths.feature_status, *AGENT_FILES]
        return list(dict.fromkeys(base + list(self.also_protected)))


class CacheSettings(StrictModel):
    """The shared cache of parsed files (``govcell.load.cache``), kept in the git directory."""

    enabled: bool = Field(True, description="reuse what an earlier govcell process parsed from the same file "
                          "contents (off: every run parses every file; also --no-cache, GOVCELL_NO_CACHE=1)")
    max_mb: float = Field(256, gt=0, description="largest size of the cache directory, in MB (least recently "
                          "used entries are removed first)")


class Config(StrictModel):
    """The whole configuration; every section has working defaults."""

    paths: Paths = Field(default_factory=Paths)
    ids: Ids = Field(default_factory=Ids)
    limits: Limits = Field(default_factory=Limits)
    bundles: Bundles = Field(default_factory=Bundles)
    severity: dict[str, Level] = Field(
        default_factory=dict,
        description="per-code severity override, e.g. {'ac.untagged-scenario': 'error', 'adr.*': 'off'}",
    )
    strict: bool = Field(False, description="treat warnings as errors (like --strict)")
    policy: PolicyConfig = Field(default_factory=PolicyConfig)
    ac_tags: AcTags = Field(default_factory=AcTags)
    results: Results = Field(default_factory=Results)
    feature_status: FeatureStatus = Field(default_factory=FeatureStatus)
    scope: Scope = Field(default_factory=Scope)
    cache: CacheSettings = Field(default_factory=CacheSettings)


@dataclasses.dataclass
class LoadedConfig:
    config: Config
    source: str | None
    diagnostics: list[Diagnostic]


def load_config(root: Path, explicit: str | None = None, *, source: FileSource | None = None) -> LoadedConfig:
    """Find and validate the configuration of the cell at ``root`` (read from ``source``, default the disk)."""
    from govcell.load.yamlio import load_yaml

    rel = explicit or CONFIG_FILE
    from_git = source is not None and source.kind != "worktree"
    if from_git and explicit and os.path.isabs(explicit):
        from_git = False  # a config outside the cell is read from disk whatever the revision
    if explicit or (source.exists(CONFIG_FILE) if from_git and source else (root / CONFIG_FILE).exists()):
        loaded = source.load_yaml(rel, max_bytes=CONFIG_MAX_BYTES) if from_git and source \
            else load_yaml(root, rel, max_bytes=CONFIG_MAX_BYTES)
        return _validated(loaded)
    if from_git and source:
        if source.is_file("pyproject.toml"):
            return _from_pyproject(root, root / "pyproject.toml", source)
        return LoadedConfig(Config(), None, [])
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        return _from_pyproject(root, pyproject)
    return LoadedConfig(Config(), None, [])


def _from_pyproject(root: Path, pyproject: Path, source: FileSource | None = None) -> LoadedConfig:
    """``[tool.govcell]``, located (``govcell.load.tomlio``) and validated as a YAML config is."""
    from govcell.load.text import read_text
    from govcell.load.tomlio import load_table

    rel = "pyproject.toml"
    # Read under the same rules as every other file: inside the repository, a size bound, UTF-8.
    read = source.read_text(rel, max_bytes=PYPROJECT_MAX_BYTES, code="file") if source is not None \
        else read_text(root, rel, max_bytes=PYPROJECT_MAX_BYTES, code="file")
    if read.text is None:
        return LoadedConfig(Config(), rel, read.diagnostics)
    loaded = load_table(read.text, rel, ("tool", "govcell"), prefix="config")
    if not loaded.present:
        return LoadedConfig(Config(), None, [])
    return _validated(loaded)


def _validated(loaded: LoadedYaml) -> LoadedConfig:
    """The configuration in ``loaded`` (a YAML file or a TOML table), validated; defaults for what is bad."""
    from govcell.load.validate import validate

    result = validate(Config, loaded, "config", empty_ok=True)
    if result.model is None:
        return LoadedConfig(Config(), loaded.path, result.diagnostics)
    model, unsafe = _safe_patterns(result.model, loaded.path, loaded.position)
    model, outside = _inside_paths(model, loaded.path, loaded.position)
    return LoadedConfig(model, loaded.path, result.diagnostics + unsafe + outside)


_PATTERN_FIELDS = (("ids", "story"), ("ids", "requirement"), ("ids", "ac"), ("ids", "adr"), ("ac_tags", "pattern"))


def _safe_patterns(cfg: Config, rel: str, position: Any) -> tuple[Config, list[Diagnostic]]:
    """Refuse ID and tag patterns that could backtrack for ever (``govcell.load.regex_safety``).

    The default pattern is used instead of a refused one."""
    from govcell.load.regex_safety import unsafe_reason

    found: list[Diagnostic] = []
    for section, key in _PATTERN_FIELDS:
        part = getattr(cfg, section)
        source = getattr(part, key)
        default = type(part).model_fields[key].default
        if not source or source == default:
            continue  # govcell's own defaults are safe (tests/test_regex_safety.py)
        why = unsafe_reason(source)
        if why is None:
            continue
        line, col = position((section, key))
        found.append(diag("config.unsafe-pattern", f"{section}.{key} {source!r} is not safe to run on hostile "
                          f"input: {why}; the default {default!r} is used instead", rel, line, col,
                          hint=f"use a pattern without nested or alternated repeats, like the default {default!r}"))
        setattr(part, key, default)
    return cfg, found


#: Configured directories and globs govcell walks or expands; single files are refused when read
#: (``file.outside-repo``), but a directory or glob outside the repository would be walked first.
_DIR_FIELDS = (("paths", "policy"), ("paths", "adr"))
_LIST_FIELDS = (("paths", "features"), ("paths", "policy_testdata"), ("paths", "workflows"), ("results", "files"))


def leaves_repository(path: str) -> bool:
    """Whether a configured repository-relative path (or glob) is absolute or climbs out with ``..``."""
    from govcell.load.globs import escape_reason

    return escape_reason(path) is not None


def _inside_paths(cfg: Config, rel: str, position: Any) -> tuple[Config, list[Diagnostic]]:
    """Refuse configured directories and globs that leave the repository (``config.path-outside``).

    A list entry that does is dropped; a directory falls back to its default.
    """
    found: list[Diagnostic] = []

    def refuse(loc: tuple[Any, ...], value: str, instead: str) -> None:
        line, col = position(loc)
        name = ".".join(str(x) for x in loc[:2]) + "".join(f"[{x!r}]" if isinstance(x, str) else f"[{x}]"
                                                          for x in loc[2:])
        found.append(diag("config.path-outside", f"{name} {value!r} is outside the repository: {instead}", rel,
                          line, col, hint="use a path relative to the repository root, with no leading / or '..'"))

    for section, key in _DIR_FIELDS:
        part = getattr(cfg, section)
        value = getattr(part, key)
        if leaves_repository(value):
            default = type(part).model_fields[key].default
            refuse((section, key), value, f"the default {default!r} is used instead")
            setattr(part, key, default)
    for section, key in _LIST_FIELDS:
        part = getattr(cfg, section)
        values = getattr(part, key)
        kept = []
        for i, value in enumerate(values):
            if leaves_repository(value):
                refuse((section, key, i), value, "left out")
            else:
                kept.append(value)
        if len(kept) != len(values):
            setattr(part, key, kept)
    for name, globs in cfg.policy.targets.items():
        kept = []
        for i, value in enumerate(globs):
            if leaves_repository(value):
                refuse(("policy", "targets", name, i), value, "left out")
            else:
                kept.append(value)
        if len(kept) != len(globs):
            cfg.policy.targets[name] = kept
    return cfg, found
