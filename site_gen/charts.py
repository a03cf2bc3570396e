"""Charts drawn at build time with pygal, as inline SVG that needs no script and no network.

Every chart is a ``Chart``: the SVG, a one-sentence summary (its text
alternative, also the SVG's own ``<desc>``) and the data as rows, which the
page shows in a table under the drawing.  The numbers are the kernel's
(coverage summary, status document, policy report, bundle budgets): a chart
only draws them.  pygal's output is made byte-deterministic here: a fixed
chart id instead of a random one, no "generated on <date>" comment, and no
``<script>`` (its tooltips script would come from a CDN).  Labels are IDs and
fixed words; pygal writes them with ElementTree, which escapes them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

#: state -> colour, in the kernel's roll-up order (worst first)
STATE_COLOURS: dict[str, str] = {
    "failing": "#c62828",
    "uncovered": "#ef6c00",
    "suspect": "#6a1b9a",
    "not_run": "#f9a825",
    "passing": "#2e7d32",
    "meta": "#0277bd",
}
#: at most this many stories get a bar; the rest are counted in the summary
MAX_STORIES = 25


def _top_down(values: list[Any]) -> list[Any]:
    return list(reversed(values))


@dataclasses.dataclass(frozen=True)
class Chart:
    key: str
    title: str
    summary: str
    svg: str
    #: the drawn data: a header row, then one row per bar
    rows: list[list[str]]


def available() -> bool:
    try:
        import pygal  # noqa: F401
    except ImportError:
        return False
    return True


def _style(colours: Sequence[str]) -> Any:
    from pygal.style import Style

    return Style(background="transparent", plot_background="transparent", foreground="#37474f",
                 foreground_strong="#263238", foreground_subtle="#90a4ae", colors=tuple(colours),
                 font_family="sans-serif", label_font_size=14, major_label_font_size=14, legend_font_size=14,
                 title_font_size=15, value_font_size=12, tooltip_font_size=12, opacity=".9", opacity_hover="1",
                 guide_stroke_color="#cfd8dc", major_guide_stroke_color="#b0bec5", guide_stroke_dasharray="2,4",
                 major_guide_stroke_dasharray="2,4")


def _finish(key: str, title: str, summary: str) -> Any:
    """An xml filter: drop pygal's scripts and its dated comment (determinism, no CDN), and give the
    drawing its text alternative as its own ``<title>`` and ``<desc>`` (ElementTree escapes them)."""
    def finish(root: Any) -> Any:
        from pygal.etree import etree

        for parent in list(root.iter()):
            for child in list(parent):
                if not isinstance(child.tag, str) or child.tag.rsplit("}", 1)[-1] == "script":
                    parent.remove(child)
        desc = etree.Element("desc", id=f"chart-gc-{key}-desc")
        desc.text = summary
        root.insert(0, desc)
        head = etree.Element("title", id=f"chart-gc-{key}-title")
        head.text = title
        root.insert(0, head)
        root.set("role", "img")
        root.set("aria-labelledby", f"chart-gc-{key}-title chart-gc-{key}-desc")
        return root
    return finish


def _render(chart: Any, key: str, title: str, summary: str) -> str:
    chart.uuid = f"gc-{key}"  # pygal's default is a random uuid4 (its CSS is scoped by it)
    chart.add_xml_filter(_finish(key, title, summary))
    from markupsafe import Markup

    return Markup(chart.render(is_unicode=True))  # noqa: S704 - pygal's own escaped SVG


def _base(kind: str, colours: Sequence[str], labels: list[str], height: int, **config: Any) -> Any:
    """A pygal chart with govcell's settings.  Horizontal charts draw their first label at the
    bottom: callers pass labels and values through ``_top_down`` so the bars read in page order."""
    import pygal

    settings: dict[str, Any] = {"legend_at_bottom": True, "legend_at_bottom_columns": 5, "print_values": False,
                                "show_y_guides": False, "truncate_label": -1, "truncate_legend": -1, "margin": 8,
                                "margin_bottom": 44,
                                "spacing": 8, **config}
    return getattr(pygal, kind)(style=_style(colours), width=640, height=height, x_labels=labels, js=[],
                                disable_xml_declaration=True, **settings)


def states_by_story(story_states: dict[str, dict[str, int]], order: list[str]) -> Chart | None:
    """Stacked bars: each story's live ACs by state (the stories with the most ACs needing work first)."""
    from govcell_site.views import words

    rows = [(sid, story_states[sid]) for sid in order if sid in story_states and any(story_states[sid].values())]
    if not rows:
        return None
    total = len(rows)
    if total > MAX_STORIES:
        worst = sorted(range(total), key=lambda i: (-sum(v for k, v in rows[i][1].items() if k != "passing"), i))
        keep = sorted(worst[:MAX_STORIES])
        rows = [rows[i] for i in keep]
    states = [s for s in STATE_COLOURS if any(counts.get(s) for _, counts in rows)]
    labels = [sid for sid, _ in rows]
    chart = _base("HorizontalStackedBar", [STATE_COLOURS[s] for s in states], _top_down(labels),
                  height=150 + 28 * len(rows), show_x_guides=True)
    for s in states:
        chart.add(words(s), _top_down([counts.get(s, 0) or None for _, counts in rows]))
    shown = f"the {len(rows)} of {total} stories with the most ACs needing work" if total > len(rows) \
        else f"{total} stor{'y' if total == 1 else 'ies'}"
    summary = f"Acceptance criteria by state for {shown}: " + "; ".join(
        f"{sid}: " + ", ".join(f"{counts[s]} {words(s)}" for s in states if counts.get(s))
        for sid, counts in rows) + "."
    title = "Acceptance criteria by state, per story"
    return Chart("states", title, summary, _render(chart, "states", title, summary),
                 [["story", *(words(s) for s in states)], *([sid, *(str(c.get(s, 0)) for s in states)]
                                                          for sid, c in rows)])


