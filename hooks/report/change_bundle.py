"""``govcell bundle --changes BASE``: a bounded context bundle for the reviewer of a change.

It carries, in this order, what a reviewer (a person or an agent) needs and no more:

1. the **governance diff** of ``BASE`` -> the working tree (``govcell.derive.diff``) as
   Markdown, with the findings the change introduced and resolved;
2. each AC the change **touched** (added, changed, renamed, a change of its coverage or
   state, a scenario of it added, removed or retagged) or that is **suspect** now, with its
   requirement, story, scenarios and tests (the rendered ledger links);
3. the files that prove and decide those ACs: their feature files, mapped test files,
   ADRs and the requirements' documents (``govcell.derive.bundles``).

Everything is bounded by ``max_bytes`` (``--max-bytes``, default
``bundles.changes_max_bytes``): files are left out first (listed in the bundle and its
manifest, as for every bundle); if the header alone is still too large, the diff's
rows and then the ACs are cut, each cut saying how much was left out and how to see it.
The same two revisions give the same bytes.

It lives with the reporters because its header carries the rendered governance diff
(``govcell.report.diff``); fitting the header to the budget is measured by rendering it
with the one bundle renderer (``govcell.derive.bundles.render``), as
:func:`~govcell.derive.bundles.render.fit` does for files; what goes in is derived below
(``govcell.derive``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govcell.derive.analysis import Analysis
    from govcell.derive.bundles import Bundle

NAME = "changes"
PROMPT = ("Review this change to the governed cell. For each acceptance criterion below, check that its "
          "scenarios and tests still prove what it says now (a suspect AC was rewritten since its proofs were "
          "reviewed: confirm them, then `govcell review AC-ID`); check that every finding the change introduced "
          "is intended, and that removed or renamed items leave nothing dangling.")
#: share of the budget the header (diff and ACs) may take before it is cut; the rest is for files
HEAD_SHARE = 0.6


def touched_acs(doc: dict[str, Any], analysis: Analysis) -> list[str]:
    """The head's ACs the diff names or that are suspect now, in ledger order."""
    named: set[str] = set()
    items = doc.get("items") or {}
    for section in ("added", "changed"):
        named.update(r["id"] for r in items.get(section, []) if r["kind"] == "ac")
    named.update(r["to"] for r in items.get("renamed", []) if r["kind"] == "ac")
    named.update(a["id"] for a in doc.get("acs", []) if a.get("after") is not None)
    sc = doc.get("scenarios") or {}
    for section in ("added", "removed", "retagged"):
        for s in sc.get(section, []):
            named.update(s.get("acs", []))
    named.update(a.id for a in analysis.coverage.acs.values() if a.suspect)
    ledger = analysis.cell.ledger.model
    return [ac.id for _, _, ac in (ledger.iter_acs() if ledger else ()) if ac.id in named]


def build(analysis: Analysis, doc: dict[str, Any], max_bytes: int | None = None, fmt: str = "md") -> Bundle:
    """The change bundle of a ``govcell.diff/1`` document whose head is the analysed cell."""
    from govcell.derive.bundles import build_for_acs
    from govcell.report.diff import render
    from govcell.derive.bundles.render import render as render_bundle

    cell = analysis.cell
    budget = max_bytes or cell.config.bundles.changes_max_bytes
    diff_lines = render(doc, "markdown").splitlines()[2:]  # without its own "## Governance diff" title
    acs = touched_acs(doc, analysis)
    base, head = doc.get("base") or {}, doc.get("head") or {}
    description = (f"Reviewing the change {_side(base)} -> {_side(head)}: its governance diff, the "
                   f"{len(acs)} acceptance criteria it touched or that are suspect, with what proves them, and the "
                   "findings it introduced.")

    def make(lines: list[str], ids: list[str]) -> Bundle:
        diff_text = "\n".join(lines).strip() or "No governance change."
        if len(ids) < len(acs):
            diff_text += (f"\n\n{len(acs) - len(ids)} more AC(s) left out of this bundle to fit its budget: "
                          + ", ".join(acs[len(ids):]))
        return build_for_acs(analysis.bundler, NAME, description, PROMPT, ids, [("Governance diff", diff_text)], budget,
                             kind="changes")

    def head_size(b: Bundle) -> int:
        import dataclasses

        return len(render_bundle(dataclasses.replace(b, files=[], omitted=[], skipped=[]), fmt).encode("utf-8"))

    limit = int(budget * HEAD_SHARE)

    def cut(keep: int) -> list[str]:
        if keep >= len(diff_lines):
            return diff_lines
        see = f"`govcell diff {base.get('ref') or ''}`".replace(" `", "`")
        return diff_lines[:keep] + ["", f"... {len(diff_lines) - keep} more line(s) of the diff: {see} shows them"]

    # Too large a header: cut the diff's rows from the end (its summary and items come first), then the ACs.
    keep = len(diff_lines)
    lines = diff_lines
    bundle = make(lines, acs)
    while head_size(bundle) > limit and keep > 1:
        keep //= 2
        lines = cut(keep)
        bundle = make(lines, acs)
    ids = list(acs)
    while ids and head_size(bundle) > limit:
        ids = ids[: len(ids) // 2]
        bundle = make(lines, ids)
    from govcell.diagnostics import Severity, diag

    left = [f"{len(diff_lines) - keep} of {len(diff_lines)} line(s) of the diff"] if keep < len(diff_lines) else []
    left += [f"{len(acs) - len(ids)} of {len(acs)} AC(s) with their files"] if len(ids) < len(acs) else []
    bundle.findings.append(diag("bundle.truncated", f"bundle '{NAME}' does not fit its {budget} bytes: left out "
                                + " and ".join(left), cell.ledger.path, severity=Severity.WARNING,
                                hint="raise --max-bytes (or bundles.changes_max_bytes), or run `govcell diff` "
                                     "for the whole diff"))
    return bundle


def _side(side: dict[str, Any]) -> str:
    if side.get("kind") == "revision":
        ref, commit = side.get("ref") or "", (side.get("commit") or "")[:12]
        return f"{ref} ({commit})" if ref and commit and not commit.startswith(ref) else (commit or ref or "?")
    return str(side.get("label") or "?")
