"""``govcell review``: stamp the proofs of ACs as reviewed against their current meaning.

``govcell review AC-ID...`` records, in ``paths.reviews`` (``specs/reviews.yaml``),
that every current proof (tagged scenario, non-``bdd`` test mapping) of each AC
proves what the AC says now; ``--all`` does so for every live AC (the first
baseline of a cell); ``--prune`` only drops records of ACs and proofs the cell
no longer has (and moves a renamed AC's records to its new ID).  Every run
prunes.  Exit 0 when the file was written or already held the stamps, 1 when it
could not be written or the ledger could not be read, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from govcell.cli import options
from govcell.cli.errors import UsageError


def add_parser(sub: Any) -> None:
    p = options.command(sub, "review", command, help="stamp ACs' scenarios and tests as reviewed against the ACs' "
                        "current text (clears 'suspect')")
    p.add_argument("acs", nargs="*", metavar="AC-ID", help="the ACs whose proofs were reviewed")
    p.add_argument("--all", action="store_true", help="stamp every live AC (the first baseline of a cell)")
    p.add_argument("--prune", action="store_true", help="only drop records of ACs and proofs that no longer "
                                                        "exist (follows renames)")
    options.cell(p)


def command(args: argparse.Namespace) -> int:
    from govcell.cell import Cell
    from govcell.derive.suspect import restamp
    from govcell.diagnostics import did_you_mean, printable
    from govcell.report.findings import text as findings_text

    if sum((bool(args.acs), args.all, args.prune)) != 1:
        raise UsageError("give AC IDs, --all or --prune (one of them)")
    cell = Cell(args.root, args.config)
    if cell.ledger.model is None or cell.ledger.unreadable:
        sys.stderr.write(findings_text(list(cell.ledger.causes()) or list(cell.ledger.diagnostics)))
        print(f"govcell review: the ledger {cell.ledger.path} must be readable to review its ACs", file=sys.stderr)
        return 1
    if cell.reviews.unreadable:
        sys.stderr.write(findings_text(list(cell.reviews.diagnostics)))
        print(f"govcell review: {cell.reviews.path} cannot be read; fix or remove it first", file=sys.stderr)
        return 1
    known = [a.id for _, _, a in cell.ledger.model.iter_acs()]
    unknown = [a for a in dict.fromkeys(args.acs) if a not in known]
    if unknown:
        hints = [h for h in (did_you_mean(u, known) for u in unknown) if h]
        raise UsageError(f"no acceptance criterion {', '.join(printable(u) for u in unknown)} in "
                         f"{cell.ledger.path}{'; ' + hints[0] if hints else ''}")
    result = restamp(cell, None if args.all or args.prune else list(dict.fromkeys(args.acs)), prune_only=args.prune)
    rel = cell.config.paths.reviews
    current = cell.read_text(rel).text if cell.reviews.present else None
    for ac_id in result.no_proof:
        print(f"{ac_id}: no scenario or test to review", file=sys.stderr)
    if current != result.text:
        problem = _write(cell, rel, result.text)
        if problem is not None:
            sys.stderr.write(findings_text([problem]))
            return 1
    for old, new in sorted(result.moved.items()):
        print(f"{old} -> {new}: its review records follow the rename")
    stamped = sum(result.stamped.values())
    what = [f"{stamped} proof(s) of {len(result.stamped)} AC(s) stamped"] if not args.prune else []
    if result.dropped:
        what.append(f"{result.dropped} stale record(s) dropped")
    print(f"{rel}: {', '.join(what) or 'nothing to prune'}" + ("" if current != result.text else " (unchanged)"))
    return 0


def _write(cell: Any, rel: str, text: str) -> Any:
    """Write the reviews file under the path policy: never over another input of the cell."""
    from govcell.write import cell_inputs, write_output

    inputs = cell_inputs(cell)
    root = os.path.realpath(cell.root)
    own = os.path.relpath(os.path.realpath(os.path.join(root, rel)), root).replace(os.sep, "/")

    def other_input(path: str) -> bool:
        return path != own and inputs(path)

    return write_output(cell.root, rel, text, what="reviews file", inputs=other_input,
                        where=(cell.config_source or rel, 0, 0))