def coverage_totals(acs: dict[str, Any]) -> Chart | None:
    """Two stacked bars of the live ACs: static coverage, and run results."""
    counts = acs.get("all") or {}
    if not counts.get("total"):
        return None
    parts = [("covered", "#2e7d32", 0), ("uncovered", "#ef6c00", 0), ("meta", "#0277bd", 0),
             ("passing", "#1b5e20", 1), ("failing", "#c62828", 1), ("not_run", "#f9a825", 1)]
    from govcell_site.views import words

    labels = ["runs", "coverage"]  # drawn bottom-up: coverage on top
    chart = _base("HorizontalStackedBar", [c for _, c, _ in parts], labels, height=210, show_x_guides=True,
                  legend_at_bottom_columns=3)
    for key, _colour, bar in parts:
        values: list[int | None] = [None, None]
        values[1 - bar] = counts.get(key, 0) or None
        chart.add(words(key) if key != "covered" else "covered", values)
    summary = (f"Of {counts['total']} live ACs: {counts['covered']} covered, {counts['uncovered']} uncovered, "
               f"{counts['meta']} meta only; {counts['passing']} passing, {counts['failing']} failing, "
               f"{counts['not_run']} not run.")
    title = "Coverage and run results of the acceptance criteria"
    return Chart("coverage", title, summary, _render(chart, "coverage", title, summary),
                 [["ACs", "covered", "uncovered", "meta only", "passing", "failing", "not run"],
                  ["all", *(str(counts.get(k, 0)) for k in ("covered", "uncovered", "meta", "passing", "failing",
                                                           "not_run"))]])


