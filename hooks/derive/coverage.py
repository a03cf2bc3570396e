"""AC status: static coverage from the repository, run status from test results.

*Coverage* is a property of the repository alone (so the committed
``feature_status.md`` never flips between machines):

* ``covered``: a scenario carries the AC's tag, or a unit/integration test is mapped;
* ``meta``: only ci / manual / docs mappings;
* ``uncovered``: nothing.

*Run status* comes from the configured result files.  Every piece of evidence
(each tagged scenario, each unit/integration mapping) must have a passing result
for the AC to be ``passing``; any failing result makes it ``failing``; anything
else is ``not_run`` -- a mapping alone is never passing.

*Suspect* (``govcell.derive.suspect``): a covered or meta AC whose proofs were
reviewed against an older meaning of it (``specs/reviews.yaml``) is ``suspect``
until ``govcell review`` stamps them again; its coverage stays what it is, its
single-word state becomes ``suspect`` (a passing test of an old meaning proves
nothing about the new one; a failing one still fails).

Requirements and stories roll up from their ACs, worst first:
``failing > uncovered > suspect > not_run > passing > meta`` (``empty`` when there is
nothing to roll up).  Deprecated ACs are listed but never rolled up or counted.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any, Literal

from govcell.diagnostics import Diagnostic
from govcell.formats.base import natural_key

__all__ = ["natural_key"]  # re-exported: where the roll-ups' ID order has always been imported from

if TYPE_CHECKING:
    from collections.abc import Iterable

    from govcell.derive.suspect import AcReview, Assessment
    from govcell.formats.ledger import Ledger, TestMapping
    from govcell.load.features import FeatureIndex, Scenario
    from govcell.load.results import ResultSet, TestResult
    from govcell.load.validate import Loaded

CoverageState = Literal["covered", "uncovered", "meta"]
RunState = Literal["passing", "failing", "not_run"]
META_TYPES = frozenset({"ci", "manual", "docs"})
RUN_TYPES = frozenset({"unit", "integration"})
#: Roll-up order, worst first.
STATES = ("failing", "uncovered", "suspect", "not_run", "passing", "meta")
_RANK = {s: i for i, s in enumerate(STATES)}


@dataclasses.dataclass
class AcStatus:
    """One AC: where it lives, how it is proven, and how that went."""

    id: str
    story_id: str
    requirement_id: str
    kernel: bool
    coverage: CoverageState
    run: RunState
    scenarios: list[Scenario]
    tests: list[TestMapping]
    status: str  #: the ledger's draft | active | deprecated
    text: str = ""
    results: list[TestResult] = dataclasses.field(default_factory=list)
    #: its proofs reviewed against an older meaning (``specs/reviews.yaml``); not empty: suspect
    suspect_proofs: list[str] = dataclasses.field(default_factory=list)
    #: its review state (``govcell.derive.suspect``), which holds its fingerprint
    review: AcReview | None = dataclasses.field(default=None, repr=False, compare=False)

    @property
    def fingerprint(self) -> str:
        """The fingerprint of its meaning (``govcell.derive.suspect.meaning``), "" without a review state."""
        return self.review.fingerprint if self.review is not None else ""

    @property
    def suspect(self) -> bool:
        return bool(self.suspect_proofs) and self.status != "deprecated"

    @property
    def state(self) -> str:
        """The single word the roll-ups use: failing, uncovered, suspect, not_run, passing or meta."""
        if self.run == "failing":
            return "failing"
        if self.coverage == "uncovered":
            return "uncovered"
        if self.suspect:
            return "suspect"
        if self.coverage != "covered":
            return self.coverage
        return self.run

    @property
    def automated_tests(self) -> list[TestMapping]:
        return [t for t in self.tests if t.automated]


@dataclasses.dataclass
class Coverage:
    """Every AC's status (sorted by ID), roll-ups, and the scenarios no AC claims."""

    acs: dict[str, AcStatus]
    requirements: dict[str, str]
    stories: dict[str, str]
    summary: dict[str, Any]
    orphans: list[tuple[Scenario, tuple[str, ...]]] = dataclasses.field(default_factory=list)
    untagged: list[Scenario] = dataclasses.field(default_factory=list)
    diagnostics: list[Diagnostic] = dataclasses.field(default_factory=list)
    #: every AC against the reviews file (suspect links)
    review: Assessment | None = None

    def kernel(self) -> list[AcStatus]:
        return [a for a in self.acs.values() if a.kernel and a.status != "deprecated"]


