"""Suspect links: a proof reviewed against an older meaning of its AC no longer counts as reviewed.

Every AC has a **meaning fingerprint** (:func:`meaning`): 16 hex digits of the
SHA-256 of its text (Unicode NFC, runs of white space made one space, so
re-wrapping a YAML string changes nothing) and of the ADRs it names (sorted: the
decision it follows is part of what it asks).  Nothing else is: its ID (a rename
keeps the meaning), status, owner, note, tags, ``must_have_ac``, ``depends_on``
and its test mappings say how it is tracked or proven, not what it asks; the
story's and requirement's fields are theirs.

Its **proofs** are the scenarios that carry its tag and its test mappings other
than ``bdd`` (a ``bdd`` mapping names a scenario, which is already a proof),
each named by a key without line numbers (:func:`proof_keys`).

``specs/reviews.yaml`` (:mod:`govcell.formats.reviews`) records, one line per AC
and proof, the fingerprint the proof was last reviewed against; ``govcell review``
writes it.  A proof whose record holds another fingerprint than the AC's
current one is **suspect**, and so is the AC (``coverage.suspect``) until
``govcell review AC-ID`` stamps it again.

First adoption: a proof without a record was never reviewed, and is *not*
suspect, so a cell without a reviews file is exactly as before.  Once the file
holds a record, a proof without one is reported at info level
(``review.unreviewed``), and a record of an AC or proof that no longer exists is
``review.stale`` (``govcell review --prune`` drops it, and moves a renamed AC's
records to its new ID).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from govcell.diagnostics import Diagnostic, Severity, diag

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.formats.ledger import AcceptanceCriterion, TestMapping
    from govcell.load.features import Scenario

MEANING_VERSION = "govcell.ac-meaning/1"


def normalise_text(text: str) -> str:
    """An AC's text as its fingerprint reads it: NFC, white space collapsed, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def meaning(ac: AcceptanceCriterion) -> str:
    """16 hex digits: the fingerprint of what ``ac`` asks (normalised text and its ADRs)."""
    adrs = sorted({a.strip() for a in ac.adrs if a and a.strip()})
    data = "\0".join((MEANING_VERSION, normalise_text(ac.text or ""), ",".join(adrs)))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def _numbered(keys: Iterable[str]) -> list[str]:
    """Keys made unique: the second of a name is ``NAME #2`` (in order of appearance)."""
    seen: dict[str, int] = {}
    out = []
    for k in keys:
        seen[k] = seen.get(k, 0) + 1
        out.append(k if seen[k] == 1 else f"{k} #{seen[k]}")
    return out


def scenario_key(sc: Scenario) -> str:
    where = f"{sc.rule} > {sc.name}" if sc.rule else sc.name
    return f"scenario {sc.file}: {where}"


def mapping_key(t: TestMapping) -> str:
    where = t.file or t.module or ""
    what = t.tag or t.name or t.command or t.workflow or ""
    if where and what:
        return f"{t.type} {where}::{what}"
    return " ".join(p for p in (t.type, where or what) if p)


def proof_keys(scenarios: Sequence[Scenario], tests: Sequence[TestMapping]) -> list[str]:
    """The proofs of an AC, by keys without line numbers: its scenarios (file order), then its mappings."""
    ordered = sorted(scenarios, key=lambda s: (s.file, s.line))
    return _numbered([scenario_key(s) for s in ordered] + [mapping_key(t) for t in tests if t.type != "bdd"])


@dataclasses.dataclass
class AcReview:
    """One AC against its review records.

    Its fingerprint and proofs are worked out when first asked for: only an AC with records,
    a cell that has adopted reviews, or a report showing them needs them (``govcell check``
    on a cell without review records never does: 4,800 ACs' hashes and keys are 0.07 s).
    """

    id: str
    ac: AcceptanceCriterion = dataclasses.field(repr=False, compare=False)
    scenarios: Sequence[Scenario] = dataclasses.field(repr=False, compare=False)
    #: this AC's records: proof -> the fingerprint it was reviewed against
    records: dict[str, str] = dataclasses.field(default_factory=dict)
    deprecated: bool = False

    @functools.cached_property
    def fingerprint(self) -> str:
        """What the AC asks now (:func:`meaning`)."""
        return meaning(self.ac)

    @functools.cached_property
    def proofs(self) -> list[str]:
        """Its scenarios and test mappings, by key (:func:`proof_keys`)."""
        return proof_keys(self.scenarios, self.ac.tests)

    @functools.cached_property
    def suspect(self) -> list[str]:
        """Proofs stamped with another fingerprint (the AC changed since)."""
        rec = self.records
        return [p for p in self.proofs if p in rec and rec[p] != self.fingerprint] if rec else []

    @functools.cached_property
    def reviewed(self) -> list[str]:
        """Proofs stamped with the current fingerprint."""
        rec = self.records
        return [p for p in self.proofs if p in rec and rec[p] == self.fingerprint] if rec else []

    @functools.cached_property
    def unreviewed(self) -> list[str]:
        """Proofs with no record."""
        return [p for p in self.proofs if p not in self.records]


