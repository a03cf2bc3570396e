"""View models: the ledger joined with what the kernel derived, shaped for templates.

Templates stay dumb (loops and escaping only) because every join happens
here, once: each AC gets its coverage, run result, status, scenarios and test
mappings from the kernel's results, never from a re-computation.  When a
derived result could not be computed (a ``site.data-error`` finding), its
fields stay ``None`` and the templates leave them out.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govcell_site.data import SiteData

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def slug(value: str) -> str:
    """A file-name- and HTML-id-safe form of an ID (IDs are usually safe already)."""
    return _SAFE.sub("_", value).strip("._") or "_"


#: how a state, reason or level reads on a badge (anything else: underscores become spaces)
WORDS: dict[str, str] = {
    "not_run": "not run",
    "empty": "no ACs",
    "meta": "meta only",
    "pass": "pass",
    "attention": "needs attention",
    "fail": "fail",
    "unknown": "status unknown",
    "unreadable-file": "unreadable file",
    "failing-kernel-ac": "failing kernel AC",
    "uncovered-kernel-ac": "uncovered kernel AC",
    "suspect-ac": "suspect AC",
    "failing-ac": "failing AC",
    "ready-task": "ready task",
    "orphaned-scenario": "orphaned scenario",
    "non_kernel": "other",
}


def words(value: object) -> str:
    """The words people read for a machine value (``not_run`` -> ``not run``)."""
    text = str(getattr(value, "value", value))
    return WORDS.get(text, text.replace("_", " "))


def token(value: object) -> str:
    """A CSS-class-safe lower-case word for a status value (``not_run`` -> ``not-run``)."""
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-") or "none"


@dataclasses.dataclass
class AcView:
    id: str
    anchor: str
    text: str
    tags: list[str]
    kernel: bool
    lifecycle: str
    note: str | None
    adrs: list[str]
    story_id: str
    req_id: str
    tests: list[Any]
    scenarios: list[Any]
    coverage: str | None
    run: str | None
    #: the kernel's single-word state: failing, uncovered, suspect, not_run, passing or meta
    status: str | None
    #: keys the format does not define, kept as written (shown as short JSON)
    extensions: dict[str, str] = dataclasses.field(default_factory=dict)
    #: context bundles that name this AC (``acs:`` of a contextpack task)
    bundles: list[str] = dataclasses.field(default_factory=list)
    #: its proofs reviewed against an older meaning of it (the kernel's suspect links)
    suspect_proofs: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class ReqView:
    id: str
    anchor: str
    title: str
    description: str | None
    rationale: str | None
    tags: list[str]
    must_have_ac: bool
    lifecycle: str
    adrs: list[str]
    docs: list[str]
    ci_workflows: list[str]
    acs: list[AcView]
    status: str | None
    extensions: dict[str, str] = dataclasses.field(default_factory=dict)
    bundles: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class StoryView:
    id: str
    slug: str
    title: str
    description: str | None
    lifecycle: str
    adrs: list[str]
    reqs: list[ReqView]
    status: str | None
    extensions: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def acs(self) -> list[AcView]:
        return [ac for req in self.reqs for ac in req.acs]


def _value(obj: Any, name: str) -> str | None:
    """A status-like attribute as a plain string (enums and literals alike)."""
    value = getattr(obj, name, None) if obj is not None else None
    if value is None:
        return None
    return str(getattr(value, "value", value))


def extensions(item: Any) -> dict[str, str]:
    """An item's extension fields as short JSON text (escaped by the templates like all text)."""
    import json

    out: dict[str, str] = {}
    for key, value in sorted(getattr(item, "extensions", {}).items(), key=lambda kv: str(kv[0])):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        out[str(key)] = text if len(text) <= 120 else text[:117] + "..."
    return out


def _rollup(value: Any) -> str | None:
    """A requirement's or story's rolled-up state ("empty" when it has no AC to roll up)."""
    if value is None:
        return None
    return str(getattr(value, "state", None) or getattr(value, "status", None) or value)


def bundle_refs(data: SiteData) -> dict[str, list[str]]:
    """AC or requirement ID -> the contextpack tasks (bundles) that name it, in contextpack order."""
    pack = data.cell.contextpack.model if data.cell.contextpack.present else None
    out: dict[str, list[str]] = {}
    for name, task in (pack.tasks.items() if pack is not None else ()):
        for ident in [*task.acs, *task.requirements]:
            if name not in out.setdefault(ident, []):
                out[ident].append(name)
    return out


def stories(data: SiteData) -> list[StoryView]:
    """One view per ledger story, in ledger order, with unique page slugs."""
    from govcell.formats.ledger import is_kernel

    if data.ledger is None:
        return []
    cov = data.derived.get("coverage")
    features = data.derived.get("features")
    by_ac: dict[str, list[Any]] = dict(getattr(features, "by_ac", {}) or {})
    ac_status: dict[str, Any] = dict(getattr(cov, "acs", {}) or {})
    req_status: dict[str, Any] = dict(getattr(cov, "requirements", {}) or {})
    story_status: dict[str, Any] = dict(getattr(cov, "stories", {}) or {})
    served = bundle_refs(data)
    used: set[str] = set()
    out: list[StoryView] = []
    for story in data.ledger.stories:
        base = slug(story.id)
        page = base
        n = 1
        while page.lower() in used:
            n += 1
            page = f"{base}-{n}"
        used.add(page.lower())
        reqs = []
        for req in story.requirements:
            acs = []
            for ac in req.acceptance_criteria:
                st = ac_status.get(ac.id)
                acs.append(AcView(
                    id=ac.id, anchor=slug(ac.id), text=ac.text, tags=list(ac.tags), kernel=is_kernel(req, ac),
                    lifecycle=ac.status, note=ac.note, adrs=ac.adrs, story_id=story.id, req_id=req.id,
                    tests=list(getattr(st, "tests", None) or ac.tests),
                    scenarios=list(getattr(st, "scenarios", None) or by_ac.get(ac.id, [])),
                    coverage=_value(st, "coverage"), run=_value(st, "run"), status=_value(st, "state"),
                    extensions=extensions(ac), bundles=served.get(ac.id, []),
                    suspect_proofs=list(getattr(st, "suspect_proofs", None) or []) if getattr(st, "suspect", False)
                    else [],
                ))
            reqs.append(ReqView(
                id=req.id, anchor=slug(req.id), title=req.title, description=req.description,
                rationale=req.rationale, tags=list(req.tags), must_have_ac=req.must_have_ac, lifecycle=req.status,
                adrs=req.adrs, docs=list(req.docs), ci_workflows=list(req.ci_workflows), acs=acs,
                status=_rollup(req_status.get(req.id)), extensions=extensions(req), bundles=served.get(req.id, []),
            ))
        out.append(StoryView(id=story.id, slug=page, title=story.title, description=story.description,
                             lifecycle=story.status, adrs=story.adrs, reqs=reqs,
                             status=_rollup(story_status.get(story.id)), extensions=extensions(story)))
    return out