def policy_fixtures(report: Any) -> Chart | None:
    """Stacked bars per policy: fixtures that behaved as expected, and those that did not."""
    policies = [p for p in getattr(report, "policies", []) if p.fixtures]
    if not policies:
        return None
    labels = [p.name for p in policies]
    ok = [sum(1 for f in p.fixtures if f.ok) for p in policies]
    bad = [len(p.fixtures) - n for p, n in zip(policies, ok)]
    chart = _base("HorizontalStackedBar", ["#2e7d32", "#c62828"], _top_down(labels),
                  height=150 + 28 * len(policies), show_x_guides=True)
    chart.add("as expected", _top_down([n or None for n in ok]))
    chart.add("unexpected", _top_down([n or None for n in bad]))
    summary = "Policy fixtures per policy: " + "; ".join(
        f"{name}: {a} as expected, {b} unexpected" for name, a, b in zip(labels, ok, bad)) + "."
    title = "Policy fixture results"
    return Chart("fixtures", title, summary, _render(chart, "fixtures", title, summary),
                 [["policy", "as expected", "unexpected"], *([n, str(a), str(b)] for n, a, b in zip(labels, ok, bad))])


def bundle_budgets(budgets: list[Any]) -> Chart | None:
    """Each bundle's size as a share of its budget (100 % is the budget)."""
    rows = [b for b in budgets if b.max_bytes]
    if not rows:
        return None
    labels = [b.name for b in rows]
    percent = [round(100 * b.bytes / b.max_bytes, 1) for b in rows]
    chart = _base("HorizontalStackedBar", ["#43a047", "#c62828"], _top_down(labels), height=150 + 28 * len(rows),
                  show_x_guides=True, range=(0, max(100.0, *percent)), value_formatter=lambda v: f"{v} %")
    chart.add("within budget", _top_down([p if not b.over else None for p, b in zip(percent, rows)]))
    chart.add("over budget", _top_down([p if b.over else None for p, b in zip(percent, rows)]))
    summary = "Bundle size as a share of its budget: " + "; ".join(
        f"{b.name}: {b.bytes} of {b.max_bytes} bytes ({p} %{', over' if b.over else ''})"
        for b, p in zip(rows, percent)) + "."
    title = "Context bundle size against budget"
    return Chart("bundles", title, summary, _render(chart, "bundles", title, summary),
                 [["bundle", "bytes", "budget", "used"], *([b.name, str(b.bytes), str(b.max_bytes), f"{p} %"]
                                                          for b, p in zip(rows, percent))])


def trend(points: list[dict[str, Any]]) -> Chart | None:
    """Lines over the last commits (oldest first): ACs, covered ACs and findings (``govcell history``)."""
    if not points:
        return None
    labels = [p["commit"][:7] for p in points]
    series = [("ACs", "#37474f", "acs"), ("covered ACs", "#2e7d32", "covered"), ("findings", "#c62828", "findings")]
    chart = _base("Line", [c for _, c, _ in series], labels, height=320, show_x_guides=False, show_y_guides=True,
                  x_label_rotation=40 if len(points) > 12 else 0, show_minor_x_labels=len(points) <= 25,
                  x_labels_major_every=max(1, len(points) // 10), dots_size=2.5, legend_at_bottom_columns=3)
    for name, _colour, key in series:
        chart.add(name, [p[key] for p in points])
    first, last = points[0], points[-1]
    summary = (f"Over the last {len(points)} commit(s), from {labels[0]} to {labels[-1]}: ACs "
               f"{first['acs']} to {last['acs']}, covered ACs {first['covered']} to {last['covered']}, findings "
               f"{first['findings']} to {last['findings']}.")
    title = "ACs, covered ACs and findings over the last commits"
    return Chart("trend", title, summary, _render(chart, "trend", title, summary),
                 [["commit", "date", "ACs", "covered", "uncovered", "findings", "errors"],
                  *([p["commit"][:12], p["date"][:10], str(p["acs"]), str(p["covered"]), str(p["uncovered"]),
                     str(p["findings"]), str(p["errors"])] for p in points)])
