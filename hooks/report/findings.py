"""Render findings for people (text), programs (json), code scanning (SARIF) and CI (GitHub, GitLab, JUnit).

Reporters are pure functions from a sorted list of findings to a string, so the
same run always prints the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from govcell import __version__
from govcell.diagnostics import Diagnostic, Severity, counts, printable

if TYPE_CHECKING:
    from xml.etree import ElementTree as ET

FORMATS = ("text", "json", "sarif", "github", "codeclimate", "junit")

INFO_URI = "https://govcell.dev/"
#: GitHub shows at most 10 error and 10 warning annotations per step (and 50 per job); more are dropped.
GITHUB_ANNOTATIONS = 10


def render(found: Sequence[Diagnostic], fmt: str, *, run: str = "check") -> str:
    """Render ``found`` in ``fmt``; raises ``KeyError`` for an unknown format.

    ``run`` names the command whose findings these are (``check``, ``policy-test``): SARIF
    carries it as ``automationDetails.id`` (code scanning keeps one analysis per id, so the
    policy run's upload does not replace the check's); :func:`step_summary` takes it as its title.
    """
    if fmt in _NAMED_RUN:
        return _NAMED_RUN[fmt](found, run=run)
    return _RENDERERS[fmt](found)


def text(found: Sequence[Diagnostic]) -> str:
    """``path:line:col: severity: code: message`` plus an indented hint line.

    Everything taken from the repository is passed through :func:`printable`, so
    a newline or an escape sequence in a key or a file name cannot print a line
    of its own (a forged finding, a fake "all good").
    """
    lines: list[str] = []
    for d in found:
        lines.append(f"{printable(d.location)}: {d.severity.value}: {printable(d.code)}: {printable(d.message)}")
        if d.hint:
            lines.append(f"    hint: {printable(d.hint)}")
    if found:
        c = counts(found)
        lines.append(f"{len(found)} finding(s): {c['error']} error(s), {c['warning']} warning(s), {c['info']} info")
    return "\n".join(lines) + ("\n" if lines else "")


def as_json(found: Sequence[Diagnostic]) -> str:
    doc = {
        "tool": "govcell",
        "version": __version__,
        "schema": "govcell.findings/1",
        "summary": counts(found),
        "findings": [d.as_dict() for d in found],
    }
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def sarif(found: Sequence[Diagnostic], *, run: str = "check") -> str:
    """SARIF 2.1.0, one run, one rule per code (rules sorted for stable indexes)."""
    codes = sorted({d.code for d in found})
    index = {c: i for i, c in enumerate(codes)}
    rules = [_sarif_rule(c) for c in codes]
    results = []
    for d in found:
        # A finding about a whole file is placed on its first line: code scanning wants a region.
        region = {"startLine": max(d.line, 1), "startColumn": max(d.col, 1)}
        location: dict[str, object] = {"artifactLocation": {"uri": _uri(d.path), "uriBaseId": "SRCROOT"},
                                       "region": region}
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        results.append(
            {
                "ruleId": d.code,
                "ruleIndex": index[d.code],
                "level": _SARIF_LEVEL[d.severity],
                "message": {"text": message},
                "locations": [{"physicalLocation": location}],
                # stable across commits: what and where, not the line (code scanning tracks it as it moves)
                "partialFingerprints": {"govcellFinding/v1": fingerprint(d)},
            }
        )
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "govcell",
                        "version": __version__,
                        "informationUri": INFO_URI,
                        "rules": rules,
                    }
                },
                "results": results,
                "automationDetails": {"id": f"govcell/{run}/"},
                "originalUriBaseIds": {"SRCROOT": {"description": {"text": "the repository root"}}},
            }
        ],
    }
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def _sarif_rule(code: str) -> dict[str, object]:
    """A SARIF rule with the meaning, fix and page of ``code`` from docs/findings.md (the catalogue)."""
    from govcell.report.catalogue import entry, plain

    info = entry(code)
    rule: dict[str, object] = {"id": code, "name": code.replace(".", "_").replace("-", "_"),
                               "shortDescription": {"text": code}, "helpUri": f"{INFO_URI}findings/"}
    if info is not None:
        rule["fullDescription"] = {"text": plain(info["meaning"]), "markdown": info["meaning"]}
        rule["help"] = {"text": f"Fix: {plain(info['fix'])}", "markdown": f"**Fix:** {info['fix']}"}
        rule["helpUri"] = info["url"]
    else:  # a code the packaged catalogue does not know (it is regenerated from docs/findings.md)
        rule["fullDescription"] = {"text": f"govcell finding {code}"}
        rule["help"] = {"text": f"See {INFO_URI}findings/ for {code}"}
    return rule


def fingerprint(d: Diagnostic) -> str:
    """A finding's identity across commits: its code, file and message, never its line or column."""
    import hashlib

    return hashlib.sha256(f"{d.code}\0{d.path}\0{d.message}".encode()).hexdigest()[:32]


def _uri(path: str) -> str:
    """A repository-relative path as a SARIF URI reference: percent-encoded (RFC 3986), ``/`` kept."""
    from urllib.parse import quote

    return quote(path or ".", safe="/-._~")


