"""Render findings for people (text), programs (json), code scanning (SARIF) and CI (GitHub).

Reporters are pure functions from a sorted list of findings to a string, so the
same run always prints the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from hooks import __version__
from hooks.diagnostics import Diagnostic, Severity, counts, printable

FORMATS = ("text", "json", "sarif", "github")

INFO_URI = "https://pypi.org/project/govcell/"


def render(found: Sequence[Diagnostic], fmt: str) -> str:
    """Render ``found`` in ``fmt``; raises ``KeyError`` for an unknown format."""
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


def sarif(found: Sequence[Diagnostic]) -> str:
    """SARIF 2.1.0, one run, one rule per code (rules sorted for stable indexes)."""
    codes = sorted({d.code for d in found})
    index = {c: i for i, c in enumerate(codes)}
    rules = [
        {
            "id": c,
            "name": c.replace(".", "_").replace("-", "_"),
            "shortDescription": {"text": c},
            "helpUri": INFO_URI,
        }
        for c in codes
    ]
    results = []
    for d in found:
        region: dict[str, int] = {}
        if d.line > 0:
            region = {"startLine": d.line, "startColumn": max(d.col, 1)}
        location: dict[str, object] = {"artifactLocation": {"uri": _uri(d.path), "uriBaseId": "SRCROOT"}}
        if region:
            location["region"] = region
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        results.append(
            {
                "ruleId": d.code,
                "ruleIndex": index[d.code],
                "level": _SARIF_LEVEL[d.severity],
                "message": {"text": message},
                "locations": [{"physicalLocation": location}],
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
            }
        ],
    }
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


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
    """GitHub Actions workflow commands (``::error file=…,line=…::message``)."""
    lines = []
    for d in found:
        props = [f"file={_gh_escape(printable(d.path), prop=True)}"]
        if d.line > 0:
            props += [f"line={d.line}", f"col={max(d.col, 1)}"]
        props.append(f"title={_gh_escape(d.code, prop=True)}")
        msg = printable(d.message + (f" (hint: {d.hint})" if d.hint else ""))
        lines.append(f"::{_GH_LEVEL[d.severity]} {','.join(props)}::{_gh_escape(msg)}")
    return "\n".join(lines) + ("\n" if lines else "")


_RENDERERS: dict[str, Callable[[Sequence[Diagnostic]], str]] = {
    "text": text,
    "json": as_json,
    "sarif": sarif,
    "github": github,
}
