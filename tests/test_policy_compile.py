"""govcell.derive.policy.compile (with failures, rego_ast): every .rego file is compiled as `opa check` would.

Each error class has a small real policy, in Rego v1 and v0, in a cell under
``tmp_path``; none has a fixture or a target, so only the compile check can
find the error.  The reference cell (the Rust template's ``policy/``) is
checked as its users have it.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest

from govcell.cell import Cell
from govcell.derive.analysis import Analysis
from govcell.diagnostics import Diagnostic, Severity
from govcell.derive.policy.start import build_report
from tests.conftest import REPO_ROOT, CellBuilder, run_command

V1 = "package main\nimport rego.v1\n\n"
V0 = "package main\n\n"

#: name -> (files, expected (code, path, line, col) of the compile findings)
CASES: dict[str, tuple[dict[str, str], list[tuple[str, str, int, int]]]] = {
    "unsafe body var, v1": (
        {"policy/main.rego": V1 + 'deny contains msg if {\n  count(input.items) > limit\n  msg := "too many"\n}\n'},
        [("policy.unsafe-var", "policy/main.rego", 5, 24)]),
    "unsafe body var, v0": (
        {"policy/main.rego": V0 + 'deny[msg] {\n  x > 1\n  msg := "x"\n}\n'},
        [("policy.unsafe-var", "policy/main.rego", 4, 3)]),
    "unsafe head var, v0": (
        {"policy/main.rego": V0 + 'deny[msg] {\n  input.kind == "Pod"\n}\n'},
        [("policy.unsafe-var", "policy/main.rego", 3, 6)]),
    "unsafe head var, v1": (
        {"policy/main.rego": V1 + 'deny contains msg if {\n  input.kind == "Pod"\n  mgs := "typo"\n}\n'},
        [("policy.unsafe-var", "policy/main.rego", 4, 15)]),
    "unsafe head var of an else branch, v1": (
        {"policy/main.rego": V1 + 'level := 1 if input.a else := other\n\ndeny contains "x" if level > 1\n'},
        [("policy.unsafe-var", "policy/main.rego", 4, 31)]),
    "undefined function, v1": (
        {"policy/main.rego": V1 + 'deny contains msg if {\n  input.kind == "Pod"\n'
                                  '  not startswith_any(input.image, ["registry/"])\n  msg := "x"\n}\n'},
        [("policy.undefined-function", "policy/main.rego", 6, 7)]),
    "two undefined functions on one line, v1": (
        {"policy/main.rego": V1 + 'deny contains msg if {\n  input.a\n  msg := no_such(also_none(input.a))\n}\n'},
        [("policy.undefined-function", "policy/main.rego", 6, 10),
         ("policy.undefined-function", "policy/main.rego", 6, 18)]),
    "builtin removed from Rego, v0": (
        {"policy/main.rego": V0 + 'deny[msg] {\n  re_match("^latest$", input.tag)\n  msg := "latest"\n}\n'},
        [("policy.undefined-function", "policy/main.rego", 4, 3)]),
    "undefined function of an imported package, v1": (
        {"policy/main.rego": V1.replace("\n\n", "\nimport data.lib.naming\n\n")
         + 'deny contains "bad name" if {\n  input.name\n  not naming.is_kebab(input.name)\n}\n',
         "policy/lib/naming.rego": "package lib.naming\nimport rego.v1\n\nkebab(s) if regex.match(`^[a-z-]+$`, s)\n"},
        [("policy.undefined-function", "policy/main.rego", 7, 7)]),
    "builtin with the wrong number of arguments, v0": (
        {"policy/main.rego": V0 + 'deny[msg] {\n  input.bad\n  msg := concat(",")\n}\n'},
        [("policy.wrong-arity", "policy/main.rego", 5, 10)]),
    "own function with the wrong number of arguments, v1": (
        {"policy/main.rego": V1 + 'tag(image) := split(image, ":")[1]\n\n'
                                  'deny contains msg if {\n  input.image\n  msg := tag(input.image, 2)\n}\n'},
        [("policy.wrong-arity", "policy/main.rego", 8, 10)]),
    "misspelt rule name, v0": (
        {"policy/main.rego": V0 + 'required_labels := {"app"}\n\n'
                                  'deny[msg] {\n  label := required_label[_]\n  not input.labels[label]\n'
                                  '  msg := label\n}\n'},
        [("policy.unsafe-var", "policy/main.rego", 6, 12)]),
    "undefined reference into a loaded package, v1": (
        {"policy/main.rego": V1 + 'deny contains "x" if {\n  some n in data.lib.naming.allowd\n  input.name == n\n}\n',
         "policy/lib/naming.rego": 'package lib.naming\nimport rego.v1\n\nallowed := {"a"}\n'},
        [("policy.undefined-ref", "policy/main.rego", 5, 13)]),
    "undefined import, v0": (
        {"policy/main.rego": V0.replace("\n\n", "\nimport data.lib.naming.nope\n\n")
         + 'deny[msg] {\n  nope.x\n  msg := "x"\n}\n',
         "policy/lib/naming.rego": 'package lib.naming\n\nallowed := {"a"}\n'},
        [("policy.undefined-ref", "policy/main.rego", 2, 8)]),
    "two defaults, v1": (
        {"policy/main.rego": V1 + 'default level := "low"\ndefault level := "high"\n\n'
                                  'deny contains level if input.bad\n'},
        [("policy.conflicting-rules", "policy/main.rego", 5, 1)]),
    "conflicting complete-rule values, v1": (
        {"policy/main.rego": V1 + 'limit := 1\nlimit := 2\n\ndeny contains "x" if count(input.items) > limit\n'},
        [("policy.conflicting-rules", "policy/main.rego", 5, 1)]),
    "a set and a complete rule of one name, v0": (
        {"policy/main.rego": V0 + 'kind := "pod"\nkind[x] { x := input.kind }\n\ndeny[msg] {\n  input.bad\n'
                                  '  msg := "bad"\n}\n'},
        [("policy.conflicting-rules", "policy/main.rego", 4, 1)]),
    "a set and a complete rule in two files of one package, v1": (
        {"policy/main.rego": V1 + 'deny contains "x" if input.bad\n',
         "policy/lib/a.rego": 'package lib\nimport rego.v1\n\nkinds := {"pod"}\n',
         "policy/lib/b.rego": 'package lib\nimport rego.v1\n\nkinds contains "job"\n'},
        [("policy.conflicting-rules", "policy/lib/b.rego", 4, 1)]),
    "a function and a value of one name, v1": (
        {"policy/main.rego": V1 + 'owner := "me"\nowner(x) := x\n\ndeny contains "x" if input.bad\n'},
        [("policy.conflicting-rules", "policy/main.rego", 5, 1)]),
    "a function with two arities in two files, v0": (
        {"policy/main.rego": V0 + 'deny[msg] {\n  input.bad\n  msg := "bad"\n}\n',
         "policy/lib/a.rego": "package lib\n\nf(x) = x { true }\n",
         "policy/lib/b.rego": "package lib\n\nf(x, y) = x { y }\n"},
        [("policy.conflicting-rules", "policy/lib/b.rego", 3, 1)]),
    "recursion, v1": (
        {"policy/main.rego": V1 + "a if b\nb if a\n\ndeny contains \"x\" if a\n\nwarn contains \"y\" if b\n"},
        [("policy.recursion", "policy/main.rego", 4, 1)]),
    "parse error, v1": (
        {"policy/main.rego": V1 + "deny contains msg if {\n  input.x ==\n}\n"},
        [("policy.compile-error", "policy/main.rego", 6, 1)]),
    "parse error, v0": (
        {"policy/main.rego": V0 + 'deny[msg] {\n  input.bad\n  msg := "bad"\n'},
        [("policy.compile-error", "policy/main.rego", 6, 1)]),
    "an error in a library no policy imports": (
        {"policy/lib/util.rego": "package lib.util\nimport rego.v1\n\nclean(s) := t if {\n  t := trim(s, pad)\n}\n"},
        [("policy.unsafe-var", "policy/lib/util.rego", 5, 16)]),
    "an error in a test file's helper": (
        {"policy/main.rego": V1 + 'deny contains "x" if input.bad\n',
         "policy/main_test.rego": "package main_test\nimport rego.v1\nimport data.main\n\n"
                                  "sample := {\"bad\": tru}\n\ntest_bad if main.deny with input as sample\n"},
        [("policy.unsafe-var", "policy/main_test.rego", 5, 19)]),
}


def _compile_findings(found: list[Diagnostic]) -> list[tuple[str, str, int, int]]:
    return [(d.code, d.path, d.line, d.col) for d in found
            if d.code not in ("policy.no-fixtures", "policy.test-failed")]


@pytest.mark.parametrize("name", list(CASES))
def test_each_error_class_is_one_located_finding_without_any_fixture(cell: CellBuilder, name: str) -> None:
    files, expected = CASES[name]
    for rel, text in files.items():
        cell.write(rel, text)
    found = Analysis(Cell(cell.root)).policy_report.diagnostics
    assert _compile_findings(found) == expected, [f"{d.location}: {d.code}: {d.message}" for d in found]
    for d in found:
        if d.code != "policy.no-fixtures":
            assert d.severity is Severity.ERROR and d.message and d.hint, d
            assert "Stack backtrace" not in d.message and "-->" not in d.message, d


def test_the_error_messages_say_what_opa_check_would(cell: CellBuilder) -> None:
    for rel, text in {**CASES["misspelt rule name, v0"][0]}.items():
        cell.write(rel, text)
    cell.write("policy/other.rego", "package other\nimport rego.v1\n\nx := startswith_all(input.a, \"b\")\n"
                                    "y := data.main.required_labelz\n")
    cell.write(".govcell.yaml", "policy:\n  namespaces: [main, other]\n")
    messages = {d.code: d.message for d in Analysis(Cell(cell.root)).policy_report.diagnostics}
    assert messages["policy.unsafe-var"] == ("use of undefined variable `required_label` is unsafe; did you mean "
                                             "'required_labels'? (in rule deny)")
    assert messages["policy.undefined-function"] == "undefined function startswith_all (in rule x)"
    assert messages["policy.undefined-ref"] == ("undefined reference data.main.required_labelz: package data.main "
                                                "has no rule required_labelz; did you mean 'required_labels'? "
                                                "(in rule y)")


VALID = {
    "policy/main.rego": V1.replace("\n\n", "\nimport data.lib.util as u\nimport data.govcell.limits\n\n") + """\
