"""The pages of the cell's history: trends over recent commits and the changes since a base revision."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from govcell_site.pages.output import Output, page

if TYPE_CHECKING:
    from govcell_site.render import Context


def trends(ctx: Context) -> list[Output]:
    doc = ctx.data.derived["history"]
    from govcell_site import charts

    trend = charts.trend(doc["points"]) if charts.available() else None
    return [page(ctx, "trends.md", "trends.md", points=doc["points"], head=doc["head"] or "", trend=trend)]

_CHANGE_ORDER = ("added", "removed", "renamed", "changed")

def changes(ctx: Context) -> list[Output]:
    """The "changes since BASE" page: the ``govcell.diff/1`` document of the base -> the working tree."""
    doc = ctx.data.derived["changes"]
    base = doc.get("base") or {}
    label = base.get("ref") or "the base"
    if doc["diagnostics"]:
        return [page(ctx, "changes.md", "changes.md", label=label, diag=doc["diagnostics"])]
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
    return [page(ctx, "changes.md", "changes.md", label=label, diag=[], base=base, s=doc["summary"], items=items,
                  acs=acs, scenarios=scenarios, bundles=doc["bundles"], findings=findings)]
