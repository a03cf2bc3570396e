"""The policy report of a cell read from git (a revision or the index).

The Rego engine reads files from disk, so the policy check of a revision runs on
a private copy of the files it reads, written to a temporary directory that is
removed afterwards; nothing in the repository is written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.derive.policy.model import PolicyReport
    from govcell.load.config import Config


def policy_files(config: Config, files: list[str]) -> list[str]:
    """The files the policy check of a cell reads: policies, fixtures, targets, built-in inputs, config."""
    from govcell.load.globs import Globs, match

    paths = config.paths
    patterns = [paths.policy.rstrip("/") + "/", *[d.rstrip("/") + "/" for d in paths.policy_testdata],
                paths.ledger, paths.tasks, paths.flows, paths.contextpack, paths.doc_index,
                *[d.rstrip("/") + "/" for d in paths.features], ".govcell.yaml", "pyproject.toml"]
    out = set(Globs(patterns).filter(files))
    for globs in config.policy.targets.values():
        for pattern in globs:
            out.update(match(pattern, files))
    return sorted(out)


def policy_report_at(cell: Cell, build: Callable[[Cell], PolicyReport]) -> PolicyReport:
    """``build`` (the policy run) on a private copy of the files the policy check of ``cell`` reads."""
    import tempfile

    from govcell.cell import Cell

    source = cell.source
    config_source = cell.config_source
    listing = source.repo_files([]).paths
    with tempfile.TemporaryDirectory(prefix="govcell-rev-") as tmp:
        dest = Path(tmp)
        for rel in policy_files(cell.config, listing):
            data = source.read_bytes(rel)
            if data is None:
                continue
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        explicit = config_source if config_source and config_source not in (".govcell.yaml", "pyproject.toml") \
            else None
        if explicit and not (dest / explicit).exists() and source.is_file(explicit):
            (dest / explicit).parent.mkdir(parents=True, exist_ok=True)
            (dest / explicit).write_bytes(source.read_bytes(explicit) or b"")
        sub = Cell(dest, explicit)
        # The models are the revision's, already loaded: share them instead of parsing the copies again.
        for name in ("ledger", "tasks", "flows", "contextpack", "doc_index", "features"):
            if name in cell.__dict__ or name in ("ledger", "features"):
                sub.__dict__[name] = getattr(cell, name)
        return build(sub)
