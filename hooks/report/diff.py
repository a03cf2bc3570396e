"""Rendering a ``govcell diff`` document: text, JSON (``govcell.diff/1``) and Markdown, and its JSON Schema.

The document is computed by ``govcell.derive.diff.compute``; Markdown is for a
pull-request comment or ``$GITHUB_STEP_SUMMARY``.
"""

from __future__ import annotations

import json
from typing import Any

from govcell.derive.diff import FORMAT, ITEM_KINDS
from govcell.diagnostics import Diagnostic


def render(doc: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return _markdown(doc)
    return _text(doc)


def _side_name(side: dict[str, Any] | None) -> str:
    if not side:
        return "?"
    if side["kind"] == "revision":
        ref = side.get("ref") or ""
        short = (side.get("commit") or "")[:12]
        label: str = short or side["label"]
        return f"{ref} ({short})" if ref and short and not short.startswith(ref) else label
    return str(side["label"])


def _loc(x: dict[str, Any]) -> str:
    return f"{x['file']}:{x['line']}" if x.get("line") else x.get("file", "")


def _state(s: dict[str, Any] | None) -> str:
    if s is None:
        return "absent"
    words = [s["coverage"]]
    if s.get("status", "active") != "active":
        words.append(s["status"])
    if not s.get("kernel", True):
        words.append("non-kernel")
    if s.get("suspect"):
        words.append("suspect")
    return ", ".join(words)


def _text(doc: dict[str, Any]) -> str:
    from govcell.report.findings import render as report

    if doc.get("diagnostics"):
        found = [Diagnostic(d["code"], _sev(d["severity"]), d["path"], d["line"], d["col"], d["message"], d["hint"])
                 for d in doc["diagnostics"]]
        return report(found, "text")
    lines = [f"governance diff {_side_name(doc['base'])} -> {_side_name(doc['head'])}"]
    items = doc["items"]
    for what, rows in (("added", items["added"]), ("removed", items["removed"])):
        for r in rows:
            lines.append(f"  {what:<9}{r['kind']} {r['id']}  {_loc(r)}")
    for r in items["renamed"]:
        lines.append(f"  {'renamed':<9}{r['kind']} {r['from']} -> {r['to']}  {_loc(r)}")
    for r in items["changed"]:
        lines.append(f"  {'changed':<9}{r['kind']} {r['id']}: {', '.join(r['fields'])}  {_loc(r)}")
    for a in doc["acs"]:
        lines.append(f"  {'AC state':<9}{a['id']}: {_state(a['before'])} -> {_state(a['after'])}")
    sc = doc["scenarios"]
    for what, rows in (("scenario+", sc["added"]), ("scenario-", sc["removed"])):
        for s in rows:
            lines.append(f"  {what:<9} {s['file']}:{s['line']} {s['name']} [{' '.join(s['acs']) or 'no AC'}]")
    for s in sc["retagged"]:
        lines.append(f"  {'retagged':<9}{s['file']}:{s['line']} {s['name']}: {' '.join(s['before']) or '-'} -> "
                     f"{' '.join(s['after']) or '-'}")
    for b in doc["bundles"]:
        lines.append(f"  {'bundle':<9}{b['name']}: {_bytes(b['before'])} -> {_bytes(b['after'])} of "
                     f"{b['max_bytes']} bytes{'  OVER BUDGET' if b['over'] else ''}")
    fi = doc["findings"]
    for d in fi["introduced"]:
        lines.append(f"  {'new':<9}{_where(d)}: {d['severity']}: {d['code']}: {d['message']}")
    for d in fi["resolved"]:
        lines.append(f"  {'resolved':<9}{_where(d)}: {d['code']}: {d['message']}")
    s = doc["summary"]
    if len(lines) == 1:
        lines.append("  no governance change")
    lines.append(f"{s['added']} added, {s['removed']} removed, {s['renamed']} renamed, {s['changed']} changed; "
                 f"{s['ac_state_changes']} AC state change(s); {s['findings_introduced']} finding(s) introduced, "
                 f"{s['findings_resolved']} resolved")
    return "\n".join(_safe(line) for line in lines) + "\n"


def _sev(value: str) -> Any:
    from govcell.diagnostics import Severity

    return Severity(value)


def _bytes(n: int | None) -> str:
    return "-" if n is None else str(n)


def _where(d: dict[str, Any]) -> str:
    return f"{d['path']}:{d['line']}:{max(d['col'], 1)}" if d["line"] > 0 else d["path"]


def _safe(text: str) -> str:
    """One output line per line: control characters from the cell's text are escaped."""
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)


def _md(text: Any) -> str:
    s = _safe(str(text))
    for ch in "\\`*_[]<>|#":
        s = s.replace(ch, "\\" + ch)
    return s


