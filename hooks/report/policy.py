"""Render a policy report (``govcell policy test``): text for people, json for programs, junit and the
findings formats for CI.

The findings are the same as the ``policy-test`` check's (a failing fixture,
target or test is a finding); text, json and junit add the per-policy detail
a policy author wants (each fixture, target and test) and, with ``coverage``,
the engine's line coverage of every file.  SARIF, GitHub annotations and Code
Climate are the findings reporters of :mod:`govcell.report.findings` over the
same findings, so a policy failure shows up in code scanning like any other.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from xml.etree import ElementTree as ET

from govcell.derive.policy.model import PolicyReport
from govcell.diagnostics import Diagnostic, counts

#: Every format of ``govcell policy test``: the findings vocabulary (junit here with each fixture, target and test).
FORMATS = ("text", "json", "sarif", "github", "codeclimate", "junit")


def render(report: PolicyReport, found: Sequence[Diagnostic], fmt: str, coverage: bool = False) -> str:
    """The report in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt in _DETAILED:
        return _DETAILED[fmt](report, found, coverage)
    from govcell.report.findings import render as render_findings

    # a run of its own: code scanning keeps the policy analysis beside the check's (automationDetails)
    return render_findings(found, fmt, run="policy-test")


def as_text(report: PolicyReport, found: Sequence[Diagnostic], coverage: bool) -> str:
    from govcell.diagnostics import printable
    from govcell.report.findings import text as findings_text

    lines: list[str] = []
    for p in report.policies:
        lines.append(f"policy {p.name} ({p.path}, package {p.package}, rego {p.rego_version})")
        for fx in p.fixtures:
            verdict = "ok  " if fx.ok else "FAIL"
            detail = fx.error or f"{len(fx.failures)} failure(s), {len(fx.warnings)} warning(s)"
            lines.append(f"  {verdict} fixture {fx.path} (must {fx.expect}): {detail}")
        for tr in p.targets:
            fails = sum(1 for m in tr.messages if m.rule != "warn")
            lines.append(f"  {'ok  ' if not fails else 'FAIL'} target {tr.target} -> {tr.path}: {fails} failure(s), "
                         f"{len(tr.messages) - fails} warning(s)")
        for d in p.dead_rules:
            lines.append(f"  DEAD rule {d.name} at {p.path}:{d.line}")
        for u in p.uncovered_rules:
            lines.append(f"  NOT COVERED rule {u.name} at {p.path}:{u.line} "
                         f"(not evaluated on: {', '.join(u.fixtures)})")
        if not p.compiles:
            lines.append("  NOT RUN: the policy does not compile (see the findings below)")
    for t in report.tests:
        lines.append(f"{'ok  ' if t.passed else 'FAIL'} test {t.package}.{t.name} ({t.path}:{t.line})")
    if coverage:
        for c in report.coverage:
            missing = ", ".join(map(str, c.not_covered)) or "-"
            lines.append(f"coverage {c.path}: {c.percent}% (lines not covered: {missing})")
    fixtures = [fx for p in report.policies for fx in p.fixtures]
    uncovered = sum(len(p.uncovered_rules) for p in report.policies)
    lines.append(f"{len(report.policies)} polic(ies), {sum(fx.ok for fx in fixtures)}/{len(fixtures)} fixture(s) ok, "
                 f"{sum(t.passed for t in report.tests)}/{len(report.tests)} test(s) passed, "
                 f"{sum(len(p.dead_rules) for p in report.policies)} dead rule(s)"
                 + (f", {uncovered} rule(s) not covered" if uncovered else ""))
    return "\n".join(map(printable, lines)) + "\n" + findings_text(found)


def as_json(report: PolicyReport, found: Sequence[Diagnostic], coverage: bool) -> str:
    doc = report.as_dict()
    doc["diagnostics"] = [d.as_dict() for d in found]
    doc["summary"] = counts(found)
    if not coverage:
        doc.pop("coverage")
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def as_junit(report: PolicyReport, found: Sequence[Diagnostic], coverage: bool) -> str:
    """JUnit XML: a suite per policy (fixtures, targets), one for test_* rules, one for other findings."""
    root = ET.Element("testsuites", name="govcell policy test")
    used: set[str] = set()
    for p in report.policies:
        suite = ET.SubElement(root, "testsuite", name=f"policy.{p.name}", file=p.path)
        for fx in p.fixtures:
            case = ET.SubElement(suite, "testcase", classname=f"policy.{p.name}", name=f"fixture {fx.path}",
                                 file=fx.path)
            if not fx.ok:
                why = fx.error or f"must {fx.expect}; failures: {json.dumps(fx.failures)}"
                ET.SubElement(case, "failure", message=why).text = why
        for tr in p.targets:
            case = ET.SubElement(suite, "testcase", classname=f"policy.{p.name}", name=f"target {tr.path}",
                                 file=tr.path)
            fails = [m.text for m in tr.messages if m.rule != "warn"]
            if fails:
                ET.SubElement(case, "failure", message=fails[0]).text = "\n".join(fails)
        for d in p.dead_rules:
            case = ET.SubElement(suite, "testcase", classname=f"policy.{p.name}", name=f"rule {d.name}:{d.line} fires")
            ET.SubElement(case, "failure", message="dead rule").text = f"{p.path}:{d.line}"
        for u in p.uncovered_rules:
            case = ET.SubElement(suite, "testcase", classname=f"policy.{p.name}", name=f"rule {u.name}:{u.line} fires")
            ET.SubElement(case, "skipped", message="not covered: evaluation failed on " + ", ".join(u.fixtures))
    tests = ET.SubElement(root, "testsuite", name="opa-test")
    for t in report.tests:
        case = ET.SubElement(tests, "testcase", classname=t.package, name=t.name, file=t.path)
        if not t.passed:
            ET.SubElement(case, "failure", message=t.error or "false or undefined").text = f"{t.path}:{t.line}"
    handled = {"policy.fixture-unexpected-failure", "policy.fixture-no-failure", "policy.fixture-mismatch",
               "policy.violation", "policy.dead-rule", "policy.test-failed", "policy.warning"}
    rest = [f for f in found if f.code not in handled and f.severity.value == "error"]
    other = ET.SubElement(root, "testsuite", name="policy.findings")
    for finding in rest:
        name = f"{finding.code} {finding.location}"
        if name in used:
            continue
        used.add(name)
        case = ET.SubElement(other, "testcase", classname="policy.findings", name=name)
        ET.SubElement(case, "failure", message=finding.message).text = finding.hint
    from govcell.report.findings import junit_xml

    return junit_xml(root)


_DETAILED = {"text": as_text, "json": as_json, "junit": as_junit}
