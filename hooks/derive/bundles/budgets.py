"""Budgets: every contextpack task's size against its ``max_bytes``, for the check, the site and ``bundle --list``.

A bundle's size is the size of its Markdown rendering, measured with the one
renderer (:mod:`govcell.derive.bundles.render`) that ``govcell bundle`` writes.
"""

from __future__ import annotations

import dataclasses

from govcell.derive.bundles.build import build
from govcell.derive.bundles.bundler import Bundler
from govcell.derive.bundles.model import Bundle, BundleBudget


def rendered_size(bundle: Bundle) -> int:
    """Bytes of the bundle's Markdown rendering (what ``max_bytes`` budgets)."""
    # Imported when a size is measured: xml.sax.saxutils (the XML renderer's escaping) imports
    # urllib, which a hook that measures no bundle should not pay for at start.
    from govcell.derive.bundles.render import render

    return len(render(bundle, "md").encode("utf-8"))


def budgets(state: Bundler) -> list[BundleBudget]:
    """Every contextpack task's rendered size against its budget, in contextpack order.

    ``bytes`` is the size of the full Markdown rendering (every carried file,
    nothing dropped); ``over`` is ``bytes > max_bytes``.  Empty when the cell
    has no valid contextpack.
    """
    pack = state.cell.contextpack.model
    if pack is None:
        return []
    out = []
    for name, task in pack.tasks.items():
        bundle = build(state, name)
        if bundle is None:
            continue
        carried = bundle.files + [state.info(p) for p, _b, _r in bundle.omitted]
        size = rendered_size(dataclasses.replace(bundle, files=carried, omitted=[]))
        out.append(BundleBudget(name, task.description, task.max_bytes, size,
                                [(f.path, f.size) for f in carried], list(bundle.skipped), size > task.max_bytes))
    return out