def _markdown(doc: dict[str, Any]) -> str:
    out = ["## Governance diff", ""]
    if doc.get("diagnostics"):
        for d in doc["diagnostics"]:
            out.append(f"- **{_md(d['severity'])}** `{d['code']}`: {_md(d['message'])}"
                       + (f" ({_md(d['hint'])})" if d.get("hint") else ""))
        return "\n".join(out) + "\n"
    s = doc["summary"]
    out.append(f"{_md(_side_name(doc['base']))} → {_md(_side_name(doc['head']))}: "
               f"{s['added']} added, {s['removed']} removed, {s['renamed']} renamed, {s['changed']} changed, "
               f"{s['ac_state_changes']} AC state change(s), **{s['findings_introduced']} finding(s) introduced**, "
               f"{s['findings_resolved']} resolved.")
    items = doc["items"]
    rows = ([("added", r["kind"], r["id"], "") for r in items["added"]]
            + [("removed", r["kind"], r["id"], "") for r in items["removed"]]
            + [("renamed", r["kind"], f"{r['from']} → {r['to']}", "") for r in items["renamed"]]
            + [("changed", r["kind"], r["id"], ", ".join(r["fields"])) for r in items["changed"]])
    if rows:
        out += ["", "### Items", "", "| change | kind | id | fields |", "|---|---|---|---|"]
        out += [f"| {a} | {b} | {_md(c)} | {_md(d)} |" for a, b, c, d in rows]
    if doc["acs"]:
        out += ["", "### Acceptance criteria", "", "| AC | before | after |", "|---|---|---|"]
        out += [f"| {_md(a['id'])} | {_md(_state(a['before']))} | {_md(_state(a['after']))} |" for a in doc["acs"]]
    sc = doc["scenarios"]
    srows = ([("added", x, "") for x in sc["added"]] + [("removed", x, "") for x in sc["removed"]]
             + [("retagged", x, f"{' '.join(x['before']) or '-'} → {' '.join(x['after']) or '-'}")
                for x in sc["retagged"]])
    if srows:
        out += ["", "### Scenarios", "", "| change | scenario | ACs / tags |", "|---|---|---|"]
        out += [f"| {a} | {_md(x['name'])} (`{_md(x['file'])}:{x['line']}`) | {_md(t or ' '.join(x['acs']))} |"
                for a, x, t in srows]
    if doc["bundles"]:
        out += ["", "### Bundles", "", "| bundle | before | after | budget |", "|---|---:|---:|---:|"]
        out += [f"| {_md(b['name'])} | {_bytes(b['before'])} | {_bytes(b['after'])} | {b['max_bytes']}"
                f"{' **over**' if b['over'] else ''} |" for b in doc["bundles"]]
    fi = doc["findings"]
    for title, rows_ in (("Findings introduced", fi["introduced"]), ("Findings resolved", fi["resolved"])):
        if rows_:
            out += ["", f"### {title}", ""]
            out += [f"- `{_md(_where(d))}` **{d['severity']}** `{d['code']}`: {_md(d['message'])}" for d in rows_]
    return "\n".join(out) + "\n"


def json_schema() -> dict[str, Any]:
    """JSON Schema of the ``govcell.diff/1`` document (``govcell schema diff``)."""
    s, i, b = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
    opt_i = {"type": ["integer", "null"]}
    finding = {"type": "object", "required": ["code", "severity", "path", "line", "col", "message", "hint"],
               "properties": {"code": s, "severity": {"enum": ["error", "warning", "info"]}, "path": s, "line": i,
                              "col": i, "message": s, "hint": s,
                              "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{16}$"}}}
    side = {"type": ["object", "null"], "required": ["ref", "how", "kind", "label", "commit"],
            "properties": {"ref": s, "how": s, "kind": {"enum": ["worktree", "index", "revision"]}, "label": s,
                           "commit": {"type": ["string", "null"]}}}
    kind = {"enum": list(ITEM_KINDS)}
    brief: dict[str, Any] = {"type": "object", "required": ["kind", "id", "file", "line"],
                             "properties": {"kind": kind, "id": s, "file": s, "line": i}}
    state = {"type": ["object", "null"], "properties": {"coverage": {"enum": ["covered", "uncovered", "meta"]},
                                                         "status": s, "kernel": b, "suspect": b}}
    scenario = {"type": "object", "required": ["file", "line", "rule", "name", "acs"],
                "properties": {"file": s, "line": i, "rule": s, "name": s, "acs": {"type": "array", "items": s},
                               "before": {"type": "array", "items": s}, "after": {"type": "array", "items": s}}}

    def arr(item: dict[str, Any]) -> dict[str, Any]:
        return {"type": "array", "items": item}

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://govcell.dev/schema/diff.json",
        "title": "govcell diff",
        "description": "The governance difference between two revisions of a cell (govcell diff --format json). "
                       "When 'diagnostics' is not empty the comparison could not be made and only 'format', "
                       "'base', 'head' and 'diagnostics' are present.",
        "type": "object",
        "required": ["format", "base", "head", "diagnostics"],
        "properties": {
            "format": {"const": FORMAT},
            "base": side, "head": side,
            "diagnostics": arr(finding),
            "items": {"type": "object", "required": ["added", "removed", "renamed", "changed"], "properties": {
                "added": arr(brief), "removed": arr(brief),
                "renamed": arr({"type": "object", "required": ["kind", "from", "to", "file", "line"],
                                "properties": {"kind": kind, "from": s, "to": s, "file": s, "line": i}}),
                "changed": arr({**brief, "required": ["kind", "id", "file", "line", "fields"],
                                "properties": {**brief["properties"], "fields": arr(s)}})}},
            "acs": arr({"type": "object", "required": ["id", "before", "after", "fields"],
                        "properties": {"id": s, "before": state, "after": state, "fields": arr(s)}}),
            "scenarios": {"type": "object", "required": ["added", "removed", "retagged"],
                          "properties": {"added": arr(scenario), "removed": arr(scenario),
                                         "retagged": arr(scenario)}},
            "bundles": arr({"type": "object", "required": ["name", "before", "after", "max_bytes", "over"],
                            "properties": {"name": s, "before": opt_i, "after": opt_i, "max_bytes": i,
                                           "over": b}}),
            "findings": {"type": "object", "required": ["introduced", "resolved"],
                         "properties": {"introduced": arr(finding), "resolved": arr(finding)}},
            "summary": {"type": "object", "additionalProperties": i},
        },
    }