default allow := false

allow if count(deny) == 0

max_items := object.get(limits, "max", 10)

labels[k] := v if {
	some k, v in input.labels
}

tags.pinned contains t if {
	some t in input.tags
	u.pinned(t)
}

level := "high" if input.prod else := "low"

deny contains msg if {
	count(input.items, n)
	n > max_items
	split(input.name, "-", parts)
	msg := sprintf("%s: %d items (max %d), %d name parts", [input.name, n, max_items, count(parts)])
}

deny contains msg if {
	some i
	input.containers[i].privileged
	every c in input.containers { c.name != "" }
	names := [c.name | some c in input.containers]
	msg := {"msg": concat(",", names), "loc": ["containers", i]}
}

deny contains sprintf("bad label %s", [k]) if {
	some k, _ in labels
	startswith(k, "tmp-")
	print("debug", k)
}

warn contains msg if {
	x = input.owner
	msg := sprintf("owner %v", [x])
}
""",
    "policy/lib/util.rego": "package lib.util\nimport rego.v1\n\npinned(t) if contains(t, \"@sha256:\")\n\n"
                            "pinned(t) if regex.match(`:[0-9]`, t)\n",
    "policy/legacy.rego": V0 + """\
import future.keywords.in

deny[msg] {
    some name
    input.env[name]
    not name in {"PATH"}
    msg := sprintf("env %s", [name])
}

