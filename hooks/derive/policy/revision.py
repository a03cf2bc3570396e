"""The policy check of a cell read from a git revision (``--new-since``, ``govcell diff``).

The engine needs real files: the ones the policy check reads are copied from the
revision into a temporary directory, and the report is built on that copy.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.derive.policy.model import PolicyReport
    from govcell.load.config import Config


def policy_files(cfg: Config, files: list[str]) -> list[str]:
    """The files the policy check of a cell reads: policies, fixtures, targets, built-in inputs, config."""
    from govcell.load.repofiles import match, matcher

    paths = cfg.paths
    patterns = [paths.policy.rstrip("/") + "/", *[d.rstrip("/") + "/" for d in paths.policy_testdata],
                paths.ledger, paths.tasks, paths.flows, paths.contextpack, paths.doc_index,
                *[d.rstrip("/") + "/" for d in paths.features], ".govcell.yaml", "pyproject.toml"]
    wanted = matcher(patterns)
    out = {p for p in files if wanted(p)}
    from govcell.load.repofiles import RepoFiles

    listing = RepoFiles(files, True, None)
    for globs in cfg.policy.targets.values():
        for pattern in globs:
            out.update(match(pattern, listing))
    return sorted(out)


def policy_report_at(cell: Cell) -> PolicyReport:
    """The policy report of a cell read from git: the policy engine runs on a private copy of the
    files it reads (policies, fixtures, targets, the ledger...), written to a temporary directory
    that is removed afterwards.  Nothing in the repository is written."""
    import tempfile

    from govcell.cell import Cell
    from govcell.derive.policy.run import build_report

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
        return build_report(sub)
