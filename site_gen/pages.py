"""The registry of generated pages: each one a template plus a data function.

A page lists the derived results it ``needs`` (names of ``govcell_site.data.PROVIDERS``);
it is generated only when they were computed (a derived result that crashed is a
``site.data-error`` finding, and the pages that need it are left out).  Every
page builder returns ``Output`` objects (Markdown pages and plain files such
as ``status.json``); the MkDocs plugin turns them into virtual files, so
nothing generated is ever written into the repository.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

if TYPE_CHECKING:
    from govcell_site.render import Context


@dataclasses.dataclass(frozen=True)
class Output:
    """A generated file: ``path`` relative to the governance prefix."""

    path: str
    #: text, bytes, or (pages of a lazy context) the text in pieces
    content: str | bytes | Iterator[str]


@dataclasses.dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    path: str
    build: Callable[[Context], Iterable[Output]]
    needs: tuple[str, ...] = ()
    #: further condition on the data (e.g. the cell has policies at all)
    when: Callable[[Context], bool] | None = None
    #: built before the others (its files are large: built while little else is held, memory peaks lower)
    early: bool = False


def _page(ctx: Context, path: str, template: str, **values: Any) -> Output:
    if ctx.lazy:
        return Output(path, ctx.render_chunks(template, path, **values))
    return Output(path, ctx.render(template, path, **values))


# --------------------------------------------------------------------------- builders


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
            charts.policy_fixtures(ctx.data.derived.get("policy")) if _has_policies(ctx) else None,
            charts.bundle_budgets(ctx.data.derived.get("bundles") or []),
        ]
        out = {c.key: c for c in drawn if c is not None}
    ctx.cache["charts"] = out
    return dict(out)


def dashboard(ctx: Context) -> list[Output]:
    invariants = _invariants(ctx) if ctx.data.has("graph") else None
    policy = _policy_summary(ctx.data.derived["policy"]) if _has_policies(ctx) else None
    budgets = ctx.data.derived.get("bundles") or None
    items = ctx.data.derived.get("next")
    return [_page(ctx, "index.md", "dashboard.md", summary=_summary(ctx), coverage=ctx.data.derived.get("coverage"),
                  invariants=invariants, policy=policy, budgets=budgets,
                  next_items=None if items is None else items[:NEXT_SHOWN], charts=_charts(ctx),
                  next_total=0 if items is None else len(items))]


def stories(ctx: Context) -> Iterator[Output]:
    from govcell_site.diagram import NODE_H, PAD, layout
    from govcell_site.mermaid import graph_story_source, story_source
    from govcell_site.render import environment

    graph = ctx.data.derived.get("graph")
    tree = environment().get_template("diagram.svg")
    yield _page(ctx, "stories/index.md", "stories.md")
    for story in ctx.stories:
        # The Mermaid source is the kernel's export of the story's part of the graph (for readers
        # who paste it elsewhere); the drawing is the compact tree, inline so its nodes are links.
        source = (graph_story_source(graph, story.id) if graph is not None else None) or story_source(story)
        svg = tree.render(d=layout(story), story=story, pad=PAD, node_h=NODE_H)
        yield _page(ctx, f"stories/{story.slug}.md", "story.md", story=story, diagram_source=source,
                    diagram=Markup(svg))  # noqa: S704 - rendered by an autoescaping template


def _filter(name: str, label: str, values: Any, labels: Callable[[str], str] | None = None) -> dict[str, Any]:
    """One select of a filter bar: its options are the values the rows carry, in a stable order."""
    from govcell_site.views import words

    shown = labels or words
    return {"name": name, "label": label, "options": [(v, shown(v)) for v in values]}


def _state_order(values: set[str]) -> list[str]:
    from govcell.derive.coverage import STATES

    return [s for s in STATES if s in values] + sorted(values - set(STATES))


KERNEL_OPTIONS = (("yes", "kernel"), ("no", "other"))


def _ac_filters(ctx: Context, acs: list[Any], *, tags: bool) -> list[dict[str, Any]]:
    states = {ac.status or "unknown" for ac in acs}
    out = [_filter("state", "State", _state_order(states)),
           _filter("story", "Story", [s.id for s in ctx.stories], str),
           {"name": "kernel", "label": "Kernel", "options": list(KERNEL_OPTIONS)},
           _filter("coverage", "Coverage", _state_order({ac.coverage for ac in acs if ac.coverage}))]
    if tags:
        out.append(_filter("tag", "Tag", sorted({t for ac in acs for t in ac.tags}), str))
    return out


def ac_index(ctx: Context) -> list[Output]:
    acs = [ac for s in ctx.stories for ac in s.acs]
    return [_page(ctx, "acs.md", "acs.md", acs=acs, filters=_ac_filters(ctx, acs, tags=True))]


CSV_COLUMNS = ("story", "requirement", "ac", "kernel", "lifecycle", "coverage", "run", "status",
               "tests", "scenarios", "text")


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _test_ref(t: Any) -> str:
    return ":".join(str(x) for x in (t.type, t.tag or t.name or "", t.file or "") if x)


def _scenario_ref(sc: Any) -> str:
    return f"{getattr(sc, 'file', '?')}:{getattr(sc, 'line', 0)}"


def traceability_csv(ctx: Context) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for story in ctx.stories:
        for req in story.reqs:
            for ac in req.acs:
                writer.writerow([_cell(v) for v in (
                    story.id, req.id, ac.id, "yes" if ac.kernel else "no", ac.lifecycle, ac.coverage, ac.run,
                    ac.status, " ".join(_test_ref(t) for t in ac.tests),
                    " ".join(_scenario_ref(s) for s in ac.scenarios), ac.text)])
    return buf.getvalue()


def matrix(ctx: Context) -> list[Output]:
    acs = [ac for s in ctx.stories for ac in s.acs]
    return [_page(ctx, "traceability.md", "traceability.md", test_ref=_test_ref, scenario_ref=_scenario_ref,
                  filters=_ac_filters(ctx, acs, tags=False)),
            Output("traceability.csv", traceability_csv(ctx))]


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
    filters = [_filter("severity", "Severity", [s for s in order if any(d.severity.value == s for d in found)], str),
               _filter("code", "Code", sorted({d.code for d in found}), str),
               _filter("file", "File", sorted({d.path for d in found}), str)]
    rows = [{"diag": d, "about": about(ctx, "findings.md", d.message)} for d in found]
    unreadable = [(f.path, f.causes()[0]) for f in ctx.data.cell.unreadable_inputs()]
    return [_page(ctx, "findings.md", "findings.md", findings=rows, filters=filters,
                  invalid=_invalid(ctx), unreadable=unreadable)]


def schemas(ctx: Context) -> list[Output]:
    from govcell.formats.schema import MODELS, OUTPUTS, WRITTEN, names, schema_text

    out = [Output(f"schema/{name}.json", schema_text(name)) for name in names()]
    described = {n: t for table in (MODELS, OUTPUTS, WRITTEN) for n, (_, _, t) in table.items()}
    out.append(_page(ctx, "schemas.md", "schemas.md", models={n: described[n] for n in names()},
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
        _page(ctx, "graph.md", "graph.md", invariants=invariants, kinds=dict(sorted(kinds.items())),
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


def _has_policies(ctx: Context) -> bool:
    report = ctx.data.derived.get("policy")
    return report is not None and bool(report.policies or report.diagnostics)


def policies(ctx: Context) -> list[Output]:
    report = ctx.data.derived["policy"]
    return [_page(ctx, "policies.md", "policies.md", report=report, summary=_policy_summary(report),
                  charts=_charts(ctx))]


def bundles(ctx: Context) -> list[Output]:
    pack = ctx.data.cell.contextpack.model
    serves = {name: [*task.acs, *task.requirements] for name, task in (pack.tasks.items() if pack else ())}
    return [_page(ctx, "bundles.md", "bundles.md", bundles=ctx.data.derived["bundles"], charts=_charts(ctx),
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
    from govcell.load.text import read_text
    from govcell_site.text import render_markdown

    index = ctx.data.derived["adrs"]
    refs = adr_refs(ctx)
    known = sorted(index.adrs.values(), key=lambda a: a.number)
    missing = ctx.data.derived["graph"].missing("adr")
    out = [_page(ctx, "adr/index.md", "adrs.md", adrs=known, missing=missing, refs=refs)]
    for adr in known:
        text = read_text(ctx.data.cell.root, adr.path).text
        page, _ = ctx.adr_page(adr.id)
        out.append(_page(ctx, page, "adr.md", adr=adr, refs=refs.get(adr.id, []),
                         body=render_markdown(text) if text is not None else None))
    return out


def status_json(ctx: Context) -> list[Output]:
    doc = ctx.data.derived["status"]
    return [Output("status.json", json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n")]


def trends(ctx: Context) -> list[Output]:
    doc = ctx.data.derived["history"]
    from govcell_site import charts

    trend = charts.trend(doc["points"]) if charts.available() else None
    return [_page(ctx, "trends.md", "trends.md", points=doc["points"], head=doc["head"] or "", trend=trend)]


_CHANGE_ORDER = ("added", "removed", "renamed", "changed")


def changes(ctx: Context) -> list[Output]:
    """The "changes since BASE" page: the ``govcell.diff/1`` document of the base -> the working tree."""
    doc = ctx.data.derived["changes"]
    base = doc.get("base") or {}
    label = base.get("ref") or "the base"
    if doc["diagnostics"]:
        return [_page(ctx, "changes.md", "changes.md", label=label, diag=doc["diagnostics"])]
    items = []
    for change in _CHANGE_ORDER:
        for it in doc["items"][change]:
            ident = f"{it['from']} → {it['to']}" if change == "renamed" else it["id"]
            items.append({"change": change, "kind": it["kind"], "ident": it.get("to", it["id"]) if change == "renamed"
                          else ident, "where": f"{it['file']}:{it['line']}" if it.get("line") else it["file"],
                          "fields": ", ".join(it.get("fields", [])) if change == "changed"
                          else (f"from {it['from']}" if change == "renamed" else "")})

    def state(s: dict[str, Any] | None) -> str:
        if not s:
            return "absent"
        return f"{s['coverage']}{', ' + s['status'] if s.get('status') else ''}{', kernel' if s.get('kernel') else ''}"

    acs = [{"id": a["id"], "before": state(a["before"]), "after": state(a["after"])} for a in doc["acs"]]
    scenarios = [{"change": change, **sc} for change in ("added", "removed", "retagged")
                 for sc in doc["scenarios"][change]]
    findings = [("introduced", "introduced", doc["findings"]["introduced"]),
                ("resolved", "resolved", doc["findings"]["resolved"])]
    return [_page(ctx, "changes.md", "changes.md", label=label, diag=[], base=base, s=doc["summary"], items=items,
                  acs=acs, scenarios=scenarios, bundles=doc["bundles"], findings=findings)]


# --------------------------------------------------------------------------- registry

PAGES: tuple[PageSpec, ...] = (
    PageSpec("dashboard", "Dashboard", "index.md", dashboard),
    PageSpec("stories", "Stories", "stories/index.md", stories),
    PageSpec("acs", "Acceptance criteria", "acs.md", ac_index),
    PageSpec("traceability", "Traceability", "traceability.md", matrix),
    PageSpec("findings", "Findings", "findings.md", findings),
    PageSpec("policies", "Policies", "policies.md", policies, needs=("policy",), when=lambda ctx: _has_policies(ctx)),  # noqa: PLW0108 - defined below
    PageSpec("graph", "Graph", "graph.md", graph_page, needs=("graph",), early=True),
    PageSpec("bundles", "Bundles", "bundles.md", bundles, needs=("bundles",),
             when=lambda ctx: bool(ctx.data.derived.get("bundles"))),
    PageSpec("adrs", "Decisions", "adr/index.md", adrs, needs=("adrs", "graph")),
    PageSpec("trends", "Trends", "trends.md", trends, needs=("history",)),
    PageSpec("changes", "Changes", "changes.md", changes, needs=("changes",)),
    PageSpec("schemas", "Schemas", "schemas.md", schemas),
    PageSpec("status", "status.json", "status.json", status_json, needs=("status",), early=True),
)


def available(ctx: Context) -> list[PageSpec]:
    return [p for p in PAGES if all(ctx.data.has(n) for n in p.needs) and (p.when is None or p.when(ctx))]


def generate(ctx: Context) -> tuple[list[Output], list[tuple[str, str]]]:
    """Every generated file, and the (title, path) of each page for the navigation."""
    return list(stream(ctx)), navigation(ctx)


def navigation(ctx: Context) -> list[tuple[str, str]]:
    """The (title, path) of each generated page of the navigation."""
    return [(spec.title, spec.path) for spec in available(ctx) if spec.path.endswith(".md")]


def stream(ctx: Context) -> Iterator[Output]:
    """Every generated file, one page builder at a time (a consumer that keeps only what it needs
    of each file keeps a large site's memory at one copy of its pages)."""
    specs = available(ctx)
    for spec in [s for s in specs if s.early] + [s for s in specs if not s.early]:
        built = spec.build(ctx)
        if isinstance(built, list):
            built.reverse()
            while built:
                yield built.pop()
        else:  # a builder of many pages yields them one at a time
            yield from built
