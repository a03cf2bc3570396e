"""The registry of generated pages: each one a template plus a data function.

A page lists the derived results it ``needs`` (names of ``site_gen.data.PROVIDERS``);
it is generated only when they are available, so a page appears the moment the
kernel module behind it lands, with no change here beyond its entry.  Every
page builder returns ``Output`` objects (Markdown pages and plain files such
as ``status.json``); the MkDocs plugin turns them into virtual files, so
nothing generated is ever written into the repository.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from site_gen.render import Context


@dataclasses.dataclass(frozen=True)
class Output:
    """A generated file: ``path`` relative to the governance prefix."""

    path: str
    content: str | bytes


@dataclasses.dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    path: str
    build: Callable[[Context], list[Output]]
    needs: tuple[str, ...] = ()
    #: further condition on the data (e.g. the cell has policies at all)
    when: Callable[[Context], bool] | None = None


def _page(ctx: Context, path: str, template: str, **values: Any) -> Output:
    return Output(path, ctx.render(template, path, **values))


# --------------------------------------------------------------------------- builders


def _summary(ctx: Context) -> dict[str, Any]:
    """Counts for the dashboard, from the ledger and the kernel's results."""
    from hooks.diagnostics import counts

    acs = [ac for s in ctx.stories for ac in s.acs]
    features = ctx.data.derived.get("features")
    scenarios = sum(len(v) for v in (getattr(features, "by_ac", {}) or {}).values())
    return {
        "stories": len(ctx.stories),
        "requirements": sum(len(s.reqs) for s in ctx.stories),
        "acs": len(acs),
        "kernel_acs": sum(1 for ac in acs if ac.kernel),
        "feature_files": len(getattr(features, "files", []) or []) if features is not None else None,
        "tagged_scenarios": scenarios if features is not None else None,
        "status": dict(sorted(Counter(ac.status for ac in acs if ac.status).items())),
        "findings": counts(ctx.data.findings),
        "unreadable": [(f.path, f.causes()[0]) for f in ctx.data.cell.unreadable_inputs()],
        "invalid_items": sum(len(item) for _, item in _invalid(ctx)),
    }


def _invalid(ctx: Context) -> list[tuple[str, list[Any]]]:
    """Per spec file, the items the loader left out for their own errors (the rest of the file loaded)."""
    cell = ctx.data.cell
    files = (cell.ledger, cell.tasks, cell.flows, cell.contextpack, cell.doc_index)
    return [(f.path, [{"kind": i.kind, "ident": i.ident, "line": i.line, "col": i.col,
                       "findings": list(zip(i.codes, i.messages))} for i in f.invalid])
            for f in files if f.invalid]


def dashboard(ctx: Context) -> list[Output]:
    invariants = _invariants(ctx) if ctx.data.has("graph") else None
    policy = _policy_summary(ctx.data.derived["policy"]) if _has_policies(ctx) else None
    budgets = ctx.data.derived.get("bundles") or None
    return [_page(ctx, "index.md", "dashboard.md", summary=_summary(ctx), coverage=ctx.data.derived.get("coverage"),
                  invariants=invariants, policy=policy, budgets=budgets)]


def stories(ctx: Context) -> list[Output]:
    from site_gen.mermaid import graph_story_source, story_source, to_svgs

    graph = ctx.data.derived.get("graph")
    out = [_page(ctx, "stories/index.md", "stories.md")]
    sources = [(graph_story_source(graph, story.id) if graph is not None else None) or story_source(story)
               for story in ctx.stories]
    for story, source, svg in zip(ctx.stories, sources, to_svgs(sources)):
        # The drawing is a file of its own: pages stay small, the search indexer
        # never walks it, and SVG ids and styles cannot clash between diagrams.
        if svg is not None:
            out.append(Output(f"stories/{story.slug}.svg", svg))
        out.append(_page(ctx, f"stories/{story.slug}.md", "story.md", story=story,
                         diagram_source=source, diagram_svg=svg is not None))
    return out


def ac_index(ctx: Context) -> list[Output]:
    acs = [ac for s in ctx.stories for ac in s.acs]
    statuses = sorted({ac.status or "unknown" for ac in acs})
    tags = sorted({t for ac in acs for t in ac.tags} | ({"kernel"} if any(ac.kernel for ac in acs) else set()))
    return [_page(ctx, "acs.md", "acs.md", acs=acs, statuses=statuses, tags=tags)]


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
    return [_page(ctx, "traceability.md", "traceability.md", test_ref=_test_ref, scenario_ref=_scenario_ref),
            Output("traceability.csv", traceability_csv(ctx))]


