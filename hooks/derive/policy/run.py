"""Policies as code: conftest-style Rego policies run by an embedded engine.

The engine is regorus (PyPI ``gordon-to-regorus``, imported as ``regorus``), a
Rust Rego interpreter: no Go binary and no network.  It is imported only here,
and only when a cell has policies, so every other hook starts without it; on a
platform with no wheel the policy check says what to install and the other
checks still run.

What ``evaluate`` does, in conftest's and ``opa test``'s terms:

* every ``*.rego`` under ``paths.policy`` (outside the fixture directories) is
  parsed on its own, as Rego v1 or v0 (``policy.rego_version``: ``auto`` tries
  v1 and then v0, per file), so a compile error names its file and line;
* a *policy* is a non-test file whose package is a queried namespace (``main``
  by default) and which has ``deny``/``violation``/``warn`` rules (or their
  ``deny_*`` forms); its name is the file's stem.  Other files are libraries,
  loaded beside every policy; ``*_test.rego`` files hold ``test_*`` rules;
* a fixture ``<testdata>/<name>[_…].{json,yaml,yml}`` belongs to the policy with
  the longest name that prefixes it; fixtures whose name has the word ``valid``
  must produce no failure, all others at least one, and ``expectations.yaml``
  may pin the exact messages.  Multi-document YAML is evaluated per document;
* configured targets (globs of repository files, or the built-in inputs
  ``ledger``, ``contextpack``, ``features``, ``tasks``) are evaluated and their
  messages become findings at the target file;
* every file is compiled as ``opa check`` would, fed or not (``govcell.derive.policy.compile``:
  the engine's AST, and every rule evaluated once without input); an engine
  error is one finding however many fixtures, targets or engines hit it;
* the engine's line coverage over all of a policy's fixtures shows each rule
  whose head was never reached: a *dead rule*, when every fixture evaluated;
  rules a failed fixture might have reached are listed as *not covered*;
* every ``test_*`` rule of every package must hold, as ``opa test`` runs it.

The result is a ``PolicyReport`` (also used by the site) cached on the Cell.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govcell.diagnostics import Diagnostic, Severity, diag, did_you_mean
from govcell.derive.policy.compile import MAX_NESTING, EngineError, EngineFailure, Failures, call, engine_stderr, nesting

if TYPE_CHECKING:
    from govcell.cell import Cell

FAIL_RULES = ("deny", "violation")
WARN_RULES = ("warn",)
BUILTIN_INPUTS = ("ledger", "contextpack", "features", "tasks")
FIXTURE_SUFFIXES = (".json", ".yaml", ".yml")
INSTALL_HINT = ("install the embedded Rego engine: pip install gordon-to-regorus (wheels exist for Linux "
                "x86_64 with glibc >= 2.34, macOS and Windows); elsewhere set 'policy.*': off in the "
                "config severity map, or run this check on a supported machine")
_DEFAULT_BUDGET = 100_000


# --------------------------------------------------------------------------- result model


@dataclasses.dataclass(frozen=True)
class Rule:
    """One rule definition of a policy file, with the line its head starts on."""

    name: str
    kind: str  # deny | violation | warn | test | other
    line: int


@dataclasses.dataclass
class Message:
    """One message a policy produced for an input document."""

    text: str
    rule: str  # the rule family: deny | violation | warn
    line: int = 0
    path: str = ""
    col: int = 0


#: a policy's message and the ``loc`` path into its input document it names (None: none named)
Located = tuple[Message, "list[Any] | None"]


@dataclasses.dataclass
class FixtureResult:
    path: str
    policy: str
    expect: str  # "pass" (name has the word valid) or "fail"
    documents: int = 0
    failures: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    pinned: bool = False
    ok: bool = False
    error: str = ""


@dataclasses.dataclass
class TargetResult:
    policy: str
    target: str  # the glob or built-in name from the config
    path: str
    documents: int = 0
    messages: list[Message] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class DeadRule:
    name: str
    line: int


@dataclasses.dataclass
class UncoveredRule:
    """A rule that fired on none of the fixtures that evaluated, while others could not be evaluated for it."""

    name: str
    line: int
    fixtures: list[str]  # the fixtures it could not be evaluated on


@dataclasses.dataclass
class TestResult:
    package: str
    name: str
    path: str
    line: int
    passed: bool
    error: str = ""


@dataclasses.dataclass
class PolicyResult:
    name: str
    path: str
    package: str
    rego_version: str
    rules: list[Rule]
    fixtures: list[FixtureResult] = dataclasses.field(default_factory=list)
    targets: list[TargetResult] = dataclasses.field(default_factory=list)
    dead_rules: list[DeadRule] = dataclasses.field(default_factory=list)
    uncovered_rules: list[UncoveredRule] = dataclasses.field(default_factory=list)
    compiles: bool = True  # False: the engine rejected the policy, so nothing was evaluated


@dataclasses.dataclass
class FileCoverage:
    path: str
    covered: list[int]
    not_covered: list[int]

    @property
    def percent(self) -> float:
        total = len(self.covered) + len(self.not_covered)
        return 100.0 if total == 0 else round(100.0 * len(self.covered) / total, 1)


@dataclasses.dataclass
class PolicyReport:
    """Everything the policy check found out; ``diagnostics`` are its findings."""

    engine: str
    available: bool
    policies: list[PolicyResult] = dataclasses.field(default_factory=list)
    tests: list[TestResult] = dataclasses.field(default_factory=list)
    coverage: list[FileCoverage] = dataclasses.field(default_factory=list)
    diagnostics: list[Diagnostic] = dataclasses.field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self) | {"diagnostics": [d.as_dict() for d in self.diagnostics]}


# --------------------------------------------------------------------------- public entry points


def build_report(cell: Cell) -> PolicyReport:
    """Run every policy on its fixtures and targets, and every ``test_*`` rule.

    The engine runs in a child process with time and memory limits
    (``govcell.derive.policy.isolation``), so a policy that crashes or hangs it is a
    finding naming that policy, never the end of the whole run.
    """
    from govcell.derive.policy.isolation import run_isolated

    # The engine's errors carry a Rust backtrace when RUST_BACKTRACE is set: capturing one costs ~10 ms
    # per error and govcell drops it, so it is off unless asked for (set here, so children inherit it).
    os.environ.setdefault("RUST_LIB_BACKTRACE", "0")

    def run(only: str | None) -> PolicyReport:
        return _Run(cell, only=only).run()

    return run_isolated(cell, run, _policy_names(cell))


def _policy_names(cell: Cell) -> list[tuple[str, str]]:
    """(stem, path) of every .rego file that may be a policy, without parsing it (for naming a crash)."""
    base = cell.root / cell.config.paths.policy
    if not base.is_dir():
        return []
    skip = [cell.root / d for d in cell.config.paths.policy_testdata]
    out = []
    for entry in sorted(base.rglob("*.rego")):
        if entry.name.endswith("_test.rego") or any(entry.is_relative_to(s) for s in skip):
            continue
        out.append((entry.stem, entry.relative_to(cell.root).as_posix()))
    return out


def is_valid_fixture(name: str) -> bool:
    """True when the file name has the word ``valid`` (``k8s_prod_valid.yaml``, not ``k8s_invalid``)."""
    stem = name.split(".", 1)[0]
    return "valid" in re.split(r"[^A-Za-z0-9]+", stem.lower())


def fixture_owner(name: str, policies: list[str]) -> str | None:
    """The policy whose name is the longest prefix of fixture ``name`` at a word boundary."""
    stem = name.split(".", 1)[0]
    best: str | None = None
    for policy in policies:
        if stem == policy or (stem.startswith(policy) and not stem[len(policy)].isalnum()):
            if best is None or len(policy) > len(best):
                best = policy
    return best


# --------------------------------------------------------------------------- parsed files


@dataclasses.dataclass
class RegoFile:
    path: str  # relative to the cell root
    text: str
    version: str  # v0 | v1
    package: str = ""  # "data.main"
    rules: list[Rule] = dataclasses.field(default_factory=list)
    signal_lines: dict[int, int] = dataclasses.field(default_factory=dict)  # rule line -> line reached on success
    is_test: bool = False
    module: dict[str, Any] = dataclasses.field(default_factory=dict, repr=False)  # the engine's AST of the file

    @property
    def stem(self) -> str:
        return Path(self.path).name[: -len(".rego")]

    @property
    def package_name(self) -> str:
        return self.package.removeprefix("data.")


def rule_kind(name: str) -> str:
    for family in (*FAIL_RULES, *WARN_RULES):
        if name == family or name.startswith(family + "_"):
            return family
    return "test" if name.startswith("test_") else "other"


def _rules_from_ast(modules: list[dict[str, Any]]) -> tuple[list[Rule], dict[int, int]]:
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


# --------------------------------------------------------------------------- input documents


@dataclasses.dataclass
class Document:
    """One input document with the positions of its values (for located messages)."""

    data: Any
    line: int
    marks: dict[tuple[Any, ...], tuple[int, int]] = dataclasses.field(default_factory=dict)

    def position(self, loc: Any) -> tuple[int, int]:
        """(line, col) of the deepest known prefix of ``loc`` (a list of keys and indexes)."""
        if isinstance(loc, list):
            key = tuple(loc)
            while key:
                if key in self.marks:
                    return self.marks[key]
                key = key[:-1]
        return (self.line, 1)


def parse_documents(text: str, rel: str, code: str) -> tuple[list[Document], list[Diagnostic]]:
    """JSON (one document) or YAML (every document of the stream), with located errors."""
    if rel.endswith(".json"):
        try:
            return [Document(json.loads(text), 1)], []
        except json.JSONDecodeError as exc:
            return [], [diag(code, f"{rel} is not valid JSON: {exc.msg}", rel, exc.lineno, exc.colno,
                             hint="fix the JSON syntax")]
        except RecursionError:
            return [], [diag(code, f"{rel} is nested too deeply", rel, 1, 1)]
    import yaml

    from govcell.load.yamlio import _Abort, _Converter  # the kernel's safe, located node conversion

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    docs: list[Document] = []
    found: list[Diagnostic] = []
    try:
        for node in yaml.compose_all(text, Loader=loader):
            if node is None:
                continue
            conv = _Converter(rel, budget=len(text) + _DEFAULT_BUDGET)
            try:
                data = conv.convert(node, ())
            except _Abort as stop:
                found.append(dataclasses.replace(stop.diagnostic, code=code))
                continue
            found.extend(dataclasses.replace(d, code=code) for d in conv.diagnostics
                         if d.severity is Severity.ERROR)
            docs.append(Document(data, node.start_mark.line + 1, conv.marks))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        found.append(diag(code, f"{rel} is not valid YAML: {exc.problem or exc}", rel, line, col,
                          hint="fix the YAML syntax"))
    except (yaml.YAMLError, RecursionError) as exc:
        found.append(diag(code, f"{rel} is not valid YAML: {exc}", rel, 1, 1))
    return docs, found


def feature_records(cell: Cell) -> list[dict[str, Any]]:
    """Feature files as ``{path, name, tags, scenarios: [{name, file, line, tags, ac_ids}]}``.

    Built from the cell's one Gherkin parse (``Cell.features``), so policies see
    exactly the scenarios and inherited tags the ``ac-tags`` check sees.
    """
    records: list[dict[str, Any]] = []
    for ff in cell.features.files:
        records.append({
            "path": ff.path,
            "name": ff.name,
            "tags": sorted(ff.tags),
            "scenarios": [{"name": sc.name, "file": sc.file, "line": sc.line, "tags": sorted(sc.tags),
                           "ac_ids": sorted(sc.ac_ids)} for sc in ff.scenarios],
        })
    return records


# --------------------------------------------------------------------------- the run


class _Run:
    """One evaluation of a cell's policies (kept as an object to share state between steps)."""

    def __init__(self, cell: Cell, only: str | None = None) -> None:
        self.cell = cell
        #: run only the policy of this name (to find which one crashes the engine); None: all
        self.only = only
        self.cfg = cell.config.policy
        self.found: list[Diagnostic] = []
        self.report = PolicyReport(engine="regorus", available=True)
        self.policy_dir = cell.config.paths.policy.rstrip("/")
        self.testdata = [d.rstrip("/") for d in cell.config.paths.policy_testdata]
        self.config_path = cell.config_source or ".govcell.yaml"
        self._config_yaml: Any = None
        self.coverage: dict[str, tuple[set[int], set[int]]] = {}
        self.failures = Failures()  # engine and compile errors: one finding per cause

    # ---------------------------------------------------------------- driver

    def run(self) -> PolicyReport:
        base = self.cell.root / self.policy_dir
        if not base.exists():
            if self.cfg.targets:
                self.found.append(diag("policy.missing-dir", f"policy targets are configured but "
                                       f"{self.policy_dir}/ does not exist", self.config_path,
                                       *self._config_pos(("policy", "targets")),
                                       hint="create the policy directory, or remove policy.targets"))
            return self._done()
        paths = self._rego_paths(base)
        if not paths:
            self.found.append(diag("policy.empty-dir", f"{self.policy_dir}/ holds no .rego policy", self.policy_dir,
                                   severity=Severity.WARNING,
                                   hint="add a policy (e.g. policy/main.rego with deny rules), or remove the "
                                        "empty directory"))
            self._orphan_fixtures([])
            return self._done()
        # The engine's errors carry a Rust backtrace when RUST_BACKTRACE is set (as it often is for Rust
        # developers): capturing one costs ~10 ms per error and govcell drops it, so it is off unless asked for.
        os.environ.setdefault("RUST_LIB_BACKTRACE", "0")
        try:
            import regorus
        except ImportError as exc:
            self.report.available = False
            self.found.append(diag("policy.engine-missing",
                                   f"the Rego engine regorus cannot be imported ({exc}); {len(paths)} "
                                   f"policy file(s) were not checked", self.policy_dir, hint=INSTALL_HINT))
            return self._done()
        self.regorus = regorus
        with engine_stderr():  # a panic's message, or anything else the engine prints, stays out of the output
            return self._run_engine(paths)

    def _run_engine(self, paths: list[str]) -> PolicyReport:
        files = [f for f in (self._parse(rel) for rel in paths) if f is not None]
        policies, libraries, tests = self._classify(files)
        self._duplicate_names(policies)
        self._analyse(files)
        base = self._evaluation_engine()  # the data and the libraries, parsed once, cloned for each use
        if all([self._load(base, lib) for lib in libraries]) and libraries:
            # the libraries on their own, so an error in one is found even with no policy
            self._compile(call(base.clone), sorted({lib.package for lib in libraries}), [], libraries[0].path)
        if self.only is not None:
            # one policy alone (naming the one that crashed the engine): no tests, no cross-file checks
            policies = [p for p in policies if p.stem == self.only]
            self.found = [d for d in self.found if any(d.path == p.path for p in policies)]
        names = [p.stem for p in policies]
        fixtures = self._fixtures(names)
        expectations = self._expectations()
        for pf in policies:
            result = PolicyResult(pf.stem, pf.path, pf.package_name, pf.version, pf.rules)
            self.report.policies.append(result)
            engine = self._policy_engine(pf, base)
            if engine is None:
                continue
            result.compiles = self._compile(engine, [pf.package], [], pf.path)
            self._run_fixtures(pf, result, engine, fixtures.get(pf.stem, []), expectations)
            if result.compiles:
                self._run_targets(pf, result, engine)
        if self.only is not None:
            return self._done()
        self._unknown_target_policies(names)
        self._run_together(files, base, libraries)
        self.report.coverage = [FileCoverage(p, sorted(c), sorted(n - c))
                                for p, (c, n) in sorted(self.coverage.items())]
        return self._done()

    def _done(self) -> PolicyReport:
        from govcell.diagnostics import apply_policy

        self.report.diagnostics = apply_policy([*self.found, *self.failures.diagnostics()])
        return self.report

    # ---------------------------------------------------------------- compile check

    def _analyse(self, files: list[RegoFile]) -> None:
        """The static half of the compile check, over every file's AST (govcell.derive.policy.compile)."""
        from govcell.derive.policy.compile import Analysis, Source, builtin_probe

        self.analysis = Analysis([Source(f.path, f.text, f.package, f.module) for f in files],
                                 builtin_probe(self.regorus))
        self.analysis.check(self.failures)

    def _compile(self, engine: Any, packages: list[str], rules: list[str], path: str) -> bool:
        """The dynamic half: evaluate every rule of these packages once, without input (see policy_compile)."""
        from govcell.derive.policy.compile import evaluate_unit

        return evaluate_unit(engine, packages, rules, self.analysis, self.failures, path)

    def _engine_error(self, err: EngineError, origin: str) -> None:
        self.failures.add_error(err, rule=self.analysis.rule_at(err.file, err.line), origin=origin)

    # ---------------------------------------------------------------- files

    def _rego_paths(self, base: Path) -> list[str]:
        skip = [self.cell.root / d for d in self.testdata]
        out = []
        for p in base.rglob("*.rego"):
            if p.is_file() and not any(p.is_relative_to(s) for s in skip):
                out.append(p.relative_to(self.cell.root).as_posix())
        return sorted(out)

    def _version_for(self, rel: str) -> str:
        for pattern, version in sorted(self.cfg.rego_versions.items()):
            if rel == pattern or fnmatch.fnmatchcase(rel, pattern):
                return version
        return self.cfg.rego_version

    def _engine(self, version: str) -> Any:
        engine = self.regorus.Engine()
        engine.set_rego_v0(version == "v0")
        return engine

    def _evaluation_engine(self) -> Any:
        """An engine for evaluation: the configured ``policy.data`` is ``data.govcell``."""
        engine = self.regorus.Engine()
        engine.set_gather_prints(True)  # a policy's print() calls stay out of the findings
        if self.cfg.data:
            engine.add_data_json(json.dumps({"govcell": self.cfg.data}))
        return engine

    def _parse(self, rel: str) -> RegoFile | None:
        from govcell.load.yamlio import read_text

        read = read_text(self.cell.root, rel, max_bytes=self.cell.config.limits.max_file_bytes, code="policy")
        if read.text is None:
            self.found.extend(read.diagnostics)
            return None
        deepest, line, col = nesting(read.text)
        if deepest > MAX_NESTING:
            self.found.append(diag("policy.too-deep", f"{rel} nests [ and {{ {deepest} deep; the Rego engine's parser "
                                   f"takes time exponential in nesting, so files deeper than {MAX_NESTING} are not "
                                   "given to it", rel, line, col,
                                   hint="flatten the literal (build it from smaller rules), or move the data to "
                                        "policy.data (data.govcell)"))
            return None
        wanted = self._version_for(rel)
        attempts = ["v1", "v0"] if wanted == "auto" else [wanted]
        errors: list[EngineError] = []
        for version in attempts:
            engine = self._engine(version)
            try:
                with engine_stderr() as warnings:
                    package = call(engine.add_policy, rel, read.text, file=rel)
                modules = json.loads(call(engine.get_ast_as_json, file=rel))
            except EngineFailure as failure:
                errors.append(failure.error)
                continue
            for file, line, col, message in dict.fromkeys(warnings):
                self.found.append(diag("policy.parse-warning", f"{message} (parsed as Rego {version})", file or rel,
                                       line, col, severity=Severity.WARNING,
                                       hint="in Rego v0, add `import future.keywords.if` (or `import rego.v1`); "
                                            "or pin the file's version with policy.rego_versions"))
            rules, signals = _rules_from_ast(modules)
            return RegoFile(rel, read.text, version, package, rules, signals, is_test=rel.endswith("_test.rego"),
                            module=modules[0]["ast"] if modules else {})
        # Report the attempt that got furthest: that is the syntax the author meant.
        err = max(errors, key=lambda e: (e.line, e.col))
        tried = " and ".join(attempts)
        self.found.append(diag("policy.compile-error", f"{rel} does not compile as Rego {tried}: {err.message}",
                               rel, err.line, err.col,
                               hint="fix the syntax; set policy.rego_versions for this file if auto-detection "
                                    "picks the wrong Rego version"))
        return None

    def _queried(self, package: str) -> bool:
        return "*" in self.cfg.namespaces or package in self.cfg.namespaces

    def _classify(self, files: list[RegoFile]) -> tuple[list[RegoFile], list[RegoFile], list[RegoFile]]:
        policies, libraries, tests = [], [], []
        for f in files:
            if f.is_test:
                tests.append(f)
            elif self._queried(f.package_name) and any(r.kind in (*FAIL_RULES, *WARN_RULES) for r in f.rules):
                policies.append(f)
            else:
                libraries.append(f)
        return policies, libraries, tests

    def _duplicate_names(self, policies: list[RegoFile]) -> None:
        seen: dict[str, str] = {}
        for pf in policies:
            if pf.stem in seen:
                self.found.append(diag("policy.duplicate-name", f"policy name '{pf.stem}' is also {seen[pf.stem]}; "
                                       "fixtures and targets could not tell them apart", pf.path, 1, 1,
                                       hint="rename one of the files"))
            else:
                seen[pf.stem] = pf.path

    def _load(self, engine: Any, f: RegoFile) -> bool:
        engine.set_rego_v0(f.version == "v0")
        try:
            with engine_stderr():  # its parser warnings were reported when the file was first parsed
                call(engine.add_policy, f.path, f.text, file=f.path)
        except EngineFailure as failure:
            err = failure.error
            self.found.append(diag("policy.compile-error", f"{f.path}: {err.message}", err.file, err.line, err.col,
                                   hint="rules of the same name must agree across the files of a package"))
            return False
        return True

    def _policy_engine(self, pf: RegoFile, base: Any) -> Any | None:
        engine = call(base.clone)
        if not self._load(engine, pf):
            return None
        return engine

    # ---------------------------------------------------------------- evaluation

    def _eval(self, pf: RegoFile, engine: Any, data: Any, origin: str) -> tuple[list[Located], list[str]]:
        """conftest's query over one document: its messages, and the rule families that failed to evaluate.

        All families are asked for in one query; when that fails, each family
        is evaluated on its own, so a failing ``deny`` does not hide ``warn``.
        """
        families = sorted({r.name for r in pf.rules if r.kind in (*FAIL_RULES, *WARN_RULES)})
        query = "{" + ", ".join(f'"{n}": {pf.package}.{n}' for n in families) + "}"
        value: dict[str, Any] = {}
        failed: list[str] = []
        try:
            call(engine.set_input_json, json.dumps(data), file=pf.path)
        except EngineFailure as failure:  # a value JSON cannot carry to the engine
            self._engine_error(failure.error, origin)
            return [], families
        try:
            raw = json.loads(call(engine.eval_query_as_json, query, file=pf.path))
            results = raw.get("result") or []
            value = results[0]["expressions"][0]["value"] if results else {}
        except EngineFailure as first:
            if first.error.panic:
                self._engine_error(first.error, origin)
                return [], families
            for name in families:
                try:
                    raw = json.loads(call(engine.eval_query_as_json, f"{pf.package}.{name}", file=pf.path))
                except EngineFailure as failure:
                    failed.append(name)
                    self._engine_error(failure.error, origin)
                    continue
                results = raw.get("result") or []
                if results:
                    value[name] = results[0]["expressions"][0]["value"]
        messages: list[Located] = []
        for name in families:
            out = value.get(name)
            items = out if isinstance(out, list) else ([] if out in (None, False) else [out])
            messages.extend(self._message(pf, name, item) for item in items)
        return messages, failed

    def _message(self, pf: RegoFile, name: str, item: Any) -> Located:
        """The message of one result of rule ``name``, with the ``loc`` path it names in the document (if any)."""
        rule = rule_kind(name)
        if isinstance(item, str):
            return Message(item, rule), None
        if isinstance(item, dict) and isinstance(item.get("msg"), str):
            line = item.get("line") if isinstance(item.get("line"), int) else 0
            path = item.get("file") if isinstance(item.get("file"), str) else ""
            loc = item.get("loc")
            if isinstance(loc, list):
                return Message(item["msg"], rule), loc  # located in the document by the caller
            return Message(item["msg"], rule, line, path), None
        line = next((r.line for r in pf.rules if r.name == name), 1)
        self.found.append(diag("policy.bad-message", f"rule {name} of {pf.path} produced {json.dumps(item)[:80]}, "
                               "not a string or an object with a string 'msg'", pf.path, line, 1,
                               hint="return a message string (or {\"msg\": \"...\"}) from deny/violation/warn"))
        return Message(json.dumps(item, sort_keys=True), rule), None

    # ---------------------------------------------------------------- fixtures

    def _fixture_files(self) -> list[str]:
        out = []
        for directory in self.testdata:
            base = self.cell.root / directory
            if not base.is_dir():
                continue
            for p in sorted(base.iterdir()):
                if p.is_file() and p.suffix in FIXTURE_SUFFIXES and p.name != self.cfg.expectations:
                    out.append(p.relative_to(self.cell.root).as_posix())
        return out

    def _fixtures(self, names: list[str]) -> dict[str, list[str]]:
        owned: dict[str, list[str]] = {}
        for rel in self._fixture_files():
            owner = fixture_owner(Path(rel).name, names)
            if owner is None and self.only is not None:
                continue  # one policy alone: the others' fixtures are not orphans
            if owner is None:
                close = did_you_mean(Path(rel).name.split("_")[0].split(".")[0], names)
                self.found.append(diag("policy.fixture-orphan", f"fixture {rel} matches no policy "
                                       f"(policies: {', '.join(sorted(names)) or 'none'})", rel,
                                       hint="name fixtures <policy>_<case>.yaml" + (f"; {close}" if close else "")))
            else:
                owned.setdefault(owner, []).append(rel)
        return owned

    def _orphan_fixtures(self, names: list[str]) -> None:
        self._fixtures(names)

    def _expectations(self) -> dict[str, dict[str, list[str]]]:
        """``expectations.yaml``: fixture file name -> {failures: [...], warnings: [...]}."""
        from govcell.load.yamlio import load_yaml

        out: dict[str, dict[str, list[str]]] = {}
        for directory in self.testdata:
            rel = f"{directory}/{self.cfg.expectations}"
            loaded = load_yaml(self.cell.root, rel, required=False)
            if not loaded.present:
                continue
            self.found.extend(loaded.diagnostics)
            data = loaded.data or {}
            if not isinstance(data, dict):
                self.found.append(diag("policy.expectations", f"{rel} must map fixture names to "
                                       "{failures: [...], warnings: [...]}", rel, 1, 1))
                continue
            for name, spec in data.items():
                line, col = loaded.position((name,), key=True)
                fixture = f"{directory}/{name}"
                ok = isinstance(spec, dict) and set(spec) <= {"failures", "warnings"} and all(
                    isinstance(v, list) and all(isinstance(s, str) for s in v) for v in spec.values())
                if not ok:
                    self.found.append(diag("policy.expectations", f"expectations for {name} must be "
                                           "{failures: [strings], warnings: [strings]}", rel, line, col))
                elif not (self.cell.root / fixture).is_file():
                    self.found.append(diag("policy.expectations", f"expectations name {name}, which is not a "
                                           f"fixture in {directory}/", rel, line, col))
                else:
                    out[fixture] = spec
        return out

    def _run_fixtures(self, pf: RegoFile, result: PolicyResult, engine: Any, fixtures: list[str],
                      expectations: dict[str, dict[str, list[str]]]) -> None:
        from govcell.load.yamlio import read_text

        signals = {r.line: pf.signal_lines[r.line] for r in pf.rules
                   if r.kind in (*FAIL_RULES, *WARN_RULES) and r.line in pf.signal_lines}
        families = sorted({r.name for r in pf.rules if r.kind in (*FAIL_RULES, *WARN_RULES)})
        if not fixtures:
            self.found.append(diag("policy.no-fixtures", f"policy {pf.stem} has no fixtures in "
                                   f"{' or '.join(self.testdata)}", pf.path, 1, 1, severity=Severity.WARNING,
                                   hint=f"add {pf.stem}_valid.yaml (must pass) and {pf.stem}_<case>.yaml "
                                        "(must fail) fixtures"))
            return
        if not result.compiles:  # every evaluation would fail on the compile error already reported
            for rel in fixtures:
                result.fixtures.append(FixtureResult(rel, pf.stem, "pass" if is_valid_fixture(Path(rel).name)
                                                     else "fail", error="not evaluated: the policy does not compile"))
            return
        engine.set_enable_coverage(True)
        ran: dict[str, int] = dict.fromkeys(families, 0)  # family -> fixtures it was evaluated on
        missed: dict[str, list[str]] = {}  # family -> fixtures it could not be evaluated on
        for rel in fixtures:
            fx = FixtureResult(rel, pf.stem, "pass" if is_valid_fixture(Path(rel).name) else "fail")
            result.fixtures.append(fx)
            read = read_text(self.cell.root, rel, max_bytes=self.cell.config.limits.max_file_bytes,
                             code="file")
            docs, problems = ([], read.diagnostics) if read.text is None else \
                parse_documents(read.text, rel, "policy.fixture-syntax")
            if problems or not docs:
                self.found.extend(problems or [diag("policy.fixture-syntax", f"fixture {rel} holds no document",
                                                    rel, 1, 1, hint="a fixture is one JSON or YAML input")])
                fx.error = (problems[0].message if problems else "no document")
                for family in families:
                    missed.setdefault(family, []).append(rel)
                continue
            fx.documents = len(docs)
            failed: set[str] = set()
            for doc in docs:
                located, broken = self._eval(pf, engine, doc.data, f"fixture {rel}")
                messages = [m for m, _loc in located]
                failed.update(broken)
                fx.failures.extend(m.text for m in messages if m.rule in FAIL_RULES)
                fx.warnings.extend(m.text for m in messages if m.rule in WARN_RULES)
            fx.failures.sort()
            fx.warnings.sort()
            for family in families:
                if family in failed:
                    missed.setdefault(family, []).append(rel)
                else:
                    ran[family] += 1
            if failed:
                fx.error = f"evaluation failed ({', '.join(sorted(failed))})"
                continue
            fx.ok = self._judge(pf, fx, expectations.get(rel))
        if signals:
            self._dead_rules(pf, result, signals, self._coverage(engine, pf.path), ran, missed)

    def _dead_rules(self, pf: RegoFile, result: PolicyResult, signals: dict[int, int], covered: set[int],
                    ran: dict[str, int], missed: dict[str, list[str]]) -> None:
        """Rules that never fired: dead when every fixture was evaluated, else only *not covered*."""
        for r in pf.rules:
            if r.line not in signals or signals[r.line] in covered:
                continue
            if r.name in missed:
                result.uncovered_rules.append(UncoveredRule(r.name, r.line, sorted(missed[r.name])))
                continue
            result.dead_rules.append(DeadRule(r.name, r.line))
            self.found.append(diag(
                "policy.dead-rule", f"rule {r.name} of policy {pf.stem} never produced a result on any of "
                f"its {ran.get(r.name, 0)} fixture(s)", pf.path, r.line, 1,
                hint="add a fixture that trips it, or fix the rule (iterating an object's values where "
                     "its keys were meant is the classic cause)"))
        if result.uncovered_rules:
            gone = sorted({f for u in result.uncovered_rules for f in u.fixtures})
            which = {u.name: [] for u in result.uncovered_rules}  # type: dict[str, list[str]]
            for u in result.uncovered_rules:
                which[u.name].append(str(u.line))
            rules = "; ".join(f"{name} at line(s) {', '.join(lines)}" for name, lines in which.items())
            shown = ", ".join(gone[:3]) + (f" and {len(gone) - 3} more" if len(gone) > 3 else "")
            first = result.uncovered_rules[0]
            self.found.append(diag(
                "policy.uncovered-rules", f"{len(result.uncovered_rules)} rule(s) of policy {pf.stem} produced no "
                f"result on the fixtures that evaluated, and could not be checked on {shown}, which failed to "
                f"evaluate: {rules}", pf.path, first.line, 1, severity=Severity.INFO,
                hint="fix the error that stopped the fixture's evaluation (reported on its own); a rule that "
                     "still never fires is then reported as a dead rule"))

    def _judge(self, pf: RegoFile, fx: FixtureResult, pinned: dict[str, list[str]] | None) -> bool:
        ok = True
        if fx.expect == "pass" and fx.failures:
            ok = False
            self.found.append(diag("policy.fixture-unexpected-failure",
                                   f"fixture {fx.path} must pass policy {pf.stem} (its name says valid) but got: "
                                   + "; ".join(fx.failures), fx.path, 1, 1,
                                   hint="fix the fixture, or the rule that fires on it"))
        if fx.expect == "fail" and not fx.failures:
            ok = False
            self.found.append(diag("policy.fixture-no-failure",
                                   f"fixture {fx.path} must fail policy {pf.stem} but produced no failure",
                                   fx.path, 1, 1,
                                   hint="a fixture without the word 'valid' in its name must trip a deny/"
                                        "violation rule; rename it *_valid.* if it should pass"))
        if pinned is not None:
            fx.pinned = True
            for key, got in (("failures", fx.failures), ("warnings", fx.warnings)):
                if key in pinned and sorted(pinned[key]) != got:
                    ok = False
                    self.found.append(diag("policy.fixture-mismatch",
                                           f"fixture {fx.path} produced {key} {json.dumps(got)}, expected "
                                           f"{json.dumps(sorted(pinned[key]))}", fx.path, 1, 1,
                                           hint=f"update {self.cfg.expectations} or the policy"))
        return ok

    def _coverage(self, engine: Any, path: str) -> set[int]:
        report = json.loads(engine.get_coverage_report_as_json())
        mine: set[int] = set()
        for f in report.get("files", []):
            covered, total = self.coverage.setdefault(f["path"], (set(), set()))
            covered.update(f.get("covered", []))
            total.update(f.get("covered", []))
            total.update(f.get("not_covered", []))
            if f["path"] == path:
                mine.update(f.get("covered", []))
        return mine

    # ---------------------------------------------------------------- targets

    def _config_pos(self, loc: tuple[Any, ...]) -> tuple[int, int]:
        if self._config_yaml is None:
            from govcell.load.yamlio import load_yaml

            src = self.cell.config_source
            self._config_yaml = load_yaml(self.cell.root, src, required=False) if src and src.endswith(
                (".yaml", ".yml")) else False
        if not self._config_yaml:
            return (1, 1)
        return self._config_yaml.position(loc)  # type: ignore[no-any-return]

    def _unknown_target_policies(self, names: list[str]) -> None:
        for policy in sorted(self.cfg.targets):
            if policy not in names:
                hint = did_you_mean(policy, names) or f"policies: {', '.join(sorted(names)) or 'none'}"
                self.found.append(diag("policy.unknown-policy", f"policy.targets names policy '{policy}', which "
                                       f"does not exist in {self.policy_dir}/", self.config_path,
                                       *self._config_pos(("policy", "targets", policy)), hint=hint))

    def _run_targets(self, pf: RegoFile, result: PolicyResult, engine: Any) -> None:
        engine.set_enable_coverage(False)
        for index, target in enumerate(self.cfg.targets.get(pf.stem, [])):
            if target in BUILTIN_INPUTS:
                inputs = list(self._builtin(target))
            elif target in self.cfg.inputs:
                from govcell.derive.policy.inputs import Composer

                composer = self.__dict__.setdefault("_composer", Composer(self.cell, self.found, self.config_path,
                                                                          self._config_pos))
                inputs = composer.compose(target, self.cfg.inputs[target])
            else:
                inputs = list(self._glob_inputs(target, (pf.stem, index)))
            for path, docs in inputs:
                tr = TargetResult(pf.stem, target, path, len(docs))
                result.targets.append(tr)
                for doc in docs:
                    for m, loc in self._eval(pf, engine, doc.data, f"target {path}")[0]:
                        self._locate(m, loc, path, doc)
                        tr.messages.append(m)
                        severity = Severity.ERROR if m.rule in FAIL_RULES else Severity.WARNING
                        code = "policy.violation" if m.rule in FAIL_RULES else "policy.warning"
                        self.found.append(diag(code, f"{m.text} [policy {pf.stem}]", m.path, m.line, m.col or (1 if m.line else 0),
                                               severity=severity, hint=f"required by {pf.path}"))

    @staticmethod
    def _locate(m: Message, loc: list[Any] | None, path: str, doc: Document) -> None:
        if loc is not None:
            m.line, m.col = doc.position(loc)
            m.path = path
        elif not m.path:
            m.path = path
            m.line = m.line or doc.line

    def _glob_inputs(self, pattern: str, where: tuple[str, int]) -> Iterator[tuple[str, list[Document]]]:
        from govcell.load.yamlio import read_text

        root = self.cell.root
        matches = sorted(p.relative_to(root).as_posix() for p in root.glob(pattern)
                         if p.is_file() and ".git" not in p.relative_to(root).parts)
        if not matches:
            self.found.append(diag("policy.target-no-match", f"target '{pattern}' of policy {where[0]} matches no "
                                   "file", self.config_path, *self._config_pos(("policy", "targets") + where),
                                   hint="fix the glob (relative to the repository root), or remove the target"))
        for rel in matches:
            if not rel.endswith(FIXTURE_SUFFIXES):
                self.found.append(diag("policy.target-format", f"target {rel} is not .json, .yaml or .yml", rel,
                                       hint="policies read JSON or YAML inputs; narrow the glob"))
                continue
            read = read_text(root, rel, max_bytes=self.cell.config.limits.max_file_bytes, code="file")
            if read.text is None:
                self.found.extend(read.diagnostics)
                continue
            docs, problems = parse_documents(read.text, rel, "policy.target-syntax")
            self.found.extend(problems)
            yield rel, docs

    def _builtin(self, name: str) -> Iterator[tuple[str, list[Document]]]:
        cell = self.cell
        if name == "features":
            ledger = cell.ledger.model
            ac_ids = sorted(ac.id for _, _, ac in ledger.iter_acs()) if ledger else []
            records = feature_records(cell)
            where = records[0]["path"] if records else (cell.config.paths.features or ["features"])[0]
            yield where, [Document({"features": records, "ledger_ac_ids": ac_ids}, 1)]
            return
        loaded = getattr(cell, name)
        raw = loaded.raw
        if not raw.present or raw.data is None:
            return  # an absent optional file: nothing to judge (spec-ledger reports a missing ledger)
        yield raw.path, [Document(raw.data, 1, raw.marks)]

    # ---------------------------------------------------------------- opa test

    def _run_together(self, files: list[RegoFile], base: Any, libraries: list[RegoFile]) -> None:
        """Every file in one engine, as ``opa check`` and ``opa test`` load them.

        The engine's analysis runs over all the files at once (definitions of
        a package spread over several files must agree; the static half has
        compared their kinds, arities and defaults already), the helper rules
        of test files are evaluated once without input, and then every
        ``test_*`` rule runs, unless the files do not compile together: the
        compile finding says why, and the tests are listed as not run, not as
        failures of their own.
        """
        tests = any(r.kind == "test" for f in files for r in f.rules)
        if not tests and not any(f.is_test for f in files):
            return  # every file was compiled already, with the files it is evaluated with
        helpers = sorted({f"{f.package}.{r.name}" for f in files if f.is_test for r in f.rules
                          if r.kind != "test" and r.name in self.analysis.names(f.package)})
        engine = call(base.clone)
        loaded = libraries + [f for f in files if f not in libraries and self._load(engine, f)]
        loaded.sort(key=lambda f: f.path)
        compiles = self._compile(engine, [], helpers, files[0].path)
        if not tests:
            return
        engine.set_enable_coverage(True)
        seen: set[tuple[str, str]] = set()
        for f in loaded:
            for rule in f.rules:
                if rule.kind != "test" or (f.package, rule.name) in seen:
                    continue  # a test defined in several bodies is one test, as in opa test
                seen.add((f.package, rule.name))
                if not compiles:
                    self.report.tests.append(TestResult(f.package_name, rule.name, f.path, rule.line, False,
                                                        "not run: the policy files do not compile together"))
                    continue
                query = f"{f.package}.{rule.name}"
                error = ""
                try:
                    raw = json.loads(call(engine.eval_query_as_json, query, file=f.path))
                    results = raw.get("result") or []
                    passed = bool(results) and results[0]["expressions"][0]["value"] is not False
                except EngineFailure as failure:
                    passed, error = False, failure.error.message
                self.report.tests.append(TestResult(f.package_name, rule.name, f.path, rule.line, passed, error))
                if not passed:
                    what = f"errored: {error}" if error else "is false or undefined"
                    self.found.append(diag("policy.test-failed", f"test {f.package_name}.{rule.name} {what}",
                                           f.path, rule.line, 1,
                                           hint="a test_* rule must hold, as in `opa test`"))
        if compiles:
            self._coverage(engine, "")
