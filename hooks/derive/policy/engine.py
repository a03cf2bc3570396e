"""The state one policy run shares, and the engine calls every step makes through it.

``Context`` holds the cell, the findings so far, the engine failures (one
finding per cause, ``govcell.derive.policy.failures.Failures``) and the line
coverage gathered; its methods create and load engines and evaluate a policy
on one input document, as conftest queries it.  Discovery, fixtures, targets and
``opa test`` (the modules beside this one) are functions of a ``Context``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from govcell.diagnostics import Diagnostic, diag
from govcell.derive.policy.failures import EngineError, EngineFailure, Failures, call, engine_stderr
from govcell.derive.policy.model import FAMILIES, Message, PolicyReport, RegoFile, rule_kind

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.derive.policy.compile import Analysis

#: A message and the place in its document it names (``loc``), if it names one.
Located = tuple[Message, "list[Any] | None"]


class Context:
    """One evaluation of a cell's policies: what every step reads and adds to."""

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
        self.regorus: Any = None  # the engine module, once imported
        self.analysis: Analysis

    # ---------------------------------------------------------------- the configuration file

    def config_pos(self, loc: tuple[Any, ...]) -> tuple[int, int]:
        """(line, col) of a key of the policy configuration, for findings about it."""
        if self._config_yaml is None:
            from govcell.load.yamlio import load_yaml

            src = self.cell.config_source
            self._config_yaml = load_yaml(self.cell.root, src, required=False) if src and src.endswith(
                (".yaml", ".yml")) else False
        if not self._config_yaml:
            return (1, 1)
        pos: tuple[int, int] = self._config_yaml.position(loc)
        return pos

    # ---------------------------------------------------------------- compile check

    def analyse(self, files: list[RegoFile]) -> None:
        """The static half of the compile check, over every file's AST (govcell.derive.policy.compile)."""
        from govcell.derive.policy.compile import Analysis
        from govcell.derive.policy.rego_ast import Source

        self.analysis = Analysis([Source(f.path, f.text, f.package, f.module) for f in files],
                                 builtin_probe(self.regorus))
        self.analysis.check(self.failures)

    def compile(self, engine: Any, packages: list[str], rules: list[str], path: str) -> bool:
        """The dynamic half: evaluate every rule of these packages once, without input."""
        from govcell.derive.policy.compile import evaluate_unit

        return evaluate_unit(engine, packages, rules, self.analysis, self.failures, path)

    def engine_error(self, err: EngineError, origin: str) -> None:
        self.failures.add_error(err, rule=self.analysis.rule_at(err.file, err.line), origin=origin)

    # ---------------------------------------------------------------- engines

    def engine(self, version: str) -> Any:
        """A fresh engine parsing Rego ``version`` (v0 | v1)."""
        engine = self.regorus.Engine()
        engine.set_rego_v0(version == "v0")
        return engine

    def evaluation_engine(self) -> Any:
        """An engine for evaluation: the configured ``policy.data`` is ``data.govcell``."""
        engine = self.regorus.Engine()
        engine.set_gather_prints(True)  # a policy's print() calls stay out of the findings
        if self.cfg.data:
            engine.add_data_json(json.dumps({"govcell": self.cfg.data}))
        return engine

    def load(self, engine: Any, f: RegoFile) -> bool:
        """Add ``f`` to ``engine``; False (and a finding) when it does not compile beside what is loaded."""
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

    def policy_engine(self, pf: RegoFile, base: Any) -> Any | None:
        """A clone of ``base`` (data and libraries) with policy ``pf`` loaded; None when it does not load."""
        engine = call(base.clone)
        if not self.load(engine, pf):
            return None
        return engine

    def coverage_of(self, engine: Any, path: str) -> set[int]:
        """Add the engine's line coverage to the run's; the lines of ``path`` it covered."""
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

    # ---------------------------------------------------------------- evaluation

    def eval(self, pf: RegoFile, engine: Any, data: Any, origin: str) -> tuple[list[Located], list[str]]:
        """conftest's query over one document: its messages, and the rule families that failed to evaluate.

        A message may name its place in the document (``loc``, a list of keys
        and indexes), which the caller resolves against the document.

        All families are asked for in one query; when that fails, each family
        is evaluated on its own, so a failing ``deny`` does not hide ``warn``.
        """
        families = sorted({r.name for r in pf.rules if r.kind in FAMILIES})
        try:
            call(engine.set_input_json, json.dumps(data), file=pf.path)
        except EngineFailure as failure:  # a value JSON cannot carry to the engine
            self.engine_error(failure.error, origin)
            return [], families
        value, failed = self._query(pf, engine, families, origin)
        messages: list[Located] = []
        for name in families:
            out = value.get(name)
            items = out if isinstance(out, list) else ([] if out in (None, False) else [out])
            for item in items:
                messages.append(self._message(pf, name, item))
        return messages, failed

    def _query(self, pf: RegoFile, engine: Any, families: list[str],
               origin: str) -> tuple[dict[str, Any], list[str]]:
        """The value of every family at once, or else of each on its own; and the families that failed."""
        query = "{" + ", ".join(f'"{n}": {pf.package}.{n}' for n in families) + "}"
        try:
            results = json.loads(call(engine.eval_query_as_json, query, file=pf.path)).get("result") or []
            return (results[0]["expressions"][0]["value"] if results else {}), []
        except EngineFailure as first:
            if first.error.panic:
                self.engine_error(first.error, origin)
                return {}, families
        value: dict[str, Any] = {}
        failed: list[str] = []
        for name in families:
            try:
                raw = json.loads(call(engine.eval_query_as_json, f"{pf.package}.{name}", file=pf.path))
            except EngineFailure as failure:
                failed.append(name)
                self.engine_error(failure.error, origin)
                continue
            results = raw.get("result") or []
            if results:
                value[name] = results[0]["expressions"][0]["value"]
        return value, failed

    def _message(self, pf: RegoFile, name: str, item: Any) -> Located:
        rule = rule_kind(name)
        if isinstance(item, str):
            return Message(item, rule), None
        if isinstance(item, dict) and isinstance(item.get("msg"), str):
            loc = item.get("loc")
            if isinstance(loc, list):
                return Message(item["msg"], rule), loc
            line, path = item.get("line"), item.get("file")
            return Message(item["msg"], rule, line if isinstance(line, int) else 0,
                           path if isinstance(path, str) else ""), None
        line = next((r.line for r in pf.rules if r.name == name), 1)
        self.found.append(diag("policy.bad-message", f"rule {name} of {pf.path} produced {json.dumps(item)[:80]}, "
                               "not a string or an object with a string 'msg'", pf.path, line, 1,
                               hint="return a message string (or {\"msg\": \"...\"}) from deny/violation/warn"))
        return Message(json.dumps(item, sort_keys=True), rule), None


