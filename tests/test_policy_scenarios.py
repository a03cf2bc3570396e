"""Executes features/policy.feature (the ACs of the policy story)."""

from __future__ import annotations

from pytest_bdd import given, parsers, scenarios

from tests.conftest import CellBuilder

scenarios("policy.feature")

_POLICY = 'package main\nimport rego.v1\n\ndeny contains msg if {\n  input.bad\n  msg := "bad"\n}\n'


@given(parsers.parse("a policy cell with {problem}"))
def _policy_problem(cell: CellBuilder, problem: str) -> None:
    if problem == "an empty policy directory":
        (cell.root / "policy").mkdir(parents=True)
    elif problem == "a deny rule returning a number":
        cell.write("policy/main.rego", "package main\nimport rego.v1\n\ndeny contains 42 if {\n  input.bad\n}\n")
        cell.write("policy/testdata/main_bad.json", '{"bad": true}\n')
    elif problem == "a rule calling an unknown function":
        cell.write("policy/main.rego", "package main\nimport rego.v1\n\ndeny contains msg if {\n"
                                       "  msg := no_such_function(input)\n}\n")
        cell.write("policy/testdata/main_bad.json", '{"bad": true}\n')
    elif problem == "a rule dividing by zero":
        cell.write("policy/main.rego", "package main\nimport rego.v1\n\ndeny contains msg if {\n"
                                       "  x := 1 / input.n\n  msg := sprintf(\"%v\", [x])\n}\n")
        cell.write("policy/testdata/main_zero.json", '{"n": 0}\n')
    elif problem == "a fixture in YAML with a tab":
        cell.write("policy/main.rego", _POLICY)
        cell.write("policy/testdata/main_bad.yaml", "bad:\n\t- true\n")
    elif problem == "a target naming no policy":
        cell.write("policy/main.rego", _POLICY)
        cell.write(".govcell.yaml", "policy:\n  targets:\n    mian: [ledger]\n")
    elif problem == "a policy file that is not UTF-8":
        cell.write("policy/main.rego", b"package main\n# caf\xe9\n")
    else:  # pragma: no cover - a typo in the feature file
        raise AssertionError(f"unknown problem {problem!r}")
