"""Policies as code: conftest-style Rego policies run by an embedded engine.

The engine is regorus (PyPI ``gordon-to-regorus``, imported as ``regorus``), a
Rust Rego interpreter: no Go binary and no network.  It is imported only here,
and only when a cell has policies, so every other hook starts without it; on a
platform with no wheel the policy check says what to install and the other
checks still run.

What ``evaluate`` does, in conftest's and ``opa test``'s terms (each step in
its own module beside this one: ``discover``, ``fixtures``, ``targets``,
``compile``; their shared state is ``engine.Context``; the results ``model``):

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

The result is a ``PolicyReport`` (also used by the site), cached by ``Analysis.policy_report``;
``govcell.derive.policy.start`` runs it in its child.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from govcell.diagnostics import Severity, diag
from govcell.derive.policy import discover
from govcell.derive.policy.failures import EngineFailure, call, engine_stderr
from govcell.derive.policy.engine import Context
from govcell.derive.policy.fixtures import run_fixtures
from govcell.derive.policy.model import FileCoverage, PolicyReport, PolicyResult, RegoFile, TestResult
from govcell.derive.policy.targets import run_targets, unknown_target_policies

if TYPE_CHECKING:
    from govcell.cell import Cell

INSTALL_HINT = ("install the embedded Rego engine: pip install gordon-to-regorus (wheels exist for Linux "
                "x86_64 with glibc >= 2.34, macOS and Windows); elsewhere set 'policy.*': off in the "
                "config severity map, or run this check on a supported machine")


def evaluate(cell: Cell, only: str | None) -> PolicyReport:
    """The report of every policy of ``cell`` (``only``: one policy's, by stem), computed here and now.

    What the policy child runs (``govcell.derive.policy.start``, which starts it).
    """
    return _Run(cell, only=only).run()


class _Run(Context):
    """One evaluation of a cell's policies: the driver of the steps."""

    def run(self) -> PolicyReport:
        base = self.cell.root / self.policy_dir
        if not base.exists():
            if self.cfg.targets:
                self.found.append(diag("policy.missing-dir", f"policy targets are configured but "
                                       f"{self.policy_dir}/ does not exist", self.config_path,
                                       *self.config_pos(("policy", "targets")),
                                       hint="create the policy directory, or remove policy.targets"))
            return self._done()
        paths = discover.rego_paths(self.cell)
        if not paths:
            self.found.append(diag("policy.empty-dir", f"{self.policy_dir}/ holds no .rego policy", self.policy_dir,
                                   severity=Severity.WARNING,
                                   hint="add a policy (e.g. policy/main.rego with deny rules), or remove the "
                                        "empty directory"))
            discover.fixtures(self, [])  # every fixture is an orphan
            return self._done()
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
        files = [f for f in (discover.parse(self, rel) for rel in paths) if f is not None]
        policies, libraries, _tests = discover.classify(self, files)
        self.analyse(files)
        base = self.evaluation_engine()  # the data and the libraries, parsed once, cloned for each use
        if all([self.load(base, lib) for lib in libraries]) and libraries:  # noqa: C419 - load every one
            # the libraries on their own, so an error in one is found even with no policy
            self.compile(call(base.clone), sorted({lib.package for lib in libraries}), [], libraries[0].path)
        if self.only is not None:
            # one policy alone (naming the one that crashed the engine): no tests, no cross-file checks
            policies = [p for p in policies if p.stem == self.only]
            self.found = [d for d in self.found if any(d.path == p.path for p in policies)]
        names = [p.stem for p in policies]
        fixtures = discover.fixtures(self, names)
        expectations = discover.expectations(self)
        for pf in policies:
            result = PolicyResult(pf.stem, pf.path, pf.package_name, pf.version, pf.rules)
            self.report.policies.append(result)
            engine = self.policy_engine(pf, base)
            if engine is None:
                continue
            result.compiles = self.compile(engine, [pf.package], [], pf.path)
            run_fixtures(self, pf, result, engine, fixtures.get(pf.stem, []), expectations)
            if result.compiles:
                run_targets(self, pf, result, engine)
        if self.only is not None:
            return self._done()
        unknown_target_policies(self, names)
        self._run_together(files, base, libraries)
        self.report.coverage = [FileCoverage(p, sorted(c), sorted(n - c))
                                for p, (c, n) in sorted(self.coverage.items())]
        return self._done()

    def _done(self) -> PolicyReport:
        from govcell.diagnostics import apply_policy

        self.report.diagnostics = apply_policy([*self.found, *self.failures.diagnostics()])
        return self.report

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
        loaded = libraries + [f for f in files if f not in libraries and self.load(engine, f)]
        loaded.sort(key=lambda f: f.path)
        compiles = self.compile(engine, [], helpers, files[0].path)
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
            self.coverage_of(engine, "")