_PROBES: dict[tuple[str, int], tuple[str, int]] = {}
_EXPECTS = re.compile(r"expects (\d+) argument")


def builtin_probe(regorus: Any) -> Callable[[str, int], tuple[str, int]]:
    """Ask the engine itself whether ``name`` is a builtin taking ``n`` arguments (cached per process).

    Answers ("ok", n), ("unknown", 0) or ("arity", expected).  The probe calls
    the builtin with null arguments: every builtin rejects those before it
    does anything (``http.send`` too), and prints are gathered, not shown.
    """
    engine: list[Any] = []

    def probe(name: str, n: int) -> tuple[str, int]:
        key = (name, n)
        if key not in _PROBES:
            if not engine:
                engine.append(regorus.Engine())
                engine[0].set_gather_prints(True)
            try:
                call(engine[0].eval_query_as_json, f"__govcell_probe := {name}({', '.join(['null'] * n)})")
                _PROBES[key] = ("ok", n)
            except EngineFailure as f:
                m = _EXPECTS.search(f.error.message)
                if "could not find function" in f.error.message:
                    _PROBES[key] = ("unknown", 0)
                elif m:
                    _PROBES[key] = ("arity", int(m.group(1)))
                else:
                    _PROBES[key] = ("ok", n)  # a type error on null arguments: the builtin exists
        return _PROBES[key]

    return probe
