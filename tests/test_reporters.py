"""Reporters: text, JSON, SARIF 2.1.0 (validated against its schema) and GitHub annotations."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from govcell.diagnostics import Severity, apply_policy, diag
from govcell.report.findings import github, render, sarif, step_summary
from tests.conftest import REPO_ROOT

FOUND = apply_policy([
    diag("ledger.unknown-key", "unknown key 'titel'", "specs/spec_ledger.yaml", 6, 9, hint="did you mean 'title'?"),
    diag("ac.untagged", "scenario has no AC tag", "features/a b.feature", 3, 3, severity=Severity.WARNING),
    diag("ledger.missing", "no spec ledger, at all: 100%", "specs/spec_ledger.yaml", severity="info"),
])

SARIF_SCHEMA = Path(os.environ.get("GOVCELL_SARIF_SCHEMA", "")) if os.environ.get("GOVCELL_SARIF_SCHEMA") else (
    Path(__file__).resolve().parent.parent / ".venv/share/govcell-test/sarif-2.1.0.json"
)


def test_text_is_one_line_per_finding_sorted() -> None:
    lines = render(FOUND, "text").splitlines()
    assert lines[0] == "features/a b.feature:3:3: warning: ac.untagged: scenario has no AC tag"
    assert lines[1] == "specs/spec_ledger.yaml: info: ledger.missing: no spec ledger, at all: 100%"
    assert lines[2].startswith("specs/spec_ledger.yaml:6:9: error: ledger.unknown-key")
    assert lines[3] == "    hint: did you mean 'title'?"
    assert lines[-1] == "3 finding(s): 1 error(s), 1 warning(s), 1 info"


def test_json_shape() -> None:
    doc = json.loads(render(FOUND, "json"))
    assert doc["schema"] == "govcell.findings/1"
    assert doc["summary"] == {"error": 1, "warning": 1, "info": 1}
    assert doc["findings"][2]["hint"] == "did you mean 'title'?"


def test_reports_are_deterministic() -> None:
    for fmt in ("text", "json", "sarif", "github"):
        assert render(FOUND, fmt) == render(list(reversed(FOUND)) and apply_policy(reversed(FOUND)), fmt)


def test_sarif_validates_against_schema() -> None:
    if not SARIF_SCHEMA.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"SARIF schema missing at {SARIF_SCHEMA}: `make test` fetches it")
        pytest.skip("SARIF schema not fetched (run `make test`)")
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text())
    doc = json.loads(render(FOUND, "sarif"))
    jsonschema.validate(doc, schema)
    jsonschema.validate(json.loads(render([], "sarif")), schema)
    run = doc["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["ac.untagged", "ledger.missing", "ledger.unknown-key"]
    assert run["results"][2]["locations"][0]["physicalLocation"]["region"] == {"startLine": 6, "startColumn": 9}
    assert run["results"][0]["level"] == "warning" and run["results"][1]["level"] == "note"


def test_github_annotations() -> None:
    lines = render(FOUND, "github").splitlines()
    assert lines[0] == "::warning file=features/a b.feature,line=3,col=3,title=ac.untagged::scenario has no AC tag"
    assert lines[1] == "::notice file=specs/spec_ledger.yaml,title=ledger.missing::no spec ledger, at all: 100%25"
    assert lines[2].startswith("::error file=specs/spec_ledger.yaml,line=6,col=9,title=ledger.unknown-key::")


def test_strict_turns_warnings_into_errors() -> None:
    strict = apply_policy(FOUND, strict=True)
    assert [d.severity.value for d in strict] == ["error", "info", "error"]


FORGING = "key\n0 finding(s): 0 error(s), 0 warning(s), 0 info\x1b[2J\u202e\x07"


@pytest.mark.ac("AC-HOSTILE-003")
def test_text_output_escapes_what_could_forge_a_line_or_drive_the_terminal() -> None:
    found = [diag("contextpack.extension-key", f"unknown key '{FORGING}'", "docs/a\nb.md", 2, 3, hint=FORGING)]
    out = render(found, "text")
    assert len(out.splitlines()) == 3  # finding, hint, summary: nothing more
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "docs/a\\nb.md:2:3:" in out and "\\x1b[2J\\u202e\\x07" in out
    gh = render(found, "github")
    assert len(gh.splitlines()) == 1 and "\x1b" not in gh


@pytest.mark.ac("AC-HOSTILE-003")
def test_sarif_uris_are_percent_encoded() -> None:
    doc = json.loads(render([diag("x.y", "m", "docs/a b%#?.md", 1, 1)], "sarif"))
    uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "docs/a%20b%25%23%3F.md"


@pytest.mark.ac("AC-HOSTILE-003")
def test_policy_junit_is_valid_xml_whatever_the_messages_hold() -> None:
    from xml.etree import ElementTree as ET

    from govcell.derive.policy.run import PolicyReport
    from govcell.report.policy import as_junit

    found = [diag("policy.compile-error", "bad \x00\x1b\ufffe\ud800 message", "policy/x\x01.rego", 1, 1,
                  hint="\x0c hint")]
    xml = as_junit(PolicyReport(engine="regorus", available=True), found, False)
    root = ET.fromstring(xml.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))
    case = root.find(".//testcase")
    assert case is not None and "\\x00\\x1b\\ufffe\\ud800" in case.find("failure").get("message")


def test_the_finding_catalogue_is_generated_from_docs_findings() -> None:
    """hooks/report/catalogue.json is docs/findings.md's tables.

    Regenerate it with `python -m govcell.report.catalogue`."""
    from govcell.report.catalogue import render

    expected = render((REPO_ROOT / "docs/findings.md").read_text())
    assert (REPO_ROOT / "hooks/report/catalogue.json").read_text() == expected


def test_sarif_has_what_code_scanning_wants() -> None:
    """Every rule: full description, help and a help URI into the findings page; every result: a region
    and a fingerprint that ignores the line; the run: automationDetails."""
    many = [diag("ledger.unknown-key", "unknown key 'titel'", "specs/spec_ledger.yaml", 6, 9),
            diag("ac.untagged-scenario", "scenario 's' carries no AC tag", "features/a.feature", 3, 3),
            diag("graph.missing-doc", "requirement REQ-A names doc x.md, which does not exist", "specs/l.yaml")]
    run = json.loads(sarif(many))["runs"][0]
    for rule in run["tool"]["driver"]["rules"]:
        assert rule["fullDescription"]["text"] and rule["help"]["text"], rule
        assert rule["helpUri"].startswith("https://govcell.dev/findings/#"), rule
    assert all(r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for r in run["results"])
    assert run["automationDetails"]["id"] == "govcell/check/"
    moved = diag("graph.missing-doc", "requirement REQ-A names doc x.md, which does not exist", "specs/l.yaml", 40, 2)
    moved_run = json.loads(sarif([moved]))["runs"][0]
    assert moved_run["results"][0]["partialFingerprints"] == run["results"][-1]["partialFingerprints"]


def test_codeclimate_is_gitlab_code_quality() -> None:
    issues = json.loads(render(FOUND, "codeclimate"))
    assert [set(i) for i in issues] == [{"type", "check_name", "description", "categories", "severity",
                                         "fingerprint", "location"}] * len(FOUND)
    assert {i["severity"] for i in issues} <= {"info", "minor", "major", "critical", "blocker"}
    assert all(i["location"]["lines"]["begin"] >= 1 and i["location"]["path"] for i in issues)
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_github_caps_annotations_and_writes_the_job_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    many = [diag("ledger.type", f"bad value | {i}", "specs/spec_ledger.yaml", i + 1, 1) for i in range(25)]
    lines = github(many).splitlines()
    assert sum(line.startswith("::error ") for line in lines) == 10
    assert lines[-1].startswith("govcell: 15 more finding(s) not annotated")
    assert not summary.exists()  # the reporter is pure: the CLI writes the job summary
    from govcell.cli.options import write_step_summary

    write_step_summary(many)
    table = summary.read_text()
    assert table.count("| error | `ledger.type` |") == 25 and "bad value \\| 3" in table


@pytest.mark.ac("AC-ADOPT-071")
def test_policy_results_in_the_ci_formats_name_their_run() -> None:
    """The policy run's findings: SARIF under its own automationDetails id, GitHub annotations with a
    job summary titled for the policy run, GitLab Code Quality issues like the check's."""
    found = apply_policy([diag("policy.violation", "unknown top-level field x [policy contextpack]",
                               ".llm/contextpack.yaml", 19, 12, hint="required by policy/contextpack.rego"),
                          diag("policy.fixture-orphan", "fixture policy/testdata/a.yaml matches no policy",
                               "policy/testdata/a.yaml")])
    assert json.loads(render(found, "sarif", run="policy-test"))["runs"][0]["automationDetails"]["id"] == \
        "govcell/policy-test/"
    assert json.loads(render(found, "sarif"))["runs"][0]["automationDetails"]["id"] == "govcell/check/"
    lines = render(found, "github", run="policy-test").splitlines()
    assert lines[0].startswith("::error file=.llm/contextpack.yaml,line=19,col=12,title=policy.violation::")
    assert lines[1].startswith("::error file=policy/testdata/a.yaml,title=policy.fixture-orphan::")
    assert step_summary(found, "policy-test").startswith("## govcell policy test\n\n2 finding(s): 2 error(s)")
    assert step_summary(found).startswith("## govcell\n\n")
    issues = json.loads(render(found, "codeclimate", run="policy-test"))
    assert [i["check_name"] for i in issues] == ["policy.violation", "policy.fixture-orphan"]
    assert issues[0]["location"] == {"path": ".llm/contextpack.yaml", "lines": {"begin": 19}}


def test_findings_junit_is_a_failure_per_error_and_valid_xml() -> None:
    from xml.etree import ElementTree as ET

    from govcell.report.findings import junit

    found = [diag("ledger.type", "bad \x00 value", "specs/spec_ledger.yaml", 3, 1, hint="fix it"),
             diag("ac.untagged-scenario", "no tag", "features/a.feature", 2, 3, severity=Severity.WARNING)]
    root = ET.fromstring(render(found, "junit"))
    suites = {s.get("name"): s for s in root}
    assert set(suites) == {"govcell.ledger", "govcell.ac"}
    assert (suites["govcell.ledger"].get("tests"), suites["govcell.ledger"].get("failures")) == ("1", "1")
    assert (suites["govcell.ac"].get("tests"), suites["govcell.ac"].get("failures")) == ("1", "0")
    failure = root.find(".//failure")
    assert failure is not None and failure.get("type") == "ledger.type" and "\\x00" in failure.get("message", "")
    empty = ET.fromstring(junit([]))
    assert [c.get("name") for c in empty.iter("testcase")] == ["no findings"]
