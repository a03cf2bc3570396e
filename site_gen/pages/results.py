"""The pages of the derived results: the dashboard, findings, graph, policies, bundles, decisions, schemas, status.json.

Each reads what the kernel derived (``ctx.data.derived``, the same results as
``govcell status --json``), never re-derives it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from govcell_site.pages.ledger import filter_bar
from govcell_site.pages.output import Output, page

if TYPE_CHECKING:
    from govcell_site.render import Context


def _summary(ctx: Context) -> dict[str, Any]:
    """What the dashboard counts: the kernel's status document, as ``govcell status --json`` prints it.

    Nothing is counted here: a number on the dashboard that is not in the
    status document would be a second opinion about the cell.
    """
    doc = ctx.data.derived.get("status")
    if doc is None:
        # the status document could not be computed (a site.data-error finding): only the findings are known
        from govcell.diagnostics import counts

        return {"doc": None, "findings": counts(ctx.data.findings)}
    return {"doc": doc, "findings": doc["findings"]}

#: how many of ``govcell next``'s items the dashboard shows
NEXT_SHOWN = 5

def _invalid(ctx: Context) -> list[tuple[str, list[Any]]]:
    """Per spec file, the items the loader left out for their own errors (the rest of the file loaded)."""
    cell = ctx.data.cell
    files = (cell.ledger, cell.tasks, cell.flows, cell.contextpack, cell.doc_index)
    return [(f.path, [{"kind": i.kind, "ident": i.ident, "line": i.line, "col": i.col,
                       "findings": list(zip(i.codes, i.messages))} for i in f.invalid])
            for f in files if f.invalid]

def _charts(ctx: Context) -> dict[str, Any]:
    """The build's charts (``govcell_site.charts``), drawn once; empty when pygal is not installed."""
    if "charts" in ctx.cache:
        return dict(ctx.cache["charts"])
    from govcell_site import charts

    out: dict[str, Any] = {}
    if charts.available():
        cov = ctx.data.derived.get("coverage")
        summary = getattr(cov, "summary", None) or {}
        drawn = [
            charts.states_by_story(summary.get("story_states") or {}, [s.id for s in ctx.stories]),
            charts.coverage_totals(summary),
            charts.policy_fixtures(ctx.data.derived.get("policy")) if has_policies(ctx) else None,
            charts.bundle_budgets(ctx.data.derived.get("bundles") or []),
        ]
        out = {c.key: c for c in drawn if c is not None}
    ctx.cache["charts"] = out
    return dict(out)

def dashboard(ctx: Context) -> list[Output]:
    invariants = _invariants(ctx) if ctx.data.has("graph") else None
    policy = _policy_summary(ctx.data.derived["policy"]) if has_policies(ctx) else None
    budgets = ctx.data.derived.get("bundles") or None
    items = ctx.data.derived.get("next")
    return [page(ctx, "index.md", "dashboard.md", summary=_summary(ctx), coverage=ctx.data.derived.get("coverage"),
                  invariants=invariants, policy=policy, budgets=budgets,
                  next_items=None if items is None else items[:NEXT_SHOWN], charts=_charts(ctx),
                  next_total=0 if items is None else len(items))]

#: an item ID or a quoted name in a finding's message (``AC-X-001``, ``'payments'``)
_MENTION = re.compile(r"'([^'\s]{1,120})'|\b([A-Za-z][A-Za-z0-9_]*-[A-Za-z0-9_.-]*[A-Za-z0-9])")

def about(ctx: Context, here: str, message: str) -> list[tuple[str, str]]:
    """The items a finding's message names that have a page or anchor: (ID, link), at most three."""
    out: list[tuple[str, str]] = []
    for m in _MENTION.finditer(message):
        ident = m.group(1) or m.group(2)
        target = ctx.anchors.get(ident)
        if target and all(ident != i for i, _ in out):
            out.append((ident, ctx.href(here, *target)))
            if len(out) == 3:
                break
    return out

def findings(ctx: Context) -> list[Output]:
    found = ctx.data.findings
    order = ("error", "warning", "info")
    filters = [filter_bar("severity", "Severity", [s for s in order if any(d.severity.value == s for d in found)], str),
               filter_bar("code", "Code", sorted({d.code for d in found}), str),
               filter_bar("file", "File", sorted({d.path for d in found}), str)]
    rows = [{"diag": d, "about": about(ctx, "findings.md", d.message)} for d in found]
    unreadable = [(f.path, f.causes()[0]) for f in ctx.data.cell.unreadable_inputs()]
    return [page(ctx, "findings.md", "findings.md", findings=rows, filters=filters,
                  invalid=_invalid(ctx), unreadable=unreadable)]

