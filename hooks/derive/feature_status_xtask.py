"""``feature_status.format: xtask``: the report the Rust template's ``cargo xtask ac-status`` writes.

The template's xtask (``crates/xtask/src/commands/ac_status.rs``,
``generate_status_md_content``) writes ``docs/feature_status.md`` as a header
comment, one table row per AC sorted by ID (story, requirement, status, number
of automated tests), the unmapped service ACs, the meta / CI-only ACs and the
scenarios whose AC tag names no AC.  govcell renders the same text from the
repository, so the ``feature-status`` hook governs such a report in its own
format instead of converting it.

Everything but the *Status* column is static, and govcell renders it exactly as
the xtask does:

* ``Tests`` counts the AC's ``unit`` / ``integration`` / ``bdd`` test mappings;
* an AC is *unmapped* when it has no such mapping or its status is unknown, and
  *meta* when it is tagged ``harness`` / ``example`` / ``ci-only`` or has a
  ``ci`` mapping (meta ACs are listed apart, with " – ");
* the header carries the ledger's first ``template_version:`` and
  ``last_updated:`` lines, as the xtask reads them;
* a scenario is identified by its name and its first own ``@AC-…`` tag, and
  listed when that AC is not in the ledger (path relative to the parent of the
  feature directory, as the xtask prints it).

*Status* is a run result (the xtask reads the BDD coverage file and unit test
results), which a committed report rendered from the repository alone cannot
know.  So govcell applies the xtask's static rules where they decide (no
automated mapping: ``[UNKNOWN] unknown``; a mapped ``unit`` test counts as run,
so never unknown: ``[PASS] pass`` unless recorded as failing) and otherwise
keeps the status the report already records for that AC; an AC the report does
not hold yet is ``[UNKNOWN] unknown`` until the xtask runs it.  The report
therefore never flips between machines, and ``cargo xtask ac-status --check``
keeps agreeing with it.

*Suspect* ACs (``govcell.derive.suspect``): the xtask knows no reviews and its
``--check`` (run by its ``docs-check`` in CI) compares the whole text, so the
format has no place for the marker that would not differ from the xtask's
report.  govcell adds it only in a cell that records reviews and only while an AC
is suspect: the AC's *Status* reads ``[PASS] pass [SUSPECT]`` (the template's own
reader, ``spec-runtime``'s ``parse_feature_status``, looks for the icon with
``contains``, so it still reads the row) and a last section lists the suspect ACs.
That difference is the point (a suspect AC should block until reviewed);
``govcell review AC-ID`` ends it, and the report is the xtask's own again.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.derive.coverage import Coverage

AUTOMATED = ("unit", "integration", "bdd")
META_TAGS = ("harness", "example", "ci-only")
ICONS = {"pass": "[PASS]", "fail": "[FAIL]", "unknown": "[UNKNOWN]"}
#: govcell's marker after a suspect AC's status (the template's readers look for the icon with ``contains``)
SUSPECT = "[SUSPECT]"
_ROW = re.compile(r"^\| (\S+) \| .* \| \[(?:PASS|FAIL|UNKNOWN)\] (pass|fail|unknown)(?: \[SUSPECT\])? \| \d+ \|$")
_AC_TAG = re.compile(r"^@(AC-[A-Z0-9-]+)$")


def recorded_statuses(text: str | None) -> dict[str, str]:
    """AC ID -> pass | fail | unknown, from the table of an existing report."""
    out: dict[str, str] = {}
    for line in (text or "").splitlines():
        match = _ROW.match(line)
        if match:
            out[match.group(1)] = match.group(2)
    return out


def _ledger_line_value(text: str, key: str) -> str | None:
    """The xtask's reading: the first line starting with ``key:``, between its first and second colon."""
    for line in text.splitlines():
        if line.strip().startswith(f"{key}:"):
            parts = line.split(":")
            if len(parts) > 1:
                return parts[1].strip().strip('"')
    return None


