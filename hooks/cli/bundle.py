"""``govcell bundle``: render a context bundle (and its manifest) for an agent.

``govcell bundle TASK`` renders a contextpack task; ``govcell bundle --ac ID``
builds one for a single acceptance criterion from the ledger; ``govcell bundle
--changes BASE`` one for the reviewer of the change BASE -> the working tree
(``govcell.report.change_bundle``).  Findings go to
stderr (the bundle itself may go to stdout with ``--out -``); the exit code is
1 when any finding is an error, 2 for a usage error (unknown task or AC).
A bundle with a safety finding (a path leaving the repository, a secret) is
refused: nothing is written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govcell.cli import options
from govcell.cli.errors import UsageError

if TYPE_CHECKING:
    from govcell.derive.bundles import Bundle
    from govcell.cell import Cell
    from govcell.diagnostics import Diagnostic
    from govcell.write import Target


def add_parser(sub: Any) -> None:
    from govcell.derive.bundles.render import FORMATS

    p = options.command(sub, "bundle", command,
                        help="render an LLM context bundle for a contextpack task or one AC")
    p.add_argument("task", nargs="?", help="task name from the contextpack")
    p.add_argument("--ac", metavar="AC-ID", help="build a bundle for this acceptance criterion instead")
    p.add_argument("--changes", metavar="BASE", help="build a bundle for reviewing the change BASE -> the working "
                                                    "tree: its governance diff, the ACs it touched or made suspect "
                                                    "with what proves them, the findings it introduced")
    options.out(p, "the bundle (and PATH.manifest.json beside it)",
                default="the task's output, else <bundles.output_dir>/NAME.FORMAT, relative to the root")
    options.output_format(p, FORMATS, default="md")
    p.add_argument("--max-bytes", type=options.positive, default=None, metavar="N",
                   help="budget of an --ac or --changes bundle (default: bundles.ac_max_bytes, "
                        "bundles.changes_max_bytes)")
    p.add_argument("--list", action="store_true", help="list the contextpack's bundles with their sizes and budgets")
    options.cell(p)
    options.strict(p)


def command(args: argparse.Namespace) -> int:
    from govcell.cell import Cell

    if args.list:
        return _list(Cell(args.root, args.config))
    if sum(bool(x) for x in (args.task, args.ac, args.changes)) != 1:
        raise UsageError("give a TASK, --ac AC-ID or --changes BASE (one of them)")
    cell = Cell(args.root, args.config)
    if args.changes:
        return _changes(cell, args)
    return _task(cell, args) if args.task else _ac(cell, args)


def _changes(cell: Cell, args: argparse.Namespace) -> int:
    from govcell.derive.analysis import Analysis
    from govcell.report.change_bundle import NAME, build
    from govcell.report.revisions import diff as compute
    from govcell.diagnostics import Diagnostic, Severity

    doc = compute(args.root, args.config, args.changes, None)
    if doc["diagnostics"]:
        found = [Diagnostic(d["code"], Severity(d["severity"]), d["path"], d["line"], d["col"], d["message"],
                            d["hint"]) for d in doc["diagnostics"]]
        _report(cell, found, args.strict)
        print(f"govcell bundle: cannot compare with '{args.changes}'; nothing was written", file=sys.stderr)
        return 1
    if cell.ledger.model is None:
        _report(cell, list(cell.ledger.diagnostics), args.strict)
        print(f"govcell bundle: the ledger {cell.ledger.path} must be valid to build a change bundle",
              file=sys.stderr)
        return 1
    bundle = build(Analysis(cell), doc, args.max_bytes, args.format)
    default = f"{cell.config.bundles.output_dir}/{NAME}.{args.format}"
    return _emit(cell, bundle, list(bundle.findings), args, default, over_code="bundle.truncated")


def _report(cell: Cell, found: list[Diagnostic], strict: bool) -> list[Diagnostic]:
    from govcell.diagnostics import apply_policy
    from govcell.report.findings import render

    found = apply_policy(list(cell.config_diagnostics) + found, cell.config.severity,
                         strict=strict or cell.config.strict)
    sys.stderr.write(render(found, "text"))
    return found


def _task(cell: Cell, args: argparse.Namespace) -> int:
    from govcell.checks.context_bundles import ledger_ids, task_field_findings
    from govcell.derive.analysis import Analysis
    from govcell.derive.bundles import build
    from govcell.diagnostics import did_you_mean, diag

    loaded = cell.contextpack
    if loaded.model is None:
        found = list(loaded.diagnostics) or [diag("bundle.no-contextpack", f"no contextpack at {loaded.path}",
                                                  loaded.path, hint="create it (see `govcell schema contextpack`)")]
        _report(cell, found, args.strict)
        return 1
    task = loaded.model.tasks.get(args.task)
    bundler = Analysis(cell).bundler
    bundle = build(bundler, args.task)
    if task is None or bundle is None:
        known = list(loaded.model.tasks)
        hint = did_you_mean(args.task, known)
        raise UsageError(f"unknown task '{args.task}'{'; ' + hint if hint else ''}; "
                         f"known: {', '.join(known) or '(none)'}")
    found = list(bundle.findings) + task_field_findings(bundler, args.task, task, ledger_ids(cell))
    default = task.output or f"{cell.config.bundles.output_dir}/{args.task}.{args.format}"
    return _emit(cell, bundle, found, args, default, over_code="bundle.over-budget")


def _ac(cell: Cell, args: argparse.Namespace) -> int:
    from govcell.derive.analysis import Analysis
    from govcell.derive.bundles import build_for_ac
    from govcell.diagnostics import did_you_mean

    if cell.ledger.model is None:
        _report(cell, list(cell.ledger.diagnostics), args.strict)
        print(f"govcell bundle: the ledger {cell.ledger.path} must be valid to build an AC bundle", file=sys.stderr)
        return 1
    bundle = build_for_ac(Analysis(cell).bundler, args.ac, args.max_bytes)
    if bundle is None:
        known = [a.id for _, _, a in cell.ledger.model.iter_acs()]
        hint = did_you_mean(args.ac, known)
        raise UsageError(f"no acceptance criterion '{args.ac}' in {cell.ledger.path}"
                         f"{'; ' + hint if hint else ''}")
    default = f"{cell.config.bundles.output_dir}/{args.ac}.{args.format}"
    return _emit(cell, bundle, list(bundle.findings), args, default, over_code="bundle.truncated")


def _emit(cell: Cell, bundle: Bundle, found: list[Diagnostic], args: argparse.Namespace, default: str, *,
          over_code: str) -> int:
    from govcell.diagnostics import Severity, diag, exit_code, printable
    from govcell.derive.bundles.render import NOT_FIT, fit, render
    from govcell.report.bundle import manifest
    from govcell.write import write_atomic

    if bundle.refused:
        found = _report(cell, found, args.strict)
        print(f"govcell bundle: refused to render '{bundle.name}': it would carry a secret or a file from outside "
              "the repository; nothing was written", file=sys.stderr)
        return 1
    fitted = fit(bundle, args.format)
    left = [(p, s) for p, s, r in fitted.omitted if r == NOT_FIT]
    text = render(fitted, args.format)
    size = len(text.encode("utf-8"))
    if left or size > bundle.max_bytes:
        shown = ", ".join(f"{p} ({s} bytes)" for p, s in left[:10]) + (" ..." if len(left) > 10 else "")
        where = (cell.contextpack.path, *cell.contextpack.raw.position(("tasks", bundle.name, "max_bytes"))) \
            if bundle.kind == "task" else (cell.ledger.path, 0, 0)
        found.append(diag(over_code, f"bundle '{bundle.name}' does not fit its {bundle.max_bytes} bytes: "
                          + (f"left out {len(left)} file(s): {shown}" if left else f"it is {size} bytes"),
                          *where, hint="the left-out files are listed in the bundle and its manifest; narrow the "
                                       "bundle or raise its budget",
                          severity=Severity.ERROR if bundle.kind == "task" else Severity.WARNING))
    out = args.out or default
    places, problem = ([], None) if out == "-" else _places(cell, bundle, args, out)
    if problem is not None:
        # One cause, one finding: the check may already have said why this output is refused.
        if not any(d.code in ("bundle.path-escape", problem.code)
                   and (d.path, d.line, d.col) == (problem.path, problem.line, problem.col) for d in found):
            found.append(problem)
        _report(cell, found, args.strict)
        print(f"govcell bundle: refused to write '{printable(bundle.name)}'; nothing was written", file=sys.stderr)
        return 1
    found = _report(cell, found, args.strict)
    doc = manifest(fitted, args.format, text, out, cell.config.bundles.bytes_per_token)
    summary = (f"{size} bytes (~{doc['estimated_tokens']} tokens), {len(fitted.files)} file(s), "
               f"{len(fitted.omitted) + len(fitted.skipped)} not included")
    if out == "-":
        sys.stdout.write(text)
        print(f"bundle '{printable(bundle.name)}': {summary}", file=sys.stderr)
        return int(exit_code(found))
    for place, data in zip(places, (text, json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n")):
        try:
            write_atomic(place.path, data)
        except OSError as exc:
            _report(cell, [diag("write.failed", f"cannot write bundle output '{place.rel}': {exc.strerror or exc}",
                                place.rel, hint="check the directory's permissions and free space")], args.strict)
            return 1
    print(f"wrote {printable(out)}: {summary}; manifest {printable(Path(out).name)}.manifest.json")
    return int(exit_code(found))


def _places(cell: Cell, bundle: Bundle, args: argparse.Namespace,
            out: str) -> tuple[list[Target], Diagnostic | None]:
    """The bundle's and its manifest's places under the path policy (``govcell.write``), or the finding.

    An ``--out`` path is relative to the current directory and, being the
    user's own, may lie outside the cell; a configured one (the task's
    ``output``, ``bundles.output_dir`` + the name) is relative to the cell root
    and must stay inside it.  Neither goes into ``.git/``, over an input of the
    cell, through a final symlink or onto a special file.
    """
    from govcell.derive.bundles import TASK_NAME
    from govcell.diagnostics import diag
    from govcell.write import cell_inputs, resolve_output

    base = options.out_base() if args.out else cell.root
    where = None
    has_output = False
    if not args.out and bundle.kind == "task" and cell.contextpack.model is not None:
        task = cell.contextpack.model.tasks.get(bundle.name)
        has_output = task is not None and bool(task.output)
        loc = ("tasks", bundle.name, "output") if has_output else ("tasks", bundle.name)
        line, col = cell.contextpack.raw.position(loc, key=not has_output)
        where = (cell.contextpack.path, line, col)
    if not args.out and not has_output and not TASK_NAME.fullmatch(bundle.name):
        # The name becomes the file name: only a plain one (the check's bundle.bad-name says so too).
        path, line, col = where or (cell.ledger.path, 0, 0)
        return [], diag("bundle.bad-name", f"bundle name '{bundle.name}' is not a plain file name", path, line,
                        col, hint="use letters, digits, '-', '_' and '.': the name becomes the output file name")
    inputs = cell_inputs(cell)
    places: list[Target] = []
    for target in (out, out + ".manifest.json"):
        place, problem = resolve_output(cell.root, target, what="bundle output", inputs=inputs, base=base,
                                        where=where, outside_ok=bool(args.out))
        if problem is not None:
            return [], problem
        if place is not None:
            places.append(place)
    return places, None


def _list(cell: Cell) -> int:
    from govcell.derive.analysis import Analysis

    if cell.contextpack.model is None:
        _report(cell, list(cell.contextpack.diagnostics), False)
        return 1 if cell.contextpack.present else 0
    for b in Analysis(cell).budgets:
        flag = "OVER" if b.over else "ok"
        print(f"{b.name}\t{b.bytes}/{b.max_bytes} bytes\t{flag}\t{len(b.files)} file(s)\t{b.description}")
    return 0
