"""The starter govcell writes into a new cell: its files (package data) and the parts fitted to a repository.

The scaffold is package data (``hooks/adopt/templates/init/``), so what ``init``
writes is reviewable as plain files and ships with every install, hook
environments included.  Path segments spelled ``dot-NAME`` become ``.NAME``
(setuptools' package-data globs skip dotfiles).  The policy pack there is a
copy of this repository's own ``policy/`` (a test keeps them identical); only
its pieces with something to govern in the repository are written.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any


#: govcell's home: the published documentation (findings, configuration) lives under it.
GOVCELL_HOME = "https://govcell.dev"


PRE_COMMIT_CONFIG = ".pre-commit-config.yaml"


#: JSON Schemas written to ``docs/schema/`` for the editors of the cell's files.
SCHEMAS = ("ledger", "tasks", "flows", "contextpack", "config")


STARTER_LEDGER = "specs/spec_ledger.yaml"


STARTER_FEATURE = "features/governance.feature"


STARTER_ADR = "docs/adr/0001-record-architecture-decisions.md"


def template_root() -> Traversable:
    """The scaffold shipped inside the package."""
    return resources.files("govcell.adopt") / "templates" / "init"


def target_path(template_rel: str) -> str:
    """``dot-llm/contextpack.yaml`` -> ``.llm/contextpack.yaml``."""
    return "/".join("." + part[4:] if part.startswith("dot-") else part for part in template_rel.split("/"))


def iter_templates(node: Traversable | None = None, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    """Every template file as (template-relative path, resource), sorted by path."""
    node = node or template_root()
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            if child.name != "__pycache__":
                yield from iter_templates(child, rel + "/")
        else:
            yield rel, child


def scaffold_files(source: Any = None, paths: Any = None) -> dict[str, bytes]:
    """The files ``init`` writes: cell path -> content (the templates, and a pre-commit config for ``source``)."""
    from govcell.load.config import Paths
    from govcell.adopt.precommit import Source, new_config

    files = {target_path(rel): res.read_bytes() for rel, res in iter_templates()}
    files[PRE_COMMIT_CONFIG] = new_config(source or Source(), paths or Paths(),
                                          defaults=paths is None).encode("utf-8")
    return files


#: The site's starter files: left out beside documentation of the repository's own.
SITE_FILES = ("mkdocs.yml", "docs/index.md")


#: Files of the config part: the static starter config, or one generated from what init found.
CONFIG = ".govcell.yaml"


#: The starter pack's pieces that govern files a repository may or may not have; the rest govern the cell.
PIECE_NEEDS = {
    "k8s": ("k8s_manifests", "no Kubernetes manifest in this repository for the k8s policy to govern"),
    "flags": ("flags_registries", "no feature-flags registry in this repository for the flags policy to govern"),
    "privacy": ("inventories", "no data inventory (datasets:) in this repository for the privacy policy to govern"),
}


def policy_piece(rel: str) -> str:
    """``policy/testdata/k8s_pdb.yaml`` -> ``k8s``: the policy a pack file belongs to."""
    return Path(rel).stem.split("_", 1)[0]


def pack_pieces(found: Any) -> dict[str, str]:
    """piece -> why it is left out (absent: it is written)."""
    return {piece: why for piece, (attr, why) in PIECE_NEEDS.items() if not getattr(found, attr)}


def fitted_expectations(data: bytes, left_out: dict[str, str]) -> bytes:
    """The pack's expectations.yaml without the entries of fixtures left out."""
    out: list[str] = []
    keep = True
    for line in data.decode("utf-8").splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            keep = policy_piece(line.split(":", 1)[0]) not in left_out
        if keep:
            out.append(line)
    return ("\n".join(out) + "\n").encode("utf-8")


def starter_config(text: str, left_out: dict[str, str], found: Any) -> str:
    """The starter .govcell.yaml for the pack's pieces written, with targets for what they govern."""
    import re

    from govcell.adopt.precommit import _q

    lines = []
    globs = {"k8s": _globs(found.k8s_manifests), "flags": found.flags_registries, "privacy": found.inventories}
    for line in text.splitlines():
        m = re.match(r"^(\s*)namespaces: \[(.*)\]$", line)
        if m:
            kept = [n.strip() for n in m.group(2).split(",") if n.strip() not in left_out]
            line = f"{m.group(1)}namespaces: [{', '.join(kept)}]"
        m = re.match(r"^(\s*)# (k8s|flags|privacy): .*$", line)
        if m:
            if m.group(2) in left_out:
                continue
            line = f"{m.group(1)}{m.group(2)}: [{', '.join(_q(g) for g in globs[m.group(2)])}]"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _globs(files: list[str]) -> list[str]:
    """Files as one glob per directory and suffix (``deploy/*.yaml``) when a directory holds several."""
    by_dir: dict[tuple[str, str], list[str]] = {}
    for f in files:
        by_dir.setdefault((str(Path(f).parent), Path(f).suffix), []).append(f)
    out = []
    for (d, suffix), group in sorted(by_dir.items()):
        out += group if len(group) == 1 else [f"{d}/*{suffix}" if d != "." else f"*{suffix}"]
    return out


def fit_contextpack(text: str, det: Any) -> str:
    """The starter contextpack with its includes where the cell keeps its ledger, scenarios and ADRs."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        indent = line[:len(line) - len(line.lstrip())]
        if stripped == f"- {STARTER_LEDGER}":
            line = f"{indent}- {det.ledger or STARTER_LEDGER}"
        elif stripped == "- features/**/*.feature":
            lines += [f"{indent}- {d}/**/*.feature" for d in det.feature_dirs]
            continue
        elif stripped == "- docs/adr/*.md":
            if det.adr_dir:
                lines.append(f"{indent}- {det.adr_dir}/*.md")
            continue
        lines.append(line)
    return "\n".join(lines) + "\n"
