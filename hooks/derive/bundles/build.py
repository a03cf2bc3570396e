"""Resolving a bundle: a contextpack task (``build``), one AC (``build_for_ac``) or several (``build_for_acs``).

Each joins the files (:mod:`.files`), the ledger links (:mod:`.links`) and the
secret scan of the header text into one :class:`~.model.Bundle`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govcell.derive.bundles.bundler import Bundler
from govcell.derive.bundles.files import admit, choose, skip_findings, task_position
from govcell.derive.bundles.links import link, task_links
from govcell.derive.bundles.model import Bundle, LinkedRequirement
from govcell.diagnostics import Diagnostic, Severity, diag
from govcell.load.secrets import scan_text

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.formats.ledger import AcceptanceCriterion, Requirement, Story


def _header_secrets(cell: Cell, name: str, description: str | None, prompt: str | None,
                    links: list[LinkedRequirement]) -> list[Diagnostic]:
    """Secrets in what the bundle's header carries (description, prompt, ledger text): every byte is scanned."""
    out: list[Diagnostic] = []
    texts: list[tuple[str, str, tuple[str, int, int]]] = []
    for field, value in (("description", description), ("prompt", prompt)):
        if value:
            texts.append((field, value, (cell.contextpack.path, *task_position(cell, name, field))))
    for lr in links:
        for label, value in ((lr.story.id, lr.story.title), (lr.requirement.id, lr.requirement.title),
                             *((la.ac.id, la.ac.text) for la in lr.acs),
                             *((la.ac.id, sc.name) for la in lr.acs for sc in la.scenarios)):
            if value:
                texts.append((f"{label} text", value, (cell.ledger.path, 0, 0)))
    for field, value, (path, line, col) in texts:
        for hit in scan_text(value, limit=1):
            out.append(diag("bundle.secret-content", f"the {field} of bundle '{name}' holds what looks like a "
                            f"{hit.kind}", path, line, col,
                            hint="remove the secret: the bundle header carries this text to the agent"))
    return out



def build(state: Bundler, name: str) -> Bundle | None:
    """Resolve contextpack task ``name`` into a :class:`Bundle` (None when the contextpack has no such task)."""
    cell = state.cell
    pack = cell.contextpack.model
    task = pack.tasks.get(name) if pack is not None else None
    if task is None:
        return None
    findings: list[Diagnostic] = []
    chosen = choose(state, cell, name, task, findings)
    shared: list[tuple[Diagnostic, str]] = []
    files, skipped = admit(state, name, chosen, set(task.allow_secrets), findings, shared)
    findings.extend(skip_findings(cell, name, skipped, state))
    reqs, acs = task_links(state, name, task)
    links, missing = link(state, reqs, acs)
    findings.extend(_header_secrets(cell, name, task.description, task.prompt, links))
    bundle = Bundle(name, task.description, task.prompt, task.max_bytes, state.files.commit, state.files.in_git,
                    links, missing, files, skipped, findings, shared=shared)
    if task.max_files is not None and len(files) > task.max_files:
        line, col = task_position(cell, name, "max_files")
        findings.append(diag("bundle.too-many-files", f"bundle '{name}' resolves to {len(files)} files, over its "
                             f"max_files {task.max_files}", cell.contextpack.path, line, col,
                             hint="narrow the include patterns, or raise max_files"))
        bundle.omitted.extend((f.path, f.size, "over max_files") for f in files[task.max_files:])
        bundle.files = files[:task.max_files]
    return bundle


def build_for_ac(state: Bundler, ac_id: str, max_bytes: int | None = None) -> Bundle | None:
    """An automatic bundle for one AC: its story, requirement, scenarios, tests, ADRs and docs.

    None when the ledger has no such AC.
    """
    cell = state.cell
    ledger = cell.ledger.model
    hit = next(((s, r, a) for s, r, a in (ledger.iter_acs() if ledger else []) if a.id == ac_id), None)
    if hit is None:
        return None
    story, req, ac = hit
    links, _ = link(state, [], [ac_id])
    findings: list[Diagnostic] = []
    wanted = _wanted(cell, state, [(ac_id, p) for p in _ac_paths(cell, story, req, ac)], findings)
    shared: list[tuple[Diagnostic, str]] = []
    files, skipped = admit(state, ac_id, wanted, set(), findings, shared)
    findings.extend(_header_secrets(cell, ac_id, None, None, links))
    budget = max_bytes or cell.config.bundles.ac_max_bytes
    return Bundle(ac_id, f"Everything needed to implement and prove {ac_id}: {ac.text}",
                  None, budget, state.files.commit, state.files.in_git, links, [], files, skipped, findings,
                  kind="ac", shared=shared)