def _ac_rows(cell: Cell) -> list[dict[str, Any]]:
    """Every AC as the xtask's ``parse_ledger`` sees it (a later duplicate ID replaces an earlier one)."""
    model = cell.ledger.model
    acs: dict[str, dict[str, Any]] = {}
    if model is None:
        return []
    for story, req, ac in model.iter_acs():
        types = [str(t.type).lower() for t in ac.tests]
        acs[ac.id] = {
            "id": ac.id, "story": story.id, "req": req.id, "text": ac.text or "",
            "tags": list(ac.tags or []), "types": types,
            "total": sum(1 for t in types if t in AUTOMATED),
        }
    return [acs[k] for k in sorted(acs)]


def _status(row: dict[str, Any], recorded: dict[str, str]) -> str:
    if row["total"] == 0:
        return "unknown"
    had = recorded.get(row["id"], "unknown")
    if "unit" in row["types"]:
        return "fail" if had == "fail" else "pass"
    return had


def _is_meta(row: dict[str, Any]) -> bool:
    return any(t in META_TAGS for t in row["tags"]) or "ci" in row["types"]


def _unmapped_scenarios(cell: Cell, ac_ids: set[str]) -> list[tuple[str, str, str]]:
    """(name, AC ID, file) of scenarios whose first own AC tag names no AC, one per name (the xtask's map)."""
    by_name: dict[str, tuple[str, str, str]] = {}
    for ff in cell.features.files:
        for sc in ff.scenarios:
            first = next((m.group(1) for t in (sc.own_tags or sc.tags) if (m := _AC_TAG.match(t))), None)
            if first is None:
                continue
            rel = sc.file
            for directory in cell.config.paths.features:
                d = directory.rstrip("/")
                if rel.startswith(d + "/"):
                    parent = Path(d).parent.as_posix()
                    rel = rel[len(parent) + 1:] if parent not in ("", ".") else rel
                    break
            by_name[sc.name.strip()] = (sc.name.strip(), first, rel)
    return sorted((v for v in by_name.values() if v[1] not in ac_ids), key=lambda v: v[0])


def render(cell: Cell, current: str | None, coverage: Coverage | None = None) -> str:
    """The report's text for ``cell``; ``current`` (the committed report) supplies recorded run statuses.

    ``coverage`` marks the suspect ACs (only in a cell that records reviews, see the module's docstring).
    """
    from govcell.load.text import read_text

    read = read_text(cell.root, cell.config.paths.ledger, max_bytes=cell.config.limits.max_file_bytes, code="file")
    rows = _ac_rows(cell)
    recorded = recorded_statuses(current)
    suspect = suspect_ids(coverage)
    for row in rows:
        row["status"] = _status(row, recorded)
    out = _header(read.text or "") + _LEGEND + [_table_row(row, row["id"] in suspect) for row in rows]
    out += _unmapped_sections(rows)
    out += _scenario_section(_unmapped_scenarios(cell, {r["id"] for r in rows}))
    out += _suspect_section([r for r in rows if r["id"] in suspect])
    return "\n".join(out) + "\n"


def suspect_ids(coverage: Coverage | None) -> set[str]:
    """The suspect ACs of ``coverage``; none in a cell that does not record reviews (its report is the xtask's)."""
    if coverage is None or coverage.review is None or not coverage.review.adopted:
        return set()
    return {a.id for a in coverage.acs.values() if a.suspect}