violation[{"msg": m}] {
    input.bad
    m := "bad"
}
""",
    "policy/main_test.rego": "package main_test\nimport rego.v1\nimport data.main\n\n"
                            "test_allow if main.allow with input as {}\n",
}


def test_valid_policies_give_no_compile_finding(cell: CellBuilder) -> None:
    """No false positives: output arguments, else, ref heads, every, comprehensions, imports, data.govcell, print."""
    for rel, text in VALID.items():
        cell.write(rel, text)
    cell.write(".govcell.yaml", "policy:\n  data: {limits: {max: 3}}\n")
    report = Analysis(Cell(cell.root)).policy_report
    assert [d for d in report.diagnostics if d.code != "policy.no-fixtures"] == []
    assert [t.passed for t in report.tests] == [True]


def test_a_library_error_is_one_finding_for_every_policy_that_loads_it(cell: CellBuilder) -> None:
    cell.write("policy/lib/util.rego",
               "package lib.util\nimport rego.v1\n\nclean(s) := t if {\n  t := trim(s, pad)\n}\n")
    for name in ("a", "b", "c"):
        cell.write(f"policy/{name}.rego", V1 + f'deny contains "{name}" if input.{name}\n')
        cell.write(f"policy/testdata/{name}_bad.json", f'{{"{name}": true}}\n')
    report = Analysis(Cell(cell.root)).policy_report
    assert _compile_findings(report.diagnostics) == [("policy.unsafe-var", "policy/lib/util.rego", 5, 16)]
    assert all(not p.compiles and p.dead_rules == [] and p.uncovered_rules == [] for p in report.policies)
    assert {f.error for p in report.policies for f in p.fixtures} == {"not evaluated: the policy does not compile"}


def test_an_error_the_static_check_and_a_fixture_both_find_is_one_finding(cell: CellBuilder) -> None:
    cell.write("policy/main.rego", V1 + "deny contains msg if {\n  msg := no_such_function(input)\n}\n")
    cell.write("policy/testdata/main_bad.json", '{"bad": true}\n')
    cell.write("policy/testdata/main_worse.json", '{"worse": true}\n')
    report = Analysis(Cell(cell.root)).policy_report
    assert [(d.code, d.line, d.col) for d in report.diagnostics] == [("policy.uncovered-rules", 4, 1),
                                                                      ("policy.undefined-function", 5, 10)]
    assert {f.error for f in report.policies[0].fixtures} == {"evaluation failed (deny)"}


class _CountingEngine:
    """A regorus Engine that counts the queries it is asked (or raises a fake Rust panic on one)."""

    queries: ClassVar[list[str]] = []
    panic_on: str | None = None
    real: Any = None

    def __init__(self) -> None:
        self._engine = self.real()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)

    def clone(self) -> _CountingEngine:
        twin = object.__new__(type(self))
        twin._engine = self._engine.clone()
        return twin

    def eval_query_as_json(self, query: str) -> str:
        type(self).queries.append(query)
        if self.panic_on is not None and self.panic_on in query:
            raise _PanicException("called `Option::unwrap()` on a `None` value")
        return str(self._engine.eval_query_as_json(query))


class _PanicException(BaseException):
    """What pyo3 raises for a Rust panic: a BaseException, so `except Exception` misses it."""


_PanicException.__name__ = "PanicException"


@pytest.fixture
def counting_engine(monkeypatch: pytest.MonkeyPatch) -> type[_CountingEngine]:
    import regorus

    import govcell.derive.policy.isolation

    monkeypatch.setattr(govcell.derive.policy.isolation, "ISOLATE", False)  # the counts are this process's
    monkeypatch.setattr(_CountingEngine, "queries", [])
    monkeypatch.setattr(_CountingEngine, "panic_on", None)
    monkeypatch.setattr(_CountingEngine, "real", regorus.Engine)
    monkeypatch.setattr(regorus, "Engine", _CountingEngine)
    return _CountingEngine


def test_the_compile_check_evaluates_each_package_once_when_nothing_fails(
        cell: CellBuilder, counting_engine: type[_CountingEngine]) -> None:
    cell.write("policy/main.rego", V1 + 'deny contains "a" if input.a\n\ndeny contains "b" if input.b\n\n'
                                        'warn contains "w" if input.w\n\nhelper := 1\n')
    cell.write("policy/testdata/main_a.json", '{"a": true}\n')
    cell.write("policy/testdata/main_valid.json", "{}\n")
    assert Analysis(Cell(cell.root)).policy_report.diagnostics == []
    fixture_query = '{"deny": data.main.deny, "warn": data.main.warn}'
    assert counting_engine.queries == ["true", "data.main", fixture_query, fixture_query]


def test_a_rust_panic_is_a_finding_never_a_traceback(cell: CellBuilder,
                                                     counting_engine: type[_CountingEngine]) -> None:
    cell.write("policy/main.rego", V1 + 'deny contains "a" if input.a\n')
    cell.write("policy/testdata/main_a.json", '{"a": true}\n')
    counting_engine.panic_on = "data.main"
    result = run_command(["govcell", "check", "policy-test", "--root", str(cell.root)], cell.root)
    assert result.code == 1 and "Traceback" not in result.output, result.output
    assert "policy.compile-error: the Rego engine crashed (Rust panic: called `Option::unwrap()` on a `None` value)" \
        in result.output
    assert "this is a bug in the regorus engine" in result.output


def test_engine_warnings_are_findings_not_stderr(cell: CellBuilder, capfd: pytest.CaptureFixture[str]) -> None:
    cell.write("policy/main.rego", V0 + 'deny[msg] {\n  input.a\n  msg := "a"\n}\n\nlimit := 1\nif := 2\n')
    cell.write("policy/broken.rego", "package broken\n\np if {\n  input.a ==\n}\n")
    found = build_report(Cell(cell.root)).diagnostics
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
    warning = next(d for d in found if d.code == "policy.parse-warning")
    assert (warning.path, warning.line, warning.col, warning.severity) == ("policy/main.rego", 9, 1, Severity.WARNING)
    assert "`if` will be treated as identifier" in warning.message


def test_a_deeply_nested_literal_is_refused_before_the_parser_hangs(cell: CellBuilder) -> None:
    """regorus parses ``[[[...]]]`` in time exponential in its depth (20 levels: over 30 s)."""
    cell.write("policy/main.rego", V1 + 'deny contains "x" if input.bad\n\nshape := ' + "[" * 20 + "]" * 20 + "\n")
    cell.write("policy/lib/ok.rego", "package lib\nimport rego.v1\n\nshape := " + "[" * 12 + "]" * 12 + "\n")
    started = time.perf_counter()
    found = Analysis(Cell(cell.root)).policy_report.diagnostics
    assert time.perf_counter() - started < 5
    assert [(d.code, d.path, d.line, d.col) for d in found] == [("policy.too-deep", "policy/main.rego", 6, 29)]
    assert "nests [ and { 20 deep" in found[0].message


K8S_LIKE = V0 + """\
required_labels := ["app", "team"]

