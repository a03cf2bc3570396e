"""The policy run's results (``PolicyReport`` and its parts) and the parsed Rego files it works on.

Plain dataclasses: the site, the reporters and the child process of
``govcell.derive.policy.isolation`` (which pickles the report) read them.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from govcell.diagnostics import Diagnostic

FAIL_RULES = ("deny", "violation")
WARN_RULES = ("warn",)
BUILTIN_INPUTS = ("ledger", "contextpack", "features", "tasks", "changes")
FIXTURE_SUFFIXES = (".json", ".yaml", ".yml")
FAMILIES = (*FAIL_RULES, *WARN_RULES)


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