def schemas(ctx: Context) -> list[Output]:
    from govcell.formats.schema import MODELS, OUTPUTS, WRITTEN, names, schema_text

    out = [Output(f"schema/{name}.json", schema_text(name)) for name in names()]
    described = {n: t for table in (MODELS, OUTPUTS, WRITTEN) for n, (_, _, t) in table.items()}
    out.append(page(ctx, "schemas.md", "schemas.md", models={n: described[n] for n in names()},
                     has_status=ctx.data.has("status")))
    return out

def _invariants(ctx: Context) -> list[Any]:
    """The governance-graph check's findings (the analysis keeps the graph and the findings)."""
    from govcell.checks import run

    return run(ctx.data.analysis, ["governance-graph"])

def graph_page(ctx: Context) -> list[Output]:
    """The graph invariants and the graph itself as files."""
    from govcell.derive.graph import to_json, to_mermaid

    graph = ctx.data.derived["graph"]
    invariants = _invariants(ctx)
    kinds = Counter(str(n.get("kind")) for n in graph.store.nodes.values())
    return [
        page(ctx, "graph.md", "graph.md", invariants=invariants, kinds=dict(sorted(kinds.items())),
              edges=len(graph.store.order)),
        Output("graph.json", to_json(graph)),
        Output("graph.mmd", to_mermaid(graph)),
    ]

def _policy_summary(report: Any) -> dict[str, int]:
    fixtures = [f for p in report.policies for f in p.fixtures]
    return {
        "policies": len(report.policies),
        "fixtures": len(fixtures),
        "fixtures_ok": sum(1 for f in fixtures if f.ok),
        "tests": len(report.tests),
        "tests_passed": sum(1 for t in report.tests if t.passed),
        "dead": sum(len(p.dead_rules) for p in report.policies),
        "findings": len(report.diagnostics),
    }

def has_policies(ctx: Context) -> bool:
    report = ctx.data.derived.get("policy")
    return report is not None and bool(report.policies or report.diagnostics)

def policies(ctx: Context) -> list[Output]:
    report = ctx.data.derived["policy"]
    return [page(ctx, "policies.md", "policies.md", report=report, summary=_policy_summary(report),
                  charts=_charts(ctx))]

def bundles(ctx: Context) -> list[Output]:
    pack = ctx.data.cell.contextpack.model
    serves = {name: [*task.acs, *task.requirements] for name, task in (pack.tasks.items() if pack else ())}
    return [page(ctx, "bundles.md", "bundles.md", bundles=ctx.data.derived["bundles"], charts=_charts(ctx),
                  serves=serves)]

def adr_refs(ctx: Context) -> dict[str, list[dict[str, str]]]:
    """ADR ID -> what cites it: the ledger's ``metadata.adrs``, stories, requirements and ACs (ledger order)."""
    if "adr_refs" in ctx.cache:
        return dict(ctx.cache["adr_refs"])
    refs: dict[str, list[dict[str, str]]] = {}
    meta = getattr(getattr(ctx.data.ledger, "metadata", None), "adrs", None) or []
    for adr in meta:
        refs.setdefault(adr, []).append({"id": "metadata.adrs", "kind": "ledger", "href": ""})
    for story in ctx.stories:
        items: list[tuple[str, str, list[str]]] = [(story.id, "story", story.adrs)]
        for req in story.reqs:
            items.append((req.id, "requirement", req.adrs))
            items.extend((ac.id, "AC", ac.adrs) for ac in req.acs)
        for ident, kind, cited in items:
            for adr in cited:
                refs.setdefault(adr, []).append({"id": ident, "kind": kind, "href": ident})
    ctx.cache["adr_refs"] = refs
    return dict(refs)

def adrs(ctx: Context) -> list[Output]:
    """The ADR index, and a page per ADR file with its text and what cites it (metadata.adrs too)."""
    from govcell_site.text import render_markdown

    index = ctx.data.derived["adrs"]
    refs = adr_refs(ctx)
    known = sorted(index.adrs.values(), key=lambda a: a.number)
    missing = ctx.data.derived["graph"].missing("adr")
    out = [page(ctx, "adr/index.md", "adrs.md", adrs=known, missing=missing, refs=refs)]
    for adr in known:
        text = ctx.data.cell.read_text(adr.path).text
        path, _ = ctx.adr_page(adr.id)
        out.append(page(ctx, path, "adr.md", adr=adr, refs=refs.get(adr.id, []),
                         body=render_markdown(text) if text is not None else None))
    return out

def status_json(ctx: Context) -> list[Output]:
    doc = ctx.data.derived["status"]
    return [Output("status.json", json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n")]