def findings(ctx: Context) -> list[Output]:
    severities = sorted({d.severity.value for d in ctx.data.findings})
    return [_page(ctx, "findings.md", "findings.md", findings=ctx.data.findings, severities=severities,
                  invalid=_invalid(ctx), unreadable=_summary(ctx)["unreadable"])]


def schemas(ctx: Context) -> list[Output]:
    from hooks.schema import MODELS, OUTPUTS, WRITTEN, names, schema_text

    out = [Output(f"schema/{name}.json", schema_text(name)) for name in names()]
    described = {n: t for table in (MODELS, OUTPUTS, WRITTEN) for n, (_, _, t) in table.items()}
    out.append(_page(ctx, "schemas.md", "schemas.md", models={n: described[n] for n in names()},
                     has_status=ctx.data.has("status")))
    return out


def _invariants(ctx: Context) -> list[Any]:
    """The governance-graph check's findings (the cell caches the graph, so this is cheap)."""
    from hooks.checks import CHECKS, run

    if "invariants" not in ctx.cache:
        ctx.cache["invariants"] = run(ctx.data.cell, ["governance-graph"]) if "governance-graph" in CHECKS else []
    return list(ctx.cache["invariants"])


def graph_page(ctx: Context) -> list[Output]:
    """The graph invariants and the graph itself as files."""
    from hooks.graph import to_json, to_mermaid

    graph = ctx.data.derived["graph"]
    invariants = _invariants(ctx)
    kinds = Counter(str(n.get("kind")) for _, n in graph.g.nodes(data=True))
    return [
        _page(ctx, "graph.md", "graph.md", invariants=invariants, kinds=dict(sorted(kinds.items())),
              edges=graph.g.number_of_edges()),
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
    return [_page(ctx, "policies.md", "policies.md", report=report, summary=_policy_summary(report))]


def bundles(ctx: Context) -> list[Output]:
    return [_page(ctx, "bundles.md", "bundles.md", bundles=ctx.data.derived["bundles"])]


def adrs(ctx: Context) -> list[Output]:
    """Every ADR file (``Cell.adrs``) with what references it; referenced-but-missing ones too."""
    index = ctx.data.derived["adrs"]
    refs: dict[str, list[dict[str, str]]] = {}
    for story in ctx.stories:
        items: list[tuple[str, str, list[str]]] = [(story.id, story.slug, story.adrs)]
        for req in story.reqs:
            items.append((req.id, req.anchor, req.adrs))
            items.extend((ac.id, ac.anchor, ac.adrs) for ac in req.acs)
        for ident, anchor, cited in items:
            for adr in cited:
                refs.setdefault(adr, []).append({"id": ident, "story": story.id, "anchor": anchor})
    known = sorted(index.adrs.values(), key=lambda a: a.number)
    missing = sorted(a for a in refs if a not in index.adrs)
    return [_page(ctx, "adr/index.md", "adrs.md", adrs=known, missing=missing, refs=refs)]


def status_json(ctx: Context) -> list[Output]:
    doc = ctx.data.derived["status"]
    return [Output("status.json", json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n")]


# --------------------------------------------------------------------------- registry

PAGES: tuple[PageSpec, ...] = (
    PageSpec("dashboard", "Dashboard", "index.md", dashboard),
    PageSpec("stories", "Stories", "stories/index.md", stories),
    PageSpec("acs", "Acceptance criteria", "acs.md", ac_index),
    PageSpec("traceability", "Traceability", "traceability.md", matrix),
    PageSpec("findings", "Findings", "findings.md", findings),
    PageSpec("policies", "Policies", "policies.md", policies, needs=("policy",), when=lambda ctx: _has_policies(ctx)),
    PageSpec("graph", "Graph", "graph.md", graph_page, needs=("graph",)),
    PageSpec("bundles", "Bundles", "bundles.md", bundles, needs=("bundles",),
             when=lambda ctx: bool(ctx.data.derived.get("bundles"))),
    PageSpec("adrs", "Decisions", "adr/index.md", adrs, needs=("adrs",)),
    PageSpec("schemas", "Schemas", "schemas.md", schemas),
    PageSpec("status", "status.json", "status.json", status_json, needs=("status",)),
)


def available(ctx: Context) -> list[PageSpec]:
    return [p for p in PAGES if all(ctx.data.has(n) for n in p.needs) and (p.when is None or p.when(ctx))]


def generate(ctx: Context) -> tuple[list[Output], list[tuple[str, str]]]:
    """Every generated file, and the (title, path) of each page for the navigation."""
    outputs: list[Output] = []
    nav: list[tuple[str, str]] = []
    for spec in available(ctx):
        outputs.extend(spec.build(ctx))
        if spec.path.endswith(".md"):
            nav.append((spec.title, spec.path))
    return outputs, nav
