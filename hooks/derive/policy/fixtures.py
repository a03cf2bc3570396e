"""A policy on its fixtures: each must pass or fail as its name says, and the coverage shows dead rules.

Fixtures whose name has the word ``valid`` must produce no failure, all others
at least one; ``expectations.yaml`` may pin the exact messages.  Multi-document
YAML is evaluated per document.  The engine's line coverage over all of a
policy's fixtures shows each rule whose head was never reached: a *dead rule*
when every fixture evaluated; rules a failed fixture might have reached are
listed as *not covered*.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govcell.diagnostics import Severity, diag
from govcell.derive.policy.discover import is_valid_fixture
from govcell.derive.policy.model import FAIL_RULES, FAMILIES, WARN_RULES, DeadRule, FixtureResult, PolicyResult, \
    RegoFile, UncoveredRule

if TYPE_CHECKING:
    from govcell.derive.policy.engine import Context

Expectations = dict[str, dict[str, list[str]]]


def run_fixtures(ctx: Context, pf: RegoFile, result: PolicyResult, engine: Any, fixtures: list[str],
                 expectations: Expectations) -> None:
    """Evaluate policy ``pf`` on each of its fixtures, judge them, then look for rules that never fired."""
    if not fixtures:
        ctx.found.append(diag("policy.no-fixtures", f"policy {pf.stem} has no fixtures in "
                              f"{' or '.join(ctx.testdata)}", pf.path, 1, 1, severity=Severity.WARNING,
                              hint=f"add {pf.stem}_valid.yaml (must pass) and {pf.stem}_<case>.yaml "
                                   "(must fail) fixtures"))
        return
    if not result.compiles:  # every evaluation would fail on the compile error already reported
        for rel in fixtures:
            result.fixtures.append(FixtureResult(rel, pf.stem, _expect(rel),
                                                 error="not evaluated: the policy does not compile"))
        return
    families = sorted({r.name for r in pf.rules if r.kind in FAMILIES})
    engine.set_enable_coverage(True)
    ran: dict[str, int] = dict.fromkeys(families, 0)  # family -> fixtures it was evaluated on
    missed: dict[str, list[str]] = {}  # family -> fixtures it could not be evaluated on
    for rel in fixtures:
        fx = FixtureResult(rel, pf.stem, _expect(rel))
        result.fixtures.append(fx)
        failed = _evaluate(ctx, pf, engine, fx, families)
        for family in families:
            if failed is None or family in failed:
                missed.setdefault(family, []).append(rel)
            else:
                ran[family] += 1
        if failed:
            fx.error = f"evaluation failed ({', '.join(sorted(failed))})"
        elif failed is not None:
            fx.ok = _judge(ctx, pf, fx, expectations.get(rel))
    signals = {r.line: pf.signal_lines[r.line] for r in pf.rules
               if r.kind in FAMILIES and r.line in pf.signal_lines}
    if signals:
        _dead_rules(ctx, pf, result, signals, ctx.coverage_of(engine, pf.path), ran, missed)


def _expect(rel: str) -> str:
    return "pass" if is_valid_fixture(Path(rel).name) else "fail"


def _evaluate(ctx: Context, pf: RegoFile, engine: Any, fx: FixtureResult, families: list[str]) -> set[str] | None:
    """Fill ``fx`` with the messages of each of its documents: the families that failed, None when unreadable."""
    from govcell.derive.policy.documents import read_documents

    problems: list[Any] = []
    docs = read_documents(ctx.cell, fx.path, problems, "policy.fixture-syntax")
    if not docs:
        ctx.found.extend(problems or [diag("policy.fixture-syntax", f"fixture {fx.path} holds no document",
                                           fx.path, 1, 1, hint="a fixture is one JSON or YAML input")])
        fx.error = problems[0].message if problems else "no document"
        return None
    fx.documents = len(docs)
    failed: set[str] = set()
    for doc in docs:
        messages, broken = ctx.eval(pf, engine, doc.data, f"fixture {fx.path}")
        failed.update(broken)
        fx.failures.extend(m.text for m, _ in messages if m.rule in FAIL_RULES)
        fx.warnings.extend(m.text for m, _ in messages if m.rule in WARN_RULES)
    fx.failures.sort()
    fx.warnings.sort()
    return failed


def _dead_rules(ctx: Context, pf: RegoFile, result: PolicyResult, signals: dict[int, int], covered: set[int],
                ran: dict[str, int], missed: dict[str, list[str]]) -> None:
    """Rules that never fired: dead when every fixture was evaluated, else only *not covered*."""
    for r in pf.rules:
        if r.line not in signals or signals[r.line] in covered:
            continue
        if r.name in missed:
            result.uncovered_rules.append(UncoveredRule(r.name, r.line, sorted(missed[r.name])))
            continue
        result.dead_rules.append(DeadRule(r.name, r.line))
        ctx.found.append(diag(
            "policy.dead-rule", f"rule {r.name} of policy {pf.stem} never produced a result on any of "
            f"its {ran.get(r.name, 0)} fixture(s)", pf.path, r.line, 1,
            hint="add a fixture that trips it, or fix the rule (iterating an object's values where "
                 "its keys were meant is the classic cause)"))
    if not result.uncovered_rules:
        return
    gone = sorted({f for u in result.uncovered_rules for f in u.fixtures})
    which: dict[str, list[str]] = {u.name: [] for u in result.uncovered_rules}
    for u in result.uncovered_rules:
        which[u.name].append(str(u.line))
    rules = "; ".join(f"{name} at line(s) {', '.join(lines)}" for name, lines in which.items())
    shown = ", ".join(gone[:3]) + (f" and {len(gone) - 3} more" if len(gone) > 3 else "")
    first = result.uncovered_rules[0]
    ctx.found.append(diag(
        "policy.uncovered-rules", f"{len(result.uncovered_rules)} rule(s) of policy {pf.stem} produced no "
        f"result on the fixtures that evaluated, and could not be checked on {shown}, which failed to "
        f"evaluate: {rules}", pf.path, first.line, 1, severity=Severity.INFO,
        hint="fix the error that stopped the fixture's evaluation (reported on its own); a rule that "
             "still never fires is then reported as a dead rule"))


def _judge(ctx: Context, pf: RegoFile, fx: FixtureResult, pinned: dict[str, list[str]] | None) -> bool:
    ok = True
    if fx.expect == "pass" and fx.failures:
        ok = False
        ctx.found.append(diag("policy.fixture-unexpected-failure",
                              f"fixture {fx.path} must pass policy {pf.stem} (its name says valid) but got: "
                              + "; ".join(fx.failures), fx.path, 1, 1,
                              hint="fix the fixture, or the rule that fires on it"))
    if fx.expect == "fail" and not fx.failures:
        ok = False
        ctx.found.append(diag("policy.fixture-no-failure",
                              f"fixture {fx.path} must fail policy {pf.stem} but produced no failure",
                              fx.path, 1, 1,
                              hint="a fixture without the word 'valid' in its name must trip a deny/"
                                   "violation rule; rename it *_valid.* if it should pass"))
    if pinned is not None:
        fx.pinned = True
        for key, got in (("failures", fx.failures), ("warnings", fx.warnings)):
            if key in pinned and sorted(pinned[key]) != got:
                ok = False
                ctx.found.append(diag("policy.fixture-mismatch",
                                      f"fixture {fx.path} produced {key} {json.dumps(got)}, expected "
                                      f"{json.dumps(sorted(pinned[key]))}", fx.path, 1, 1,
                                      hint=f"update {ctx.cfg.expectations} or the policy"))
    return ok