missing_label := label {
    label := required_labels[_]
    not input.metadata.labels[label]
}

deny[msg] {
    input.kind == "Deployment"
    l := missing_label
    msg := sprintf("missing label %s", [l])
}

deny[msg] {
    input.kind == "Deployment"
    not input.spec.replicas
    msg := "no replicas"
}

warn[msg] {
    input.kind == "Deployment"
    input.spec.replicas == 1
    msg := "one replica"
}

warn[msg] {
    input.kind == "Deployment"
    input.spec.replicas > 100
    msg := "too many replicas"
}
"""


def test_a_fixture_that_fails_to_evaluate_leaves_rules_uncovered_not_dead(cell: CellBuilder) -> None:
    cell.write("policy/k8s.rego", K8S_LIKE)
    cell.write("policy/testdata/k8s_valid.yaml", "kind: Deployment\nmetadata: {labels: {app: a, team: t}}\n"
                                                 "spec: {replicas: 2}\n")
    cell.write("policy/testdata/k8s_one_label.yaml", "kind: Deployment\nmetadata: {labels: {app: a}}\n"
                                                     "spec: {replicas: 1}\n")
    cell.write("policy/testdata/k8s_no_labels.yaml", "kind: Deployment\nmetadata: {labels: {}}\nspec: {}\n")
    report = Analysis(Cell(cell.root)).policy_report
    (policy,) = report.policies
    by_code: dict[str, list[Diagnostic]] = {}
    for d in report.diagnostics:
        by_code.setdefault(d.code, []).append(d)
    assert sorted(by_code) == ["policy.dead-rule", "policy.eval-error", "policy.uncovered-rules"]
    (error,) = by_code["policy.eval-error"]
    assert (error.path, error.line, error.severity) == ("policy/k8s.rego", 5, Severity.ERROR)
    assert error.message == ("rule missing_label failed on fixture policy/testdata/k8s_no_labels.yaml and with no "
                             "input: rules must not produce multiple outputs")
    # the second deny rule fired on no fixture that evaluated; k8s_no_labels (which would trip it) could not
    (uncovered,) = by_code["policy.uncovered-rules"]
    assert (uncovered.line, uncovered.severity) == (16, Severity.INFO)
    assert [(u.name, u.line, u.fixtures) for u in policy.uncovered_rules] == [
        ("deny", 16, ["policy/testdata/k8s_no_labels.yaml"])]
    # warn evaluated on all three fixtures: the rule that never fired is dead, on 3 fixtures
    (dead,) = by_code["policy.dead-rule"]
    assert (dead.line, dead.message) == (28, "rule warn of policy k8s never produced a result on any of its 3 "
                                             "fixture(s)")
    no_labels = next(f for f in policy.fixtures if f.path.endswith("k8s_no_labels.yaml"))
    assert (no_labels.ok, no_labels.error, no_labels.warnings) == (False, "evaluation failed (deny)", [])
    one_label = next(f for f in policy.fixtures if f.path.endswith("k8s_one_label.yaml"))
    assert (one_label.ok, one_label.failures, one_label.warnings) == (True, ["missing label team"], ["one replica"])


def test_a_rule_that_fails_only_without_input_is_a_warning(cell: CellBuilder) -> None:
    cell.write("policy/main.rego", K8S_LIKE.replace('input.kind == "Deployment"\n    l := missing_label',
                                                    'l := missing_label'))
    cell.write("policy/testdata/main_valid.yaml", "kind: Deployment\nmetadata: {labels: {app: a, team: t}}\n"
                                                  "spec: {replicas: 2}\n")
    cell.write("policy/testdata/main_bad.yaml", "kind: Deployment\nmetadata: {labels: {app: a}}\nspec: {replicas: 3}\n")
    found = [d for d in Analysis(Cell(cell.root)).policy_report.diagnostics if d.code == "policy.eval-error"]
    assert [(d.line, d.severity) for d in found] == [(5, Severity.WARNING)]
    assert found[0].message == ("rule missing_label fails when evaluated with no input: rules must not produce "
                                "multiple outputs")


# --------------------------------------------------------------------------- the reference cell


def test_the_reference_cells_policies_are_compiled_and_reported_honestly(reference_cell: Path,
                                                                          tmp_path: Path) -> None:
    """The Rust template's policy/: one genuine compile error, one genuine evaluation error, the rest as it is."""
    started = time.perf_counter()
    report = build_report(Cell(reference_cell))
    elapsed = time.perf_counter() - started
    found = report.diagnostics
    assert "Stack backtrace" not in json.dumps([d.as_dict() for d in found])
    # flags_warn.rego is `warn[msg]{f:=input.flags[_]; f.expires_at!=""; true}`: msg is never bound
    unsafe = [d for d in found if d.code == "policy.unsafe-var"]
    assert [(d.path, d.line, d.col) for d in unsafe] == [("policy/flags_warn.rego", 2, 6)]
    # k8s.rego's missing_required_label is a complete rule with one value per missing label: one finding,
    # for the fixture that has two missing labels
    (error,) = [d for d in found if d.code == "policy.eval-error"]
    assert (error.path, error.line, error.severity) == ("policy/k8s.rego", 73, Severity.ERROR)
    assert "rule missing_required_label failed on fixture policy/testdata/k8s_no_labels.yaml" in error.message
    # the k8s deny rules that no other fixture trips are not called dead: the failing fixture might trip them
    k8s = next(p for p in report.policies if p.name == "k8s")
    assert len(k8s.uncovered_rules) == 16 and {u.name for u in k8s.uncovered_rules} == {"deny"}
    assert all(u.fixtures == ["policy/testdata/k8s_no_labels.yaml"] for u in k8s.uncovered_rules)
    (uncovered,) = [d for d in found if d.code == "policy.uncovered-rules"]
    assert uncovered.severity is Severity.INFO and uncovered.message.startswith("16 rule(s) of policy k8s")
    dead = sorted((d.path, d.line) for d in found if d.code == "policy.dead-rule")
    # k8s warn rules evaluated on all 16 fixtures; llm.rego iterates task values as if they were names
    assert dead == [("policy/k8s.rego", 322), ("policy/k8s.rego", 412), ("policy/k8s.rego", 436),
                    *[("policy/llm.rego", n) for n in (20, 28, 37, 45, 53, 62, 72)]]
    assert not [d for d in found if d.code in ("policy.compile-error", "policy.undefined-function",
                                               "policy.undefined-ref", "policy.conflicting-rules")]
    assert elapsed < 2.0, f"the policy check took {elapsed:.2f} s on the reference cell"