def _header(ledger_text: str) -> list[str]:
    """The HTML comment at the top, with the ledger's template version and last update as the xtask reads them."""
    out = [
        "<!--",
        "  AUTO-GENERATED FILE: DO NOT EDIT BY HAND.",
        "",
        "  Source of truth:",
        "    - Specs: specs/spec_ledger.yaml",
        "    - Tests: specs/features/**/*.feature + unit test results (cargo test)",
        "  Generated by:",
        "    - cargo run -p xtask -- ac-status",
        "  Regenerated by:",
        "    - cargo run -p xtask -- selftest (AC/ADR mapping step)",
    ]
    version = _ledger_line_value(ledger_text, "template_version")
    if version is not None:
        out.append(f"  Template Version: {version}")
    updated = _ledger_line_value(ledger_text, "last_updated")
    if updated is not None:
        out.append(f"  Last Updated: {updated}")
    return out + [
        "    ",
        "  To update this file, modify specs or BDD scenarios, then run:",
        "    cargo xtask ac-status",
        "-->",
        "",
    ]


#: From the title to the table's header row, as the xtask writes it.
_LEGEND = [
    "# Feature Status",
    "",
    "Auto-generated AC status from acceptance (BDD) and unit tests.",
    "",
    "## AC Status Summary",
    "",
    "> **How to read this**",
    "> - `[PASS]` = at least one test (BDD or unit) ran and passed.",
    "> - `[FAIL]` = at least one test ran and failed.",
    "> - `[UNKNOWN]` = no local test ran for this AC. Common causes:",
    ">   - No BDD scenario is tagged with this AC ID (e.g., `@AC-TPL-001`)",
    ">   - No unit tests are mapped to this AC in `spec_ledger.yaml`",
    ">   - Coverage file is missing or stale (run `cargo xtask bdd` first)",
    ">   - The AC is intentionally meta/CI-only (see sections at the end)",
    ">",
    "> For formal definitions of `must_have_ac` and AC governance semantics, see",
    "> [`crates/ac-kernel/README.md`](../crates/ac-kernel/README.md#ac-governance-semantics).",
    "",
    "| AC ID | Story | Requirement | Status | Tests |",
    "|-------|-------|-------------|--------|-------|",
]


def _table_row(row: dict[str, Any], suspect: bool) -> str:
    status = f"{ICONS[row['status']]} {row['status']}" + (f" {SUSPECT}" if suspect else "")
    return f"| {row['id']} | {row['story']} | {row['req']} | {status} | {row['total']} |"


def _unmapped_sections(rows: list[dict[str, Any]]) -> list[str]:
    """The unmapped service ACs (always), and the meta / CI-only ones (when there are any)."""
    unmapped = [r for r in rows if r["total"] == 0 or r["status"] == "unknown"]
    service = [r for r in unmapped if not _is_meta(r)]
    meta = [r for r in unmapped if _is_meta(r)]
    out = ["", "## Unmapped ACs (Service Behaviour)", "",
           "*(This list SHOULD be empty in this repo. If anything appears here, it's a bug.)*", ""]
    out += [f"- {r['id']}: {r['text'].strip()}" for r in service] or ["- *(none)*"]
    if meta:
        out += ["", "## Meta / CI-only ACs (Not Executed Locally)", "",
                "These ACs describe test harness or example workspace behaviour. They are",
                "validated in CI, not by local selftest:", ""]
        out += [f"- {r['id']} – {r['text'].strip()}" for r in meta]
    return out


def _scenario_section(scenarios: list[tuple[str, str, str]]) -> list[str]:
    if not scenarios:
        return []
    out = ["", "## Unmapped Scenarios", "", "Scenarios referencing non-existent ACs:", ""]
    return out + [f"- Scenario '{name}' references {ac} (in {rel})" for name, ac, rel in scenarios]


def _suspect_section(rows: list[dict[str, Any]]) -> list[str]:
    """govcell's addition, only while an AC is suspect (so the rest of the time the report is the xtask's)."""
    if not rows:
        return []
    out = ["", "## Suspect ACs (govcell)", "",
           f"`{SUSPECT}` = the AC changed since its proofs were reviewed; check they still prove it, then",
           "`govcell review AC-ID` stamps them again (and this section goes away):", ""]
    return out + [f"- {r['id']}: {r['text'].strip()}" for r in rows]