@dataclasses.dataclass
class Stale:
    """A record of an AC or of a proof the cell no longer has."""

    ac: str
    proof: str
    #: where the record is written in the reviews file
    line: int
    col: int
    #: the AC that the records of a vanished ID would follow (a rename), else None
    renamed_to: str | None = None


@dataclasses.dataclass
class Assessment:
    """Every AC's review state, and what the reviews file holds that no longer applies."""

    acs: dict[str, AcReview]
    stale: list[Stale]
    #: the reviews file holds at least one record (the cell has adopted reviews)
    adopted: bool
    path: str
    diagnostics: list[Diagnostic]

    def suspect(self, ac_id: str) -> list[str]:
        r = self.acs.get(ac_id)
        return r.suspect if r is not None and not r.deprecated else []


def _records(cell: Cell) -> dict[str, dict[str, str]]:
    """AC -> proof -> fingerprint, as the reviews file holds them (the last of a repeated record wins)."""
    model = cell.reviews.model
    out: dict[str, dict[str, str]] = {}
    for r in model.reviews if model is not None else ():
        out.setdefault(r.ac, {})[r.proof] = r.fingerprint
    return out


def _record_positions(cell: Cell) -> dict[tuple[str, str], tuple[int, int]]:
    model = cell.reviews.model
    raw = cell.reviews.raw
    return {(r.ac, r.proof): raw.position(r.loc) for r in (model.reviews if model is not None else ())}


def assess(cell: Cell, scenarios_by_ac: dict[str, list[Scenario]] | None = None) -> Assessment:
    """The review state of every AC of ``cell`` (reads the ledger, the features and the reviews file)."""
    loaded = cell.reviews
    records = _records(cell)
    ledger = cell.ledger.model
    by_ac = cell.features.by_ac if scenarios_by_ac is None else scenarios_by_ac
    acs: dict[str, AcReview] = {}
    for _, _, ac in ledger.iter_acs() if ledger else ():
        if ac.id in acs:
            continue  # a duplicate ID is the ledger check's finding
        acs[ac.id] = AcReview(ac.id, ac, by_ac.get(ac.id, []), records.get(ac.id, {}),
                              deprecated=ac.status == "deprecated")
    stale: list[Stale] = []
    if ledger is not None and not cell.ledger.unreadable:
        followers = _renames(acs, records)
        where = _record_positions(cell)
        for ac_id, rec in records.items():
            known = acs.get(ac_id)
            for proof in rec:
                if known is not None and proof in known.proofs:
                    continue
                line, col = where.get((ac_id, proof), (1, 1))
                stale.append(Stale(ac_id, proof, line, col, followers.get(ac_id) if known is None else None))
    return Assessment(acs, stale, any(records.values()), loaded.path, list(loaded.diagnostics))


def _renames(acs: dict[str, AcReview], records: dict[str, dict[str, str]]) -> dict[str, str]:
    """Vanished AC ID -> the one AC without records whose meaning and some proof its records share."""
    if not records:
        return {}  # nothing vanished: no AC's meaning needs working out
    free: dict[str, list[AcReview]] = {}
    for r in acs.values():
        if r.id not in records and not r.deprecated:
            free.setdefault(r.fingerprint, []).append(r)
    out: dict[str, str] = {}
    taken: set[str] = set()
    for ac_id in sorted(records):
        rec = records[ac_id]
        if ac_id in acs or not rec or len(set(rec.values())) != 1:
            continue
        fp = next(iter(rec.values()))
        candidates = [r for r in free.get(fp, []) if r.id not in taken and set(rec) & set(r.proofs)]
        if len(candidates) == 1:
            out[ac_id] = candidates[0].id
            taken.add(candidates[0].id)
    return out


# --------------------------------------------------------------------------- findings


