"""The ledger's pages: the stories (each with its diagram), the AC index and the traceability matrix (and CSV)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from govcell_site.pages.output import Output, page
from markupsafe import Markup

if TYPE_CHECKING:
    from govcell_site.render import Context


def stories(ctx: Context) -> Iterator[Output]:
    from govcell_site.diagram import NODE_H, PAD, layout
    from govcell_site.mermaid import graph_story_source, story_source
    from govcell_site.render import environment

    graph = ctx.data.derived.get("graph")
    tree = environment().get_template("diagram.svg")
    yield page(ctx, "stories/index.md", "stories.md")
    for story in ctx.stories:
        # The Mermaid source is the kernel's export of the story's part of the graph (for readers
        # who paste it elsewhere); the drawing is the compact tree, inline so its nodes are links.
        source = (graph_story_source(graph, story.id) if graph is not None else None) or story_source(story)
        svg = tree.render(d=layout(story), story=story, pad=PAD, node_h=NODE_H)
        yield page(ctx, f"stories/{story.slug}.md", "story.md", story=story, diagram_source=source,
                    diagram=Markup(svg))  # noqa: S704 - rendered by an autoescaping template

def filter_bar(name: str, label: str, values: Any, labels: Callable[[str], str] | None = None) -> dict[str, Any]:
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
    out = [filter_bar("state", "State", _state_order(states)),
           filter_bar("story", "Story", [s.id for s in ctx.stories], str),
           {"name": "kernel", "label": "Kernel", "options": list(KERNEL_OPTIONS)},
           filter_bar("coverage", "Coverage", _state_order({ac.coverage for ac in acs if ac.coverage}))]
    if tags:
        out.append(filter_bar("tag", "Tag", sorted({t for ac in acs for t in ac.tags}), str))
    return out

def ac_index(ctx: Context) -> list[Output]:
    acs = [ac for s in ctx.stories for ac in s.acs]
    return [page(ctx, "acs.md", "acs.md", acs=acs, filters=_ac_filters(ctx, acs, tags=True))]

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
    return [page(ctx, "traceability.md", "traceability.md", test_ref=_test_ref, scenario_ref=_scenario_ref,
                  filters=_ac_filters(ctx, acs, tags=False)),
            Output("traceability.csv", traceability_csv(ctx))]