def ac_positions(loaded: Loaded[Ledger]) -> dict[str, tuple[int, int]]:
    """Line and column of every AC's ``id`` in the ledger (for findings and ``govcell next``)."""
    ledger = loaded.model
    raw = loaded.raw
    out: dict[str, tuple[int, int]] = {}
    for _, _, ac in ledger.iter_acs() if ledger else ():
        out.setdefault(ac.id, raw.position(ac.loc + ("id",)))
    return out


def worst(states: list[str]) -> str:
    """Roll-up: the worst state wins; ``empty`` when there is nothing."""
    ranked = [s for s in states if s in _RANK]
    return min(ranked, key=_RANK.__getitem__) if ranked else "empty"


def _static(scenarios: list[Scenario], tests: list[TestMapping]) -> CoverageState:
    if scenarios or any(t.type in RUN_TYPES for t in tests):
        return "covered"
    if any(t.type in META_TYPES for t in tests):
        return "meta"
    return "uncovered"


def mapping_matches(mapping: TestMapping, result: TestResult) -> bool:
    """Does ``result`` run the unit/integration test ``mapping`` names?

    The test's name must match (``tag``, else ``name``); then a ``module`` must match
    the JUnit classname (``app::tests``, ``com.x.FooTest``), or a ``file`` the
    recorded test file or the module path JUnit derives from it.
    """
    wanted = mapping.tag or mapping.name
    if not wanted:
        return False
    if result.base_name != wanted and result.nodeid != wanted and not result.nodeid.endswith("::" + wanted):
        return False
    if mapping.module:
        mod = mapping.module
        if result.classname:
            return result.classname == mod or result.classname.endswith(mod) or mod.endswith(result.classname)
        return mod in result.nodeid or not result.nodeid
    if mapping.file:
        file = mapping.file.replace("\\", "/")
        if result.file:
            rec = result.file.replace("\\", "/")
            return rec == file or rec.endswith("/" + file) or file.endswith("/" + rec)
        if result.classname:
            dotted = file.rsplit(".", 1)[0].replace("/", ".")
            stem = dotted.rsplit(".", 1)[-1]
            parts = re.split(r"\.|::", result.classname)
            return result.classname == dotted or result.classname.startswith(dotted + ".") or stem in parts
    return True


def _run(ac_id: str, scenarios: list[Scenario], tests: list[TestMapping],
         by_name: dict[str, list[TestResult]], by_ac: dict[str, list[TestResult]],
         by_scenario: dict[tuple[str, int], list[TestResult]]) -> tuple[RunState, list[TestResult]]:
    units: list[list[TestResult]] = []
    seen: set[int] = set()
    for sc in scenarios:
        units.append(by_scenario.get((sc.file, sc.line), []))
    for t in tests:
        if t.type not in RUN_TYPES:
            continue
        wanted = t.tag or t.name or ""
        candidates = by_name.get(wanted.split("::")[-1].split("[", 1)[0], [])
        units.append([r for r in candidates if mapping_matches(t, r)])
    claimed = by_ac.get(ac_id, [])
    evidence = [r for unit in units for r in unit] + [r for r in claimed if r.scenario is None]
    unique = []
    for r in evidence:
        if id(r) not in seen:
            seen.add(id(r))
            unique.append(r)
    outcomes = [r.outcome for r in unique]
    if "failed" in outcomes:
        return "failing", unique
    if units and all(any(r.outcome == "passed" for r in unit) for unit in units):
        return "passing", unique
    if not units and "passed" in outcomes:
        return "passing", unique
    return "not_run", unique


def _blank_counts() -> dict[str, int]:
    return {"total": 0, "covered": 0, "uncovered": 0, "meta": 0, "passing": 0, "failing": 0, "not_run": 0,
            "suspect": 0}