def _ac_paths(cell: Cell, story: Story, req: Requirement, ac: AcceptanceCriterion) -> list[str]:
    """An AC's files: scenarios first (what must hold), then the tests and code they map to, then decisions, docs."""
    paths = sorted({sc.file for sc in cell.features.by_ac.get(ac.id, [])})
    paths.extend(t.file for t in ac.tests if t.type == "bdd" and t.file)
    paths.extend(t.file for t in ac.tests if t.type != "bdd" and t.file)
    paths.extend(_adr_files(cell, [*story.adrs, *req.adrs, *ac.adrs]))
    paths.extend(req.docs)
    return paths


def _wanted(cell: Cell, state: Bundler, paths: list[tuple[str, str]], findings: list[Diagnostic]) -> list[str]:
    """The (AC, path) pairs' paths a bundle may carry, once each; findings for the others."""
    from govcell.load.globs import escape_reason, normalise

    wanted: list[str] = []
    for p, ac_id in dict.fromkeys((normalise(p), a) for a, p in paths):
        if p in wanted:
            continue
        why = escape_reason(p)
        if why:
            findings.append(diag("bundle.path-escape", f"{ac_id} maps to '{p}', which {why}",
                                 cell.ledger.path, hint="ledger paths are repository-relative"))
        elif p not in state.files:
            findings.append(diag("bundle.no-match", f"{ac_id} maps to '{p}', which is not a "
                                 f"{'tracked ' if state.files.in_git else ''}file of the repository",
                                 cell.ledger.path, hint="fix the mapping's file", severity=Severity.WARNING))
        elif not state.ignored(p):
            wanted.append(p)
    return wanted


def build_for_acs(state: Bundler, name: str, description: str, prompt: str | None, ac_ids: list[str],
                  sections: list[tuple[str, str]], max_bytes: int, kind: str) -> Bundle:
    """A bundle of several ACs (ledger order) with their requirements, stories, scenarios, tests, ADRs and docs,
    and ``sections`` (title, Markdown) in its header; IDs the ledger lacks are skipped."""
    cell = state.cell
    ledger = cell.ledger.model
    wanted_ids = set(ac_ids)
    links, _ = link(state, [], [a for a in ac_ids if a])
    pairs: list[tuple[str, str]] = []
    for story, req, ac in ledger.iter_acs() if ledger else ():
        if ac.id in wanted_ids:
            pairs.extend((ac.id, p) for p in _ac_paths(cell, story, req, ac))
    findings: list[Diagnostic] = []
    wanted = _wanted(cell, state, pairs, findings)
    shared: list[tuple[Diagnostic, str]] = []
    files, skipped = admit(state, name, wanted, set(), findings, shared)
    findings.extend(_header_secrets(cell, name, None, None, links))
    for title, text in sections:
        for hit in scan_text(text, limit=1):
            findings.append(diag("bundle.secret-content", f"the section '{title}' of bundle '{name}' holds what "
                                 f"looks like a {hit.kind}", cell.ledger.path, hint="remove the secret: the "
                                 "bundle header carries this text to the agent"))
    return Bundle(name, description, prompt, max_bytes, state.files.commit, state.files.in_git, links, [], files,
                  skipped, findings, kind=kind, sections=list(sections), shared=shared)


def _adr_files(cell: Cell, adrs: list[str]) -> list[str]:
    """The decision record files of ``ADR-NNNN`` references (``cell.adrs``), unknown ones skipped.

    A reference to a missing ADR is the governance graph's finding, not the bundle's.
    """
    index = cell.adrs.adrs
    return [index[ref].path for ref in dict.fromkeys(adrs) if ref in index]
