"""Finding a cell's policy files and fixtures: which file is a policy, a library or a test, and whose a fixture is.

Every ``*.rego`` under ``paths.policy`` (outside the fixture directories) is
parsed on its own, as Rego v1 or v0 (``policy.rego_version``: ``auto`` tries v1
and then v0, per file), so a compile error names its file and line.  A fixture
``<testdata>/<name>[_…].{json,yaml,yml}`` belongs to the policy with the longest
name that prefixes it; ``expectations.yaml`` may pin a fixture's messages.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govcell.diagnostics import Severity, diag, did_you_mean
from govcell.derive.policy.failures import MAX_NESTING, EngineError, EngineFailure, call, engine_stderr, nesting
from govcell.derive.policy.model import FAMILIES, FIXTURE_SUFFIXES, RegoFile, Rule, rule_kind

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.derive.policy.engine import Context


def policy_names(cell: Cell) -> list[tuple[str, str]]:
    """(stem, path) of every .rego file that may be a policy, without parsing it (for naming a crash)."""
    return [(Path(rel).name[: -len(".rego")], rel) for rel in rego_paths(cell) if not rel.endswith("_test.rego")]


def rego_paths(cell: Cell) -> list[str]:
    """Every ``.rego`` file under ``paths.policy`` outside the fixture directories, sorted."""
    base = cell.root / cell.config.paths.policy
    if not base.is_dir():
        return []
    skip = [cell.root / d.rstrip("/") for d in cell.config.paths.policy_testdata]
    out = []
    for p in base.rglob("*.rego"):
        if p.is_file() and not any(p.is_relative_to(s) for s in skip):
            out.append(p.relative_to(cell.root).as_posix())
    return sorted(out)


def is_valid_fixture(name: str) -> bool:
    """True when the file name has the word ``valid`` (``k8s_prod_valid.yaml``, not ``k8s_invalid``)."""
    stem = name.split(".", 1)[0]
    return "valid" in re.split(r"[^A-Za-z0-9]+", stem.lower())


def fixture_owner(name: str, policies: list[str]) -> str | None:
    """The policy whose name is the longest prefix of fixture ``name`` at a word boundary."""
    stem = name.split(".", 1)[0]
    best: str | None = None
    for policy in policies:
        matches = stem == policy or (stem.startswith(policy) and not stem[len(policy)].isalnum())
        if matches and (best is None or len(policy) > len(best)):
            best = policy
    return best


def rules_from_ast(modules: list[dict[str, Any]]) -> tuple[list[Rule], dict[int, int]]:
    """Rule names, kinds and lines from regorus's AST, plus the line a rule's head key sits on.

    Coverage marks a set rule's key expression only when its body succeeded,
    so that line tells whether the rule ever produced a result.
    """
    rules: list[Rule] = []
    signals: dict[int, int] = {}
    for module in modules:
        for item in module["ast"].get("rules", []):
            (form, body), = item.items()
            if form == "Default":
                var = body.get("refr", {}).get("Var")
                if var:
                    rules.append(Rule(var["value"], rule_kind(var["value"]), body["span"]["line"]))
                continue
            (head_form, head), = body["head"].items()
            var = head.get("refr", {}).get("Var")
            if not var:
                continue
            line = body["span"]["line"]
            rules.append(Rule(var["value"], "other" if head_form == "Func" else rule_kind(var["value"]), line))
            key = head.get("key") if head_form == "Set" else (head.get("assign") or {}).get("value")
            if isinstance(key, dict) and key:
                (_, node), = key.items()
                signals[line] = node["span"]["line"]
    return rules, signals


def parse(ctx: Context, rel: str) -> RegoFile | None:
    """Policy file ``rel`` parsed by the engine as its Rego version; None (and a finding) when it is not Rego."""
    from govcell.load.text import read_text

    read = read_text(ctx.cell.root, rel, max_bytes=ctx.cell.config.limits.max_file_bytes, code="policy")
    if read.text is None:
        ctx.found.extend(read.diagnostics)
        return None
    deepest, line, col = nesting(read.text)
    if deepest > MAX_NESTING:
        ctx.found.append(diag("policy.too-deep", f"{rel} nests [ and {{ {deepest} deep; the Rego engine's parser "
                              f"takes time exponential in nesting, so files deeper than {MAX_NESTING} are not "
                              "given to it", rel, line, col,
                              hint="flatten the literal (build it from smaller rules), or move the data to "
                                   "policy.data (data.govcell)"))
        return None
    wanted = _version_for(ctx, rel)
    attempts = ["v1", "v0"] if wanted == "auto" else [wanted]
    errors: list[EngineError] = []
    for version in attempts:
        engine = ctx.engine(version)
        try:
            with engine_stderr() as warnings:
                package = call(engine.add_policy, rel, read.text, file=rel)
            modules = json.loads(call(engine.get_ast_as_json, file=rel))
        except EngineFailure as failure:
            errors.append(failure.error)
            continue
        for file, line, col, message in dict.fromkeys(warnings):
            ctx.found.append(diag("policy.parse-warning", f"{message} (parsed as Rego {version})", file or rel,
                                  line, col, severity=Severity.WARNING,
                                  hint="in Rego v0, add `import future.keywords.if` (or `import rego.v1`); "
                                       "or pin the file's version with policy.rego_versions"))
        rules, signals = rules_from_ast(modules)
        return RegoFile(rel, read.text, version, package, rules, signals, is_test=rel.endswith("_test.rego"),
                        module=modules[0]["ast"] if modules else {})
    # Report the attempt that got furthest: that is the syntax the author meant.
    err = max(errors, key=lambda e: (e.line, e.col))
    tried = " and ".join(attempts)
    ctx.found.append(diag("policy.compile-error", f"{rel} does not compile as Rego {tried}: {err.message}",
                          rel, err.line, err.col,
                          hint="fix the syntax; set policy.rego_versions for this file if auto-detection "
                               "picks the wrong Rego version"))
    return None


def _version_for(ctx: Context, rel: str) -> str:
    from govcell.load.globs import first_match

    pattern = first_match(sorted(ctx.cfg.rego_versions), rel)
    return ctx.cfg.rego_version if pattern is None else ctx.cfg.rego_versions[pattern]


def classify(ctx: Context, files: list[RegoFile]) -> tuple[list[RegoFile], list[RegoFile], list[RegoFile]]:
    """(policies, libraries, tests); two policies of one name are a finding."""
    policies, libraries, tests = [], [], []
    for f in files:
        if f.is_test:
            tests.append(f)
        elif _queried(ctx, f.package_name) and any(r.kind in FAMILIES for r in f.rules):
            policies.append(f)
        else:
            libraries.append(f)
    seen: dict[str, str] = {}
    for pf in policies:
        if pf.stem in seen:
            ctx.found.append(diag("policy.duplicate-name", f"policy name '{pf.stem}' is also {seen[pf.stem]}; "
                                  "fixtures and targets could not tell them apart", pf.path, 1, 1,
                                  hint="rename one of the files"))
        else:
            seen[pf.stem] = pf.path
    return policies, libraries, tests


def _queried(ctx: Context, package: str) -> bool:
    return "*" in ctx.cfg.namespaces or package in ctx.cfg.namespaces


def fixtures(ctx: Context, names: list[str]) -> dict[str, list[str]]:
    """Policy name -> its fixture files; a fixture no policy owns is a finding."""
    owned: dict[str, list[str]] = {}
    for rel in _fixture_files(ctx):
        owner = fixture_owner(Path(rel).name, names)
        if owner is None and ctx.only is not None:
            continue  # one policy alone: the others' fixtures are not orphans
        if owner is None:
            close = did_you_mean(Path(rel).name.split("_")[0].split(".")[0], names)
            ctx.found.append(diag("policy.fixture-orphan", f"fixture {rel} matches no policy "
                                  f"(policies: {', '.join(sorted(names)) or 'none'})", rel,
                                  hint="name fixtures <policy>_<case>.yaml" + (f"; {close}" if close else "")))
        else:
            owned.setdefault(owner, []).append(rel)
    return owned


def _fixture_files(ctx: Context) -> list[str]:
    out = []
    for directory in ctx.testdata:
        base = ctx.cell.root / directory
        if not base.is_dir():
            continue
        for p in sorted(base.iterdir()):
            if p.is_file() and p.suffix in FIXTURE_SUFFIXES and p.name != ctx.cfg.expectations:
                out.append(p.relative_to(ctx.cell.root).as_posix())
    return out


def expectations(ctx: Context) -> dict[str, dict[str, list[str]]]:
    """``expectations.yaml``: fixture file name -> {failures: [...], warnings: [...]}."""
    from govcell.load.yamlio import load_yaml

    out: dict[str, dict[str, list[str]]] = {}
    for directory in ctx.testdata:
        rel = f"{directory}/{ctx.cfg.expectations}"
        loaded = load_yaml(ctx.cell.root, rel, required=False)
        if not loaded.present:
            continue
        ctx.found.extend(loaded.diagnostics)
        data = loaded.data or {}
        if not isinstance(data, dict):
            ctx.found.append(diag("policy.expectations", f"{rel} must map fixture names to "
                                  "{failures: [...], warnings: [...]}", rel, 1, 1))
            continue
        for name, spec in data.items():
            line, col = loaded.position((name,), key=True)
            fixture = f"{directory}/{name}"
            ok = isinstance(spec, dict) and set(spec) <= {"failures", "warnings"} and all(
                isinstance(v, list) and all(isinstance(s, str) for s in v) for v in spec.values())
            if not ok:
                ctx.found.append(diag("policy.expectations", f"expectations for {name} must be "
                                      "{failures: [strings], warnings: [strings]}", rel, line, col))
            elif not (ctx.cell.root / fixture).is_file():
                ctx.found.append(diag("policy.expectations", f"expectations name {name}, which is not a "
                                      f"fixture in {directory}/", rel, line, col))
            else:
                out[fixture] = spec
    return out
