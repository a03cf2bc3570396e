"""The check ``ac-tags``: scenarios and the ledger agree on AC tags.

A tag names an AC that exists (else *orphaned*, with a "did you mean") and that
is not deprecated; every kernel AC is proven by a scenario or an automated test
mapping; every ``bdd`` mapping's file exists and carries the tag; every mapped
file exists; every scenario proves some AC (unless exempt, e.g. ``@wip``);
scenario names are unique per feature; the Gherkin parses; and no proof was
reviewed against an older meaning of its AC (``coverage.suspect``, see
``govcell.derive.suspect``).

This check reads only the repository (never test results), so it is the same on
every machine and fast enough for every commit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govcell.diagnostics import Diagnostic, Severity, diag, did_you_mean

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.derive.analysis import Analysis
    from govcell.formats.ledger import AcceptanceCriterion
    from govcell.load.features import FeatureFile, FeatureIndex, TagMatcher


def check(analysis: Analysis) -> list[Diagnostic]:
    """Tags as written, then scenarios, then the ledger's mappings and kernel coverage."""
    from govcell.load.features import matcher_for

    cell = analysis.cell
    index = cell.features
    matcher, found = matcher_for(cell.config, cell.config_source)
    found.extend(index.diagnostics)
    loaded = cell.ledger
    ledger = loaded.model
    if ledger is None:
        # Never silently off: an unreadable ledger is this check's cause too (reported
        # once by `govcell check`), never hundreds of "orphaned" consequences.
        found.extend(loaded.causes())
        return found
    acs = {ac.id: ac for _story, _req, ac in ledger.iter_acs()}
    found.extend(_tag_findings(index, matcher, acs))
    found.extend(_scenario_findings(index, set(cell.config.ac_tags.exempt)))
    found.extend(_ledger_findings(cell, index))
    # Suspect links: proofs reviewed against an older meaning of their AC (govcell.derive.suspect).
    from govcell.derive.suspect import findings as review_findings

    found.extend(review_findings(cell, analysis.review))
    return found


def _tag_findings(index: FeatureIndex, matcher: TagMatcher, acs: dict[str, AcceptanceCriterion]) -> list[Diagnostic]:
    """Tags as written: orphaned, deprecated, malformed."""
    found: list[Diagnostic] = []
    for f in index.files:
        for ref in f.tag_refs:
            ac_id = matcher.ac_id(ref.name)
            if ac_id is None:
                meant = matcher.near_miss(ref.name)
                if meant:
                    found.append(diag("ac.malformed-tag", f"tag '{ref.name}' looks like an AC tag but does not match "
                                                          f"{matcher.pattern}", f.path, ref.line, ref.col,
                                      severity=Severity.WARNING,
                                      hint=f"did you mean '{meant}'? (tags are separated by spaces)"))
                continue
            if ac_id not in acs:
                hint = did_you_mean(ac_id, acs) or "add the AC to the ledger, or fix the tag"
                found.append(diag("ac.orphaned-tag", f"tag '{ref.name}' names no AC of the ledger", f.path,
                                  ref.line, ref.col, hint=hint))
            elif acs[ac_id].status == "deprecated":
                found.append(diag("ac.deprecated-tag", f"tag '{ref.name}' names a deprecated AC", f.path, ref.line,
                                  ref.col, severity=Severity.WARNING,
                                  hint="remove the tag (or the scenario), or reactivate the AC"))
    return found