def findings(cell: Cell, assessment: Assessment | None = None) -> list[Diagnostic]:
    """``coverage.suspect``, ``review.unreviewed``, ``review.stale`` and the reviews file's own findings."""
    a = assessment or assess(cell)
    found = list(a.diagnostics)
    model = cell.ledger.model
    if model is None:
        return found
    raw = cell.ledger.raw
    positions: dict[str, tuple[int, int]] = {}
    for _, _, ac in model.iter_acs():
        positions.setdefault(ac.id, raw.position(ac.loc + ("id",)))
    ledger = cell.ledger.path
    for r in a.acs.values():
        if r.deprecated:
            continue
        line, col = positions.get(r.id, (0, 0))
        if r.suspect:
            found.append(diag("coverage.suspect", f"{r.id} changed since its proofs were reviewed: "
                              f"{_list(r.suspect)} still stamped with its old meaning", ledger, line, col,
                              severity=Severity.WARNING,
                              hint=f"check that they still prove what {r.id} says now, then run "
                                   f"`govcell review {r.id}`"))
        elif a.adopted and r.unreviewed:
            found.append(diag("review.unreviewed", f"{r.id} has proofs no review has stamped: {_list(r.unreviewed)}",
                              ledger, line, col, severity=Severity.INFO,
                              hint=f"once they prove it, run `govcell review {r.id}`"))
    gone: dict[str, list[Stale]] = {}
    for s in a.stale:
        gone.setdefault(s.ac, []).append(s)
    for ac_id, rows in gone.items():
        first = rows[0]
        if ac_id not in a.acs:
            why = f"renamed to {first.renamed_to}?" if first.renamed_to else "the ledger has no such AC"
            message = f"{a.path} records reviews of {ac_id}, which the ledger no longer has ({why})"
        else:
            message = f"{a.path} records reviews of proofs {ac_id} no longer has: {_list([s.proof for s in rows])}"
        found.append(diag("review.stale", message, a.path, first.line, first.col, severity=Severity.WARNING,
                          hint="run `govcell review --prune` (it drops them, and moves a renamed AC's records "
                               "to its new ID)"))
    return found


def _list(proofs: Sequence[str], limit: int = 3) -> str:
    shown = "; ".join(proofs[:limit])
    return shown + (f" and {len(proofs) - limit} more" if len(proofs) > limit else "")


# --------------------------------------------------------------------------- writing reviews


@dataclasses.dataclass
class Stamped:
    """What a ``govcell review`` run did."""

    text: str
    stamped: dict[str, int]  #: AC -> proofs stamped
    no_proof: list[str]  #: ACs asked for that have nothing to stamp
    dropped: int  #: stale records removed
    moved: dict[str, str]  #: vanished ID -> the AC its records followed


def restamp(cell: Cell, acs: Sequence[str] | None, *, prune_only: bool = False) -> Stamped:
    """The reviews file after stamping ``acs`` (None: every live AC), always pruned of stale records.

    Deterministic: sorted by AC (natural order) then proof, one record per line.
    """
    a = assess(cell)
    records = _records(cell)
    moved: dict[str, str] = {}
    for s in a.stale:
        if s.renamed_to and s.ac not in moved:
            moved[s.ac] = s.renamed_to
    out: dict[str, dict[str, str]] = {}
    dropped = 0
    for ac_id, rec in records.items():
        target = moved.get(ac_id, ac_id)
        known = a.acs.get(target)
        for proof, fp in rec.items():
            if known is not None and proof in known.proofs:
                out.setdefault(target, {})[proof] = fp
            else:
                dropped += 1
    stamped: dict[str, int] = {}
    no_proof: list[str] = []
    if not prune_only:
        chosen = [r for r in a.acs.values() if not r.deprecated] if acs is None else [a.acs[i] for i in acs]
        for r in chosen:
            if not r.proofs:
                no_proof.append(r.id)
                continue
            out[r.id] = dict.fromkeys(r.proofs, r.fingerprint)
            stamped[r.id] = len(r.proofs)
    return Stamped(render(out), stamped, no_proof, dropped, moved)


def render(records: dict[str, dict[str, str]]) -> str:
    """The reviews file's text: a header, then one flow mapping per record, sorted by AC then proof."""
    from govcell.formats.base import natural_key
    from govcell.formats.reviews import REVIEWS_FORMAT

    lines = ["# Review stamps of the ACs' proofs, written by `govcell review` (see docs/changes.md):",
             "# each proof of an AC with the fingerprint of the AC's meaning it was last reviewed against.",
             f"format: {REVIEWS_FORMAT}"]
    rows = {ac: rec for ac, rec in records.items() if rec}
    if not rows:
        return "\n".join(lines + ["reviews: []"]) + "\n"
    lines.append("reviews:")
    for ac in sorted(rows, key=natural_key):
        for proof in sorted(rows[ac]):
            lines.append(f"  - {{ac: {_q(ac)}, proof: {_q(proof)}, fingerprint: {_q(rows[ac][proof])}}}")
    return "\n".join(lines) + "\n"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's; ASCII only, so no character folds a line)."""
    return json.dumps(text, ensure_ascii=True)

