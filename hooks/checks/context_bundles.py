"""The check ``context-bundles``: every contextpack task resolves safely, within budget, to known IDs.

Bundles are resolved by :mod:`govcell.derive.bundles` (one :class:`~govcell.derive.bundles.Bundler`
per analysis, so files shared by bundles are read once); this check adds what
concerns a task's own fields (name, output, IDs, ``allow_secrets``), empty and
over-budget bundles, and reports a secret or a link out of the repository once
per place, naming every bundle that picks it.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from govcell.diagnostics import Diagnostic, Severity, diag, did_you_mean
from govcell.derive.bundles import TASK_NAME, Bundle, Bundler, build, rendered_size, task_position

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.derive.analysis import Analysis
    from govcell.formats.contextpack import BundleTask


def check(analysis: Analysis) -> list[Diagnostic]:
    """The ``context-bundles`` check: every task resolves safely, within budget, to known IDs."""
    cell = analysis.cell
    loaded = cell.contextpack
    found = list(loaded.diagnostics)
    if not loaded.present or loaded.model is None:
        return found
    state = analysis.bundler
    found.extend(state.ignore_findings)
    ids = ledger_ids(cell)
    if ids is None and any(t.acs or t.requirements for t in loaded.model.tasks.values()):
        found.extend(cell.ledger.causes())  # the bundles' AC/REQ references could not be checked
    shared: list[tuple[Diagnostic, str, str]] = []
    for name, task in loaded.model.tasks.items():
        found.extend(task_field_findings(state, name, task, ids))
        bundle = build(state, name)
        if bundle is None:
            continue
        found.extend(bundle.findings)
        shared.extend((d, what, name) for d, what in bundle.shared)
        if not bundle.files and not bundle.omitted:
            line, col = task_position(cell, name)
            found.append(diag("bundle.empty", f"bundle '{name}' resolves to no file it can carry",
                              loaded.path, line, col, hint="fix its include patterns"))
        found.extend(_budget_findings(cell, bundle))
    return _merge_file_findings(found, shared)


def ledger_ids(cell: Cell) -> tuple[set[str], set[str]] | None:
    ledger = cell.ledger.model
    if ledger is None:
        return None
    reqs = {r.id for _, r in ledger.iter_requirements()}
    acs = {a.id for _, _, a in ledger.iter_acs()}
    return reqs, acs


def task_field_findings(state: Bundler, name: str, task: BundleTask,
                        ids: tuple[set[str], set[str]] | None) -> list[Diagnostic]:
    """What is wrong with task ``name``'s own fields: its name, output, AC/requirement IDs, allow_secrets."""
    from govcell.load.globs import escape_reason, is_glob, normalise

    cell = state.cell
    cp = cell.contextpack.path
    out: list[Diagnostic] = []
    if not TASK_NAME.fullmatch(name):
        line, col = cell.contextpack.raw.position(("tasks", name), key=True)
        out.append(diag("bundle.bad-name", f"bundle name '{name}' is not a plain file name", cp, line, col,
                        hint="use letters, digits, '-', '_' and '.', not starting with '.' or '-': "
                             "the name becomes the output file name"))
    if task.output and escape_reason(task.output):
        line, col = task_position(cell, name, "output")
        out.append(diag("bundle.path-escape", f"bundle '{name}': output '{task.output}' "
                        f"{escape_reason(task.output)}", cp, line, col,
                        hint="write bundles inside the repository (they are usually gitignored)"))
    else:
        out.extend(_output_findings(state, name, task))
    if ids is not None:
        reqs, acs = ids
        for field, known, code in (("requirements", reqs, "bundle.unknown-requirement"),
                                   ("acs", acs, "bundle.unknown-ac")):
            for i, ident in enumerate(getattr(task, field)):
                if ident not in known:
                    line, col = task_position(cell, name, field, i)
                    out.append(diag(code, f"bundle '{name}' names {ident}, which the ledger does not hold", cp,
                                    line, col, hint=did_you_mean(ident, known) or "fix the ID or add it to the "
                                                                                  "ledger"))
    files = state.files
    for i, allowed in enumerate(task.allow_secrets):
        line, col = task_position(cell, name, "allow_secrets", i)
        if is_glob(allowed):
            out.append(diag("bundle.allow-not-exact", f"bundle '{name}': allow_secrets entry '{allowed}' is a "
                            "pattern; only exact paths are allowed", cp, line, col,
                            hint="name each allowed file by its exact path", severity=Severity.ERROR))
        elif normalise(allowed) not in files:
            out.append(diag("bundle.allow-unused", f"bundle '{name}': allow_secrets entry '{allowed}' names no "
                            "file of the repository", cp, line, col, hint="remove the stale entry",
                            severity=Severity.WARNING))
    return out


def _output_findings(state: Bundler, name: str, task: BundleTask) -> list[Diagnostic]:
    """Where ``govcell bundle NAME`` would write, judged by the path policy (govcell.write)."""
    from govcell.write import resolve_output

    cell = state.cell
    target = task.output or f"{cell.config.bundles.output_dir}/{name}.md"
    loc = ("tasks", name, "output") if task.output else ("tasks", name)
    line, col = cell.contextpack.raw.position(loc, key=not task.output)
    inputs = state.inputs
    for path in (target, target + ".manifest.json"):
        _place, problem = resolve_output(cell.root, path, what="bundle output", inputs=inputs,
                                         where=(cell.contextpack.path, line, col))
        if problem is not None:
            return [problem]
    return []


def _budget_findings(cell: Cell, bundle: Bundle) -> list[Diagnostic]:
    if bundle.refused:
        return []
    size = rendered_size(bundle)
    if size <= bundle.max_bytes:
        return []
    largest = sorted(bundle.files, key=lambda f: (-f.size, f.path))[:5]
    listed = ", ".join(f"{f.path} ({f.size} bytes)" for f in largest)
    line, col = task_position(cell, bundle.name, "max_bytes")
    return [diag("bundle.over-budget", f"bundle '{bundle.name}' renders to {size} bytes, {size - bundle.max_bytes} "
                 f"over its max_bytes {bundle.max_bytes}; largest files: {listed}", cell.contextpack.path,
                 line, col, hint="exclude large or generated files, split the bundle, or raise max_bytes")]


def _merge_file_findings(found: list[Diagnostic], shared: list[tuple[Diagnostic, str, str]]) -> list[Diagnostic]:
    """One finding per secret/symlink location, naming every bundle that includes it.

    ``shared`` holds each bundle's findings about a file with their message without the bundle's
    name (``Bundle.shared``), and that bundle's name.
    """
    about_file = {id(d) for d, _what, _name in shared}
    merged: dict[tuple[str, str, int, int], tuple[Diagnostic, str, list[str]]] = {}
    for d, what, name in shared:
        where = (d.code, d.path, d.line, d.col)
        if where in merged:
            merged[where][2].append(name)
        else:
            merged[where] = (d, what, [name])
    out = [d for d in found if id(d) not in about_file]
    for d, what, names in merged.values():
        names = sorted(set(names))
        label = "bundle" if len(names) == 1 else "bundles"
        out.append(dataclasses.replace(d, message=f"{what} ({label} {', '.join(repr(n) for n in names)})"))
    return out