def _scenario_findings(index: FeatureIndex, exempt: set[str]) -> list[Diagnostic]:
    """Scenarios: untagged (a whole scenario, or some Examples of an outline), duplicate names."""
    found: list[Diagnostic] = []
    for f in index.files:
        seen: dict[str, int] = {}
        for sc in f.scenarios:
            if not sc.ac_ids and not exempt.intersection(sc.tags):
                found.append(diag("ac.untagged-scenario", f"scenario '{sc.name}' carries no AC tag", f.path, sc.line,
                                  sc.column, severity=Severity.WARNING,
                                  hint="tag it with the AC it proves (e.g. @AC-…), or with "
                                       + (" / ".join(sorted(exempt)) or "an exempt tag")))
            elif sc.outline and not (set(sc.own_tags) | set(f.tags)) & {"@" + a for a in sc.ac_ids}:
                for ex in sc.examples:
                    if not ex.ac_ids and not exempt.intersection(ex.tags):
                        found.append(diag("ac.untagged-scenario",
                                          f"the Examples of '{sc.name}' on line {ex.line} carry no AC tag while "
                                          f"other Examples of the outline do", f.path, ex.line, 1,
                                          severity=Severity.WARNING, hint="tag these Examples with their AC"))
            if sc.name in seen:
                found.append(diag("ac.duplicate-scenario", f"scenario name '{sc.name}' is already used on line "
                                                           f"{seen[sc.name]} of this feature", f.path, sc.line,
                                  sc.column, severity=Severity.WARNING,
                                  hint="give every scenario of a feature its own name (pytest-bdd finds them by name)"))
            else:
                seen[sc.name] = sc.line
    return found


def _ledger_findings(cell: Cell, index: FeatureIndex) -> list[Diagnostic]:
    """Ledger side: every mapped file exists, every bdd mapping's tag is on a scenario, kernel ACs are proven."""
    from govcell.derive.coverage import ac_positions
    from govcell.formats.ledger import AUTOMATED_TYPES, is_kernel

    loaded = cell.ledger
    path = loaded.raw.path
    positions = ac_positions(loaded)
    indexed = {f.path: f for f in index.files}
    exists: dict[str, bool] = {}  # a few files are mapped by thousands of ACs: one lookup each
    found: list[Diagnostic] = []
    for _story, req, ac in loaded.model.iter_acs() if loaded.model is not None else ():
        line, col = positions[ac.id]
        found.extend(_mapping_findings(cell, index, indexed, exists, ac, (path, line, col)))
        if ac.status == "deprecated" or not is_kernel(req, ac):
            continue
        if not index.by_ac.get(ac.id) and not any(t.type in AUTOMATED_TYPES - {"bdd"} for t in ac.tests):
            meta = [t.type for t in ac.tests if not t.automated]
            what = f"only {'/'.join(sorted(set(meta)))} mappings" if meta else "no scenario and no automated test"
            found.append(diag("ac.uncovered-kernel", f"kernel AC {ac.id} has {what}", path, line, col,
                              severity=Severity.WARNING if ac.status == "draft" else Severity.ERROR,
                              hint=f"tag a scenario with @{ac.id} or map a unit/integration test to it; "
                                   "or set must_have_ac: false if it need not be proven by a test"))
    return found


def _mapping_findings(cell: Cell, index: FeatureIndex, indexed: dict[str, FeatureFile], exists: dict[str, bool],
                      ac: AcceptanceCriterion, where: tuple[str, int, int]) -> list[Diagnostic]:
    """One AC's test mappings: the file exists (``exists`` remembers each lookup); a bdd mapping's file is
    indexed and has the tag."""
    found: list[Diagnostic] = []
    for t in ac.tests:
        if not t.file:
            continue
        rel = t.file.replace("\\", "/")
        if rel not in exists:
            exists[rel] = cell.source.exists(rel)
        if not exists[rel]:
            found.append(diag("ac.mapped-file-missing", f"{ac.id} maps a {t.type} test to {t.file}, which does "
                                                        "not exist", *where,
                              hint="fix the path (relative to the repository root) or remove the mapping"))
            continue
        if t.type != "bdd":
            continue
        tag = t.tag or "@" + ac.id
        if not tag.startswith("@"):
            tag = "@" + tag
        feature = indexed.get(rel)
        if feature is None:
            if rel.endswith(".feature") and not any(d.path == rel for d in index.diagnostics):
                found.append(diag("ac.bdd-file-unindexed", f"{ac.id} maps a scenario in {t.file}, which is not "
                                                           "under paths.features", *where,
                                  hint="move the file, or add its directory to paths.features"))
            continue
        if not any(tag in sc.tags for sc in feature.scenarios):
            found.append(diag("ac.bdd-tag-missing", f"{ac.id} maps a scenario tagged {tag} in {t.file}, but no "
                                                    "scenario there carries that tag", *where,
                              hint=f"tag the scenario that proves {ac.id} with {tag}, or fix the mapping"))
    return found