_GH_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _gh_escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def github(found: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands (``::error file=…,line=…::message``), capped as GitHub shows them.

    GitHub displays at most ``GITHUB_ANNOTATIONS`` annotations of each level per step, so the rest
    are counted in one line instead of being silently dropped.  The job summary's table of every
    finding is :func:`step_summary` (the CLI appends it to ``$GITHUB_STEP_SUMMARY``).
    """
    lines = []
    shown: dict[Severity, int] = {}
    hidden = 0
    for d in found:
        if shown.get(d.severity, 0) >= GITHUB_ANNOTATIONS:
            hidden += 1
            continue
        shown[d.severity] = shown.get(d.severity, 0) + 1
        props = [f"file={_gh_escape(printable(d.path), prop=True)}"]
        if d.line > 0:
            props += [f"line={d.line}", f"col={max(d.col, 1)}"]
        props.append(f"title={_gh_escape(d.code, prop=True)}")
        msg = printable(d.message + (f" (hint: {d.hint})" if d.hint else ""))
        lines.append(f"::{_GH_LEVEL[d.severity]} {','.join(props)}::{_gh_escape(msg)}")
    if hidden:
        lines.append(f"govcell: {hidden} more finding(s) not annotated (GitHub shows {GITHUB_ANNOTATIONS} per level); "
                     "the job summary and `govcell check` list them all")
    return "\n".join(lines) + ("\n" if lines else "")


def step_summary(found: Sequence[Diagnostic], run: str = "check") -> str:
    """The job summary: counts, then one table row per finding (Markdown, cell text escaped)."""
    c = counts(found)
    title = "govcell" if run == "check" else f"govcell {run.replace('-', ' ')}"
    out = [f"## {title}", "", f"{len(found)} finding(s): {c['error']} error(s), {c['warning']} warning(s), "
           f"{c['info']} info", ""]
    if found:
        out += ["| severity | code | location | message |", "|---|---|---|---|"]
        out += [f"| {d.severity.value} | `{d.code}` | `{_cell(d.location)}` | {_cell(d.message)} |" for d in found]
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return printable(text).replace("|", "\\|").replace("`", "'")


_CODECLIMATE_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def codeclimate(found: Sequence[Diagnostic]) -> str:
    """GitLab Code Quality (a Code Climate issues array): what GitLab's merge-request widget reads."""
    issues = [{
        "type": "issue",
        "check_name": d.code,
        "description": d.message + (f" (hint: {d.hint})" if d.hint else ""),
        "categories": ["Bug Risk" if d.severity is Severity.ERROR else "Style"],
        "severity": _CODECLIMATE_SEVERITY[d.severity],
        "fingerprint": fingerprint(d),
        "location": {"path": d.path or ".", "lines": {"begin": max(d.line, 1)}},
    } for d in found]
    return json.dumps(issues, indent=2, sort_keys=True) + "\n"


#: The formats that name the run they report (see :func:`render`).
_NAMED_RUN: dict[str, Callable[..., str]] = {"sarif": sarif}


_NOT_XML = None


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 forbids (most control characters) written as ``\\xNN``.

    ElementTree escapes ``<`` and ``&`` but writes a control character as it is,
    and no XML parser accepts the result; messages come from policies and file
    names, so they may hold anything.
    """
    global _NOT_XML  # noqa: PLW0603 - compiled on first use, once per process
    if _NOT_XML is None:
        import re

        _NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 0x100
                        else f"\\u{ord(m.group(0)):04x}", text)


def junit_xml(root: ET.Element) -> str:
    """An ElementTree ``testsuites`` element as JUnit XML: counts set, every text XML-safe, indented."""
    from xml.etree import ElementTree as ET

    for suite in root:
        cases = list(suite)
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
        suite.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
    for el in root.iter():
        el.attrib.update({k: xml_text(v) for k, v in el.attrib.items()})
        if el.text:
            el.text = xml_text(el.text)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def junit(found: Sequence[Diagnostic]) -> str:
    """JUnit XML for CI test reports: a suite per finding family, a test case per finding.

    An error is a failure; a warning or info is a passing case whose output says
    it.  A run without findings is one passing case, so the report is never empty.
    """
    from xml.etree import ElementTree as ET

    root = ET.Element("testsuites", name="govcell")
    suites: dict[str, ET.Element] = {}
    for d in found:
        family = d.code.split(".", 1)[0]
        if family not in suites:
            suites[family] = ET.SubElement(root, "testsuite", name=f"govcell.{family}")
        case = ET.SubElement(suites[family], "testcase", classname=f"govcell.{family}",
                             name=f"{d.code} {printable(d.location)}", file=d.path)
        detail = printable(d.message + (f"\nhint: {d.hint}" if d.hint else ""))
        if d.severity is Severity.ERROR:
            ET.SubElement(case, "failure", message=printable(d.message), type=d.code).text = detail
        else:
            ET.SubElement(case, "system-out").text = f"{d.severity.value}: {detail}"
    if not found:
        ET.SubElement(ET.SubElement(root, "testsuite", name="govcell"), "testcase", classname="govcell",
                      name="no findings")
    return junit_xml(root)


_RENDERERS: dict[str, Callable[[Sequence[Diagnostic]], str]] = {
    "text": text,
    "json": as_json,
    "sarif": sarif,
    "github": github,
    "codeclimate": codeclimate,
    "junit": junit,
}