def test_every_reference_policy_alone_without_fixtures_is_still_compiled(reference_cell: Path,
                                                                        tmp_path: Path) -> None:
    """With policy/testdata/ gone, the compile check still finds the same two errors (the second as a warning)."""
    dest = tmp_path / "cell"
    shutil.copytree(reference_cell / "policy", dest / "policy", ignore=shutil.ignore_patterns("testdata", "fixtures"))
    found = Analysis(Cell(dest)).policy_report.diagnostics
    located = sorted((d.code, d.path, d.line, d.severity.value) for d in found if d.code != "policy.no-fixtures")
    assert located == [("policy.eval-error", "policy/k8s.rego", 73, "warning"),
                       ("policy.unsafe-var", "policy/flags_warn.rego", 2, "error")]


def test_the_shipped_pack_has_no_compile_finding() -> None:
    report = Analysis(Cell(REPO_ROOT)).policy_report
    assert [d for d in report.diagnostics if d.code.startswith("policy.")] == []
    # the real engine ran the pack (in this process or the policy child: which one imported regorus
    # depends on what this test worker ran before, so ask the report, not sys.modules)
    assert (report.engine, report.available) == ("regorus", True)
    assert report.policies and report.tests and all(t.passed for t in report.tests)


def test_rust_backtraces_are_off_unless_asked_for(cell: CellBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under RUST_BACKTRACE=1 each engine error would capture a backtrace (~10 ms) that govcell drops."""
    import os

    cell.write("policy/main.rego", V1 + 'deny contains "x" if input.bad\n')
    monkeypatch.setenv("RUST_BACKTRACE", "1")
    monkeypatch.delenv("RUST_LIB_BACKTRACE", raising=False)
    build_report(Cell(cell.root))
    assert os.environ["RUST_LIB_BACKTRACE"] == "0"
    monkeypatch.setenv("RUST_LIB_BACKTRACE", "1")
    build_report(Cell(cell.root))
    assert os.environ["RUST_LIB_BACKTRACE"] == "1"