def compute(loaded: Loaded[Ledger], index: FeatureIndex, results: ResultSet, exempt_tags: Iterable[str],
            review: Assessment) -> Coverage:
    """The coverage of the ledger ``loaded`` by the scenarios of ``index``, the matched ``results`` and the
    proofs' ``review`` (``Analysis.coverage`` caches it); ``exempt_tags`` mark scenarios that need no AC tag."""
    acs, requirements, stories = _statuses(loaded, index, results, review)
    known = {a.id for a in acs}
    exempt = set(exempt_tags)
    orphans = []
    untagged = []
    ledger_unread = loaded.unreadable  # then no tag can be judged orphaned
    for sc in index.scenarios:
        missing = () if ledger_unread else tuple(a for a in sc.ac_ids if a not in known)
        if missing:
            orphans.append((sc, missing))
        elif not sc.ac_ids and not exempt.intersection(sc.tags):
            untagged.append(sc)
    summary = _summary(acs, stories, index, results)
    summary.update(orphaned_scenarios=len(orphans), untagged_scenarios=len(untagged))
    return Coverage(
        acs={a.id: a for a in acs},
        requirements=dict(sorted(requirements.items(), key=lambda kv: natural_key(kv[0]))),
        stories=dict(sorted(stories.items(), key=lambda kv: natural_key(kv[0]))),
        summary=summary,
        orphans=orphans,
        untagged=untagged,
        diagnostics=list(results.diagnostics),
        review=review,
    )


def _statuses(loaded: Loaded[Ledger], index: FeatureIndex, results: ResultSet,
              review: Assessment) -> tuple[list[AcStatus], dict[str, str], dict[str, str]]:
    """Every AC's status (sorted by ID), and the roll-ups of requirements and stories (ledger order)."""
    from govcell.formats.ledger import is_kernel

    by_name = results.by_name()
    by_ac: dict[str, list[TestResult]] = {}
    by_scenario: dict[tuple[str, int], list[TestResult]] = {}
    for r in results.results:
        for ac_id in r.acs:
            by_ac.setdefault(ac_id, []).append(r)
        if r.scenario is not None:
            by_scenario.setdefault((r.scenario.file, r.scenario.line), []).append(r)
    acs: list[AcStatus] = []
    requirements: dict[str, str] = {}
    stories: dict[str, str] = {}
    ledger = loaded.model
    for story in ledger.stories if ledger else []:
        req_states = []
        for req in story.requirements:
            ac_states = []
            for ac in req.acceptance_criteria:
                scenarios = list(index.by_ac.get(ac.id, []))
                tests = list(ac.tests)
                run, used = _run(ac.id, scenarios, tests, by_name, by_ac, by_scenario)
                judged = review.acs.get(ac.id)
                st = AcStatus(id=ac.id, story_id=story.id, requirement_id=req.id, kernel=is_kernel(req, ac),
                              coverage=_static(scenarios, tests), run=run, scenarios=scenarios, tests=tests,
                              status=ac.status, text=ac.text, results=used,
                              suspect_proofs=list(judged.suspect) if judged else [], review=judged)
                acs.append(st)
                if ac.status != "deprecated":
                    ac_states.append(st.state)
            requirements[req.id] = worst(ac_states)
            req_states.append(requirements[req.id])
        stories[story.id] = worst(req_states)
    acs.sort(key=lambda a: natural_key(a.id))
    return acs, requirements, stories


def _summary(acs: list[AcStatus], stories: dict[str, str], index: FeatureIndex, results: ResultSet) -> dict[str, Any]:
    """The counts of live ACs (kernel, non-kernel, all; by state, overall and per story) and of files read."""
    split = {"kernel": _blank_counts(), "non_kernel": _blank_counts(), "all": _blank_counts()}
    deprecated = 0
    states = dict.fromkeys(STATES, 0)
    story_states: dict[str, dict[str, int]] = {sid: dict.fromkeys(STATES, 0) for sid in stories}
    for a in acs:
        if a.status == "deprecated":
            deprecated += 1
            continue
        states[a.state] += 1
        story_states[a.story_id][a.state] += 1
        for key in ("kernel" if a.kernel else "non_kernel", "all"):
            c = split[key]
            c["total"] += 1
            c[a.coverage] += 1
            c[a.run] += 1
            c["suspect"] += a.suspect
    return {
        **split,
        "deprecated": deprecated,
        #: live ACs by their single-word state, overall and per story (the site's charts)
        "states": states,
        "story_states": story_states,
        "feature_files": len(index.files),
        "scenarios": len(index.scenarios),
        "orphaned_scenarios": 0,
        "untagged_scenarios": 0,
        "result_files": len([f for f in results.files if f.present]),
        "results": len(results.results),
    }
