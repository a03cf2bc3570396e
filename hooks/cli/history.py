"""``govcell history``: counts, static coverage and findings at each of the last N commits
(see :mod:`govcell.derive.history`)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from govcell.cli import options


def add_parser(sub: Any) -> None:
    p = options.command(sub, "history", command, help="counts, static coverage and findings at each of the last N "
                        "first-parent commits (cached by what each read)")
    p.add_argument("--last", type=options.positive, default=50, metavar="N", help="how many commits (default 50)")
    options.output_format(p, ("text", "json"))
    options.out(p, "the history")
    options.cell(p)


def render(doc: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        body = {k: v for k, v in doc.items() if k != "stats"}
        return json.dumps(body, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if doc["diagnostics"]:
        from govcell.diagnostics import Diagnostic, Severity
        from govcell.report.findings import render as render_findings

        found = [Diagnostic(d["code"], Severity(d["severity"]), d["path"], d["line"], d["col"], d["message"],
                            d["hint"]) for d in doc["diagnostics"]]
        return str(render_findings(found, "text"))
    lines = [f"{'commit':<12} {'date':<10} {'ACs':>6} {'covered':>8} {'uncov':>6} {'meta':>5} {'scen':>6} "
             f"{'errors':>6} {'warn':>5}  subject"]
    for p in doc["points"]:
        lines.append(f"{p['commit'][:12]:<12} {p['date'][:10]:<10} {p['acs']:>6} {p['covered']:>8} "
                     f"{p['uncovered']:>6} {p['meta']:>5} {p['scenarios']:>6} {p['errors']:>6} {p['warnings']:>5}  "
                     f"{' '.join(p['subject'].split())[:60]}")
    if not doc["points"]:
        lines.append("(no commit yet)")
    return "\n".join(lines) + "\n"


def command(args: argparse.Namespace) -> int:
    from govcell.report.revisions import history as compute

    off = getattr(args, "no_cache", False) or getattr(args, "no_cache_global", False)
    doc = compute(args.root, args.config, args.last, use_cache=not off)
    if "stats" in doc:
        st = doc["stats"]
        sys.stderr.write(f"govcell history: {st['loaded']} commit(s) loaded, {st['replayed']} replayed, "
                         f"{st['cached']} from the cache\n")
    if options.emit(render(doc, args.format), args.out, what="history"):
        return 1
    return 1 if any(d["severity"] == "error" for d in doc["diagnostics"]) else 0
