"""The published shape of ``govcell status --json`` (``govcell.status/1``), as pydantic models.

Portals and agents read the status document; this is its contract, published as
JSON Schema (``govcell schema status``, and on the site).  Within
``govcell.status/1`` keys are only ever added, so every model allows more keys.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Verdict = Literal["pass", "attention", "fail"]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Reason(_Open):
    """Why the verdict is what it is: a stable code, a count and a sentence."""

    code: str = Field(description="e.g. errors, unreadable-file, failing-kernel-ac, uncovered-kernel-ac, warnings, "
                                  "suspect-ac, kernel-ac-not-run, failing-ac")
    count: int = Field(ge=0)
    message: str


class VerdictDoc(_Open):
    """One overall state: ``fail`` (must be fixed), ``attention`` (should be looked at) or ``pass``."""

    state: Verdict
    reasons: list[Reason] = Field(description="worst first; empty when the state is pass")


class Commit(_Open):
    """The commit the document describes (``null`` outside git)."""

    sha: str | None = Field(description="HEAD, or null in a repository without commits")
    dirty: bool = Field(description="tracked files differ from HEAD (the document describes the working tree)")


class AcCounts(_Open):
    total: int
    covered: int
    uncovered: int
    meta: int
    passing: int
    failing: int
    not_run: int
    suspect: int = Field(0, description="ACs whose proofs were reviewed against an older meaning of them")


class AcEntry(_Open):
    story: str
    requirement: str
    kernel: bool
    status: str = Field(description="the ledger's draft | active | deprecated")
    coverage: str = Field(description="covered | uncovered | meta")
    run: str = Field(description="passing | failing | not_run")
    state: str = Field(description="failing | uncovered | suspect | not_run | passing | meta")
    suspect: bool = Field(False, description="its proofs were reviewed against an older meaning of it "
                                             "(specs/reviews.yaml); `govcell review AC-ID` clears it")
    fingerprint: str = Field("", description="the fingerprint of its meaning (normalised text and ADRs), as "
                                             "`govcell review` stamps it")
    scenarios: list[str]
    tests: list[str]


class StatusDocument(_Open):
    """``govcell status --json``."""

    schema_: Literal["govcell.status/1"] = Field(alias="schema")
    tool: dict[str, str]
    config: str | None
    commit: Commit | None
    verdict: VerdictDoc
    counts: dict[str, int]
    acs: dict[str, AcCounts | int]
    ac_states: dict[str, int] = Field(default_factory=dict,
                                      description="live ACs by state: failing, uncovered, suspect, not_run, passing, "
                                                  "meta")
    scenarios: dict[str, int]
    findings: dict[str, int]
    unreadable: list[dict[str, object]]
    invalid_items: dict[str, int]
    tasks: dict[str, int]
    results: list[dict[str, object]]
    stories: dict[str, str]
    requirements: dict[str, str]
    ac_status: dict[str, AcEntry]
