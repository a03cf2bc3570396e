"""The inputs a repository's policies may judge, as ``govcell init`` finds them (:mod:`.detect` uses them).

Besides govcell's built-in inputs (the ledger, the contextpack, the tasks file,
the scenarios), a repository holds data its CI feeds to conftest: feature
manifests, a flags registry (alone or joined with its siblings, as a CI job
joins them with jq), other specification files beside the ledger.  Each
becomes a :class:`~govcell.adopt.rego_scan.Candidate`; detection then gives
each policy the candidate whose shape it reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from govcell.adopt.rego_scan import IDENT, Candidate


class Found(Protocol):
    """What detection found that decides the candidates (``Detection`` is one)."""

    ledger: str | None
    contextpack: str | None
    tasks: str | None
    flows: str | None
    feature_files: int
    feature_dirs: list[str]


def policy_inputs(det: Found, files: list[str], data: Callable[[str], Any]) -> list[Candidate]:
    """The inputs policies may judge: built-in ones, feature manifests, a flags registry, spec files."""
    cands: list[Candidate] = []
    ledger = data(det.ledger) if det.ledger else None
    if det.ledger:
        cands.append(Candidate("ledger", f"the spec ledger ({det.ledger})", ledger))
    if det.contextpack:
        cands.append(Candidate("contextpack", f"the contextpack ({det.contextpack})", data(det.contextpack)))
    if det.tasks:
        cands.append(Candidate("tasks", f"the tasks file ({det.tasks})", data(det.tasks)))
    if det.feature_files:
        sample = {"features": [{"path": "", "name": "", "tags": [], "scenarios": [
            {"name": "", "file": "", "line": 1, "tags": [], "ac_ids": []}]}], "ledger_ac_ids": []}
        cands.append(Candidate("features", "the Gherkin scenarios with the ledger's AC IDs", sample))
    from govcell.derive.policy.inputs import ledger_ac_ids

    # Feature manifests: YAML files of a feature directory that list acceptance_criteria.
    feature_dirs = det.feature_dirs or ["features"]
    for d in sorted({*feature_dirs, "features", "specs/features"}):
        manifests = [f for f in files if str(Path(f).parent) == d and f.endswith((".yaml", ".yml"))]
        docs = [data(f) for f in manifests]
        if docs and all(isinstance(x, dict) and "acceptance_criteria" in x for x in docs):
            glob = f"{d}/*.yaml" if all(f.endswith(".yaml") for f in manifests) else f"{d}/*.y*ml"
            spec = {"keys": {"features": {"files": glob}, "ledger_ac_ids": {"builtin": "ledger_ac_ids"}}}
            cands.append(Candidate(_input_name(d, "manifests"), f"{{features: [{glob}], ledger_ac_ids}}",
                                   {"features": docs, "ledger_ac_ids": ledger_ac_ids(ledger)}, spec))
    # A flags registry: a YAML file with a top-level `flags` key in a flags/ directory, alone or with its
    # siblings whose single top-level key becomes a key named after the file (rollouts.yaml's environments
    # -> rollouts), as a CI job joins them with jq.
    for registry in sorted(f for f in files if Path(f).parent.name == "flags" and f.endswith((".yaml", ".yml"))):
        reg = data(registry)
        if not (isinstance(reg, dict) and "flags" in reg):
            continue
        cands.append(Candidate(registry, f"the flags registry ({registry})", reg))
        join: dict[str, Any] = {"merge": [{"file": registry}], "keys": {}}
        joined = dict(reg)
        parts = []
        for sibling in sorted(f for f in files if str(Path(f).parent) == str(Path(registry).parent)
                              and f != registry and f.endswith((".yaml", ".yml"))):
            doc = data(sibling)
            stem = Path(sibling).stem
            if isinstance(doc, dict) and len(doc) == 1 and stem not in joined and IDENT.match(stem):
                (key, value), = doc.items()
                join["keys"][stem] = {"file": sibling, "key": str(key)}
                joined[stem] = value
                parts.append(f"{stem}: {sibling} .{key}")
        if join["keys"]:
            cands.append(Candidate(_input_name(str(Path(registry).parent), "joined"),
                                   f"{registry} merged with {{{', '.join(parts)}}}", joined, join))
    # Other specification files beside the ledger (e.g. a data inventory).
    spec_dir = str(Path(det.ledger).parent) if det.ledger else "specs"
    own = {det.ledger, det.tasks, det.flows, det.contextpack}
    for f in files:
        if str(Path(f).parent) == spec_dir and f.endswith((".yaml", ".yml", ".json")) and f not in own:
            doc = data(f)
            if isinstance(doc, dict):
                cands.append(Candidate(f, f, doc))
    return cands


def _input_name(directory: str, what: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", directory.lower()).strip("_") or "root"
    return f"{base}_{what}"
