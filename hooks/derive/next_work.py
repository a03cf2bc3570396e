"""``govcell next``: what to work on, ranked, each with a reason code.

Order (most urgent first): files of the cell that could not be read at all, failing kernel ACs,
uncovered kernel ACs, suspect ACs (changed since their proofs were reviewed), failing non-kernel ACs,
ready tasks (``todo`` with every ``depends_on`` done) by priority,
then scenarios whose tags name no AC.  Within a reason, items sort by ID (tasks:
by priority, then ID), so the list is stable.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.derive.coverage import Coverage
    from govcell.formats.tasks import Task

NEXT_SCHEMA = "govcell.next/1"
REASONS = ("unreadable-file", "failing-kernel-ac", "uncovered-kernel-ac", "suspect-ac", "failing-ac", "ready-task",
           "orphaned-scenario")
_WORDS = {"critical": 0, "blocker": 0, "urgent": 0, "highest": 0, "high": 1, "major": 1, "medium": 2, "normal": 2,
          "moderate": 2, "low": 3, "minor": 3, "lowest": 4, "trivial": 4}


def priority_rank(task: Task) -> int:
    """0 (most urgent) .. 4; 5 when the task says nothing.

    Read from ``priority`` (``P0``..``P4``, ``high``...) and from labels such as
    ``priority:high``, ``priority/P1``, ``P2`` or ``high``.  The most urgent wins.
    """
    ranks = [_rank(task.priority, explicit=True)] if task.priority else []
    ranks += [_rank(label, explicit=False) for label in task.labels]
    return min([r for r in ranks if r is not None], default=5)


def _rank(value: str, *, explicit: bool) -> int | None:
    v = value.strip().lower()
    m = re.fullmatch(r"(?:priority|prio)\s*[:/=_-]\s*(.+)", v)
    if m:
        v, explicit = m.group(1).strip(), True
    m = re.fullmatch(r"p?([0-4])", v)
    if m and (explicit or v.startswith("p")):
        return int(m.group(1))
    return _WORDS.get(v)


def next_items(cell: Cell, cov: Coverage) -> list[dict[str, Any]]:
    """Every ranked work item of the cell and its coverage (unlimited; ``Analysis.next_items`` caches them)."""
    from govcell.derive.coverage import ac_positions, natural_key

    items: list[dict[str, Any]] = []
    positions = ac_positions(cell.ledger)

    def where(a: Any) -> str:
        if a.scenarios:
            return str(a.scenarios[0].location)
        return f"{cell.config.paths.ledger}:{positions.get(a.id, (1, 1))[0]}"

    for f in cell.unreadable_inputs():
        first = f.causes()[0]
        items.append({"reason": "unreadable-file", "id": f.path, "title": f"{first.code}: {first.message}",
                      "location": first.location,
                      "hint": "fix this file first: what depends on it cannot be judged until it reads"})
    live = [a for a in cov.acs.values() if a.status != "deprecated"]
    for a in live:
        if a.kernel and a.run == "failing":
            items.append({"reason": "failing-kernel-ac", "id": a.id, "title": a.text, "location": where(a),
                          "hint": "a test proving this kernel AC fails: fix the code or the test"})
    for a in live:
        if a.kernel and a.coverage != "covered":
            items.append({"reason": "uncovered-kernel-ac", "id": a.id, "title": a.text, "location": where(a),
                          "hint": f"write a scenario tagged @{a.id} or map an automated test to it"})
    for a in live:
        if a.suspect and not (a.kernel and a.run == "failing"):
            items.append({"reason": "suspect-ac", "id": a.id, "title": a.text, "location": where(a),
                          "hint": f"its text changed since its proofs were reviewed: check that they still prove it, "
                                  f"then run `govcell review {a.id}`"})
    for a in live:
        if not a.kernel and a.run == "failing":
            items.append({"reason": "failing-ac", "id": a.id, "title": a.text, "location": where(a),
                          "hint": "a test proving this AC fails"})
    tasks = cell.tasks.model.tasks if cell.tasks.model else []
    done = {t.id for t in tasks if t.status == "done"}
    ready = [t for t in tasks if t.status == "todo" and all(d in done for d in t.depends_on)]
    ready.sort(key=lambda t: (priority_rank(t), natural_key(t.id)))
    for t in ready:
        item: dict[str, Any] = {"reason": "ready-task", "id": t.id, "title": t.title,
                                "location": cell.config.paths.tasks, "hint": "every dependency is done"}
        rank = priority_rank(t)
        if rank < 5:
            item["priority"] = f"P{rank}"
        items.append(item)
    for sc, missing in cov.orphans:
        items.append({"reason": "orphaned-scenario", "id": ", ".join(missing), "title": sc.name,
                      "location": sc.location, "hint": "add the AC to the ledger, or retag the scenario"})
    for n, item in enumerate(items, 1):
        item["rank"] = n
    return items


def render(items: list[dict[str, Any]], *, as_json: bool, limit: int) -> str:
    """``govcell next``'s text or JSON for the ranked ``items`` (``Analysis.next_items``)."""
    shown = items[:limit] if limit > 0 else items
    if as_json:
        doc = {"schema": NEXT_SCHEMA, "total": len(items), "items": shown}
        return json.dumps(doc, indent=2, sort_keys=True) + "\n"
    if not items:
        return "Nothing to do: no failing or uncovered kernel ACs, no ready tasks, no orphaned scenarios.\n"
    lines = [f"{i['rank']:>3}. {i['reason']:<19} {i['id']}: {i['title']}  ({i['location']})" for i in shown]
    if len(shown) < len(items):
        lines.append(f"... and {len(items) - len(shown)} more (--limit 0 shows all)")
    return "\n".join(lines) + "\n"
