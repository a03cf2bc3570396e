"""Mermaid diagrams, drawn to SVG at build time so the site needs no script and no network.

mkdocs-material would fetch Mermaid from a CDN when a page shows a diagram;
that breaks the offline rule, so diagrams are rendered here with ``merm``
(a pure-Python Mermaid renderer) and embedded as inline SVG.  The Mermaid
source is kept on the page too, for readers who paste it elsewhere.  Labels
are IDs only, reduced to a safe alphabet: ledger prose never reaches the
diagram syntax, so it cannot break out of a label.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from site_gen.views import StoryView

_LABEL = re.compile(r"[^A-Za-z0-9 ._:/@-]+")

#: status -> (fill, stroke); unknown statuses keep merm's default style.
STYLES: dict[str, tuple[str, str]] = {
    "passing": ("#c8e6c9", "#2e7d32"),
    "covered": ("#dcedc8", "#558b2f"),
    "meta": ("#e1f5fe", "#0277bd"),
    "not-run": ("#fff9c4", "#f9a825"),
    "uncovered": ("#ffe0b2", "#ef6c00"),
    "failing": ("#ffcdd2", "#c62828"),
}


def label(text: str) -> str:
    return _LABEL.sub("_", text)[:80] or "_"


def story_source(story: StoryView) -> str:
    """story -> requirements -> ACs, each AC coloured by its status (when known)."""
    from site_gen.views import token

    lines = ["flowchart LR", f'  s["{label(story.id)}"]']
    used: set[str] = set()
    for i, req in enumerate(story.reqs):
        lines.append(f'  r{i}["{label(req.id)}"]')
        lines.append(f"  s --> r{i}")
        for j, ac in enumerate(req.acs):
            cls = token(ac.status) if ac.status else ""
            suffix = f":::{cls.replace('-', '_')}" if cls in STYLES else ""
            if suffix:
                used.add(cls)
            lines.append(f'  a{i}_{j}(["{label(ac.id)}"]){suffix}')
            lines.append(f"  r{i} --> a{i}_{j}")
    for cls in sorted(used):
        fill, stroke = STYLES[cls]
        lines.append(f"  classDef {cls.replace('-', '_')} fill:{fill},stroke:{stroke}")
    return "\n".join(lines) + "\n"


def to_svg(source: str) -> str | None:
    """The SVG of ``source``, or ``None`` when merm is missing or cannot draw it.

    ``None`` leaves the page with the source only (and a note), never with a
    broken build: the diagram is an illustration of data shown in full elsewhere.
    """
    try:
        import merm
    except ImportError:
        return None
    try:
        svg = merm.render_diagram(source)
    except Exception:  # noqa: BLE001 - a young renderer; fall back to the source
        return None
    # merm gives every diagram the same marker ids; inline SVGs share one
    # document, so keep the ids unique per diagram.
    return _unique_ids(svg)


_ID = re.compile(r'\bid="([^"]+)"')


def _unique_ids(svg: str) -> str:
    import hashlib

    ids = set(_ID.findall(svg))
    if not ids:
        return svg
    salt = "gc" + hashlib.sha1(svg.encode()).hexdigest()[:8] + "-"
    for ident in sorted(ids, key=len, reverse=True):
        svg = svg.replace(f'id="{ident}"', f'id="{salt}{ident}"').replace(f"url(#{ident})", f"url(#{salt}{ident})")
        svg = svg.replace(f'href="#{ident}"', f'href="#{salt}{ident}"')
    return svg
