"""A bundle's ledger links: the requirements and ACs it serves, with their scenarios and status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govcell.derive.bundles.bundler import Bundler
from govcell.derive.bundles.model import LinkedAC, LinkedRequirement, Scenario

if TYPE_CHECKING:
    from govcell.formats.contextpack import BundleTask
    from govcell.formats.ledger import AcceptanceCriterion


def _link_ac(state: Bundler, ac: AcceptanceCriterion) -> LinkedAC:
    """An AC with its scenarios and status, as the AC-tags layer computed them.

    Scenarios come from the cell's one Gherkin parse (``Cell.features``) and the
    status from the analysis' coverage, so a bundle says exactly what ``govcell
    status`` and the site say: static coverage, then run status.
    """
    cell = state.cell
    scenarios = [Scenario(sc.name, sc.file, sc.line) for sc in cell.features.by_ac.get(ac.id, [])]
    status = state.ac_states().get(ac.id)
    label = f"{status.coverage}, {status.run.replace('_', ' ')}" if status is not None else "uncovered"
    if status is not None and status.suspect:
        label += ", suspect"
    return LinkedAC(ac, scenarios, label)


def link(state: Bundler, requirements: list[str], acs: list[str]) -> tuple[list[LinkedRequirement], list[str]]:
    """The ledger entries for ``requirements`` and ``acs``, in ledger order, and the IDs not found.

    A linked requirement brings all its ACs; a linked AC brings its requirement
    and story for context.
    """
    ledger = state.cell.ledger.model
    want_reqs, want_acs = set(requirements), set(acs)
    if ledger is None:
        return [], sorted(want_reqs | want_acs)
    index = state.ledger_index()
    out: list[LinkedRequirement] = []
    # Only the requirements that hold a wanted ID, in ledger order (one index per cell,
    # not a walk of the whole ledger per bundle: bundles grow with the ledger too).
    positions = {p for r in want_reqs for p in index.by_req.get(r, ())}
    positions.update(p for a in want_acs for p in index.by_ac.get(a, ()))
    for p in sorted(positions):
        story, req = index.entries[p]
        chosen = [ac for ac in req.acceptance_criteria if req.id in want_reqs or ac.id in want_acs]
        if req.id in want_reqs or chosen:
            out.append(LinkedRequirement(story, req, [_link_ac(state, ac) for ac in chosen]))
    missing = sorted((want_reqs | want_acs) - index.ids)
    return out, missing


def task_links(state: Bundler, name: str, task: BundleTask) -> tuple[list[str], list[str]]:
    """The bundle's own REQ/AC IDs plus those of a ``specs/tasks.yaml`` task of the same id."""
    reqs, acs = list(task.requirements), list(task.acs)
    for t in state.tasks_by_id.get(name, ()):
        if t.requirement:
            reqs.append(t.requirement)
        acs.extend(t.acs)
    return list(dict.fromkeys(reqs)), list(dict.fromkeys(acs))
