"""What ``govcell init`` finds in an existing repository (the configuration that fits it: ``govcell.adopt.render``).

Detection reads what is there, never a list of known repositories: the ledger,
the feature directories, the ADR folder and its numbering, the policy directory
with its packages and fixture directories, the contextpack, a flags registry,
feature manifests (``features/*.yaml`` with ``acceptance_criteria``) and the
format of the committed feature-status report.

Each policy is then fed the input whose shape it reads, as a CI pipeline would
feed it to conftest.  A policy's *top-level references* (``input.stories``,
``input["tasks"]``) must all be top-level keys of the input; among the inputs
that have them, the one that shares most of the policy's field names (every
``.name`` and quoted key it mentions) wins, and on a tie the one with fewer
top-level keys (the tighter fit).  A policy no input fits is left to its
fixtures, and ``init`` says so.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from govcell.adopt.policy_inputs import policy_inputs
from govcell.adopt.rego_scan import Candidate, PolicyFile, best_input, scan_policy
from govcell.load.report_format import feature_status_format

#: Directories never searched (dependencies, build output, VCS data).
SKIP_DIRS = {".git", "node_modules", "target", ".venv", "venv", "__pycache__", "site", "dist", "build", ".tox"}
#: A decision record's file name: its number, then a slug.
ADR_NAME = re.compile(r"^(\d+)-[^/]+\.md$")
#: How a feature-status report says govcell wrote it, or the Rust template's xtask did.
#: The largest file detection reads (a governance file is far smaller).
MAX_SCAN_BYTES = 4 * 1024 * 1024


@dataclasses.dataclass
class Detection:
    """Everything ``init`` found, relative paths throughout."""

    root: Path
    ledger: str | None = None
    ledger_is_default: bool = True
    feature_dirs: list[str] = dataclasses.field(default_factory=list)
    feature_files: int = 0
    adr_dir: str | None = None
    adr_numbers: list[int] = dataclasses.field(default_factory=list)
    adr_widths: set[int] = dataclasses.field(default_factory=set)
    policy_dir: str | None = None
    policies: list[PolicyFile] = dataclasses.field(default_factory=list)
    testdata_dirs: list[str] = dataclasses.field(default_factory=list)
    fixture_count: int = 0
    other_fixture_dirs: list[str] = dataclasses.field(default_factory=list)
    contextpack: str | None = None
    tasks: str | None = None
    flows: str | None = None
    candidates: list[Candidate] = dataclasses.field(default_factory=list)
    feature_status: str | None = None
    feature_status_format: str | None = None  #: govcell | xtask | other | None (absent)
    docs_pages: list[str] = dataclasses.field(default_factory=list)
    #: mkdocs | sphinx | None: the documentation tool the repository already uses
    docs_tool: str | None = None
    docs_tool_file: str | None = None
    #: what the starter policy pack's pieces could govern (found outside any policy directory)
    k8s_manifests: list[str] = dataclasses.field(default_factory=list)
    flags_registries: list[str] = dataclasses.field(default_factory=list)
    inventories: list[str] = dataclasses.field(default_factory=list)
    pre_commit_config: str | None = None

    @property
    def existing(self) -> bool:
        """Whether the repository already is (part of) a governed cell."""
        return bool(self.ledger or self.policies or self.contextpack or self.adr_numbers or self.feature_files)

    def targets(self) -> dict[str, Candidate]:
        """policy stem -> the input it judges."""
        out: dict[str, Candidate] = {}
        for pf in self.policies:
            if pf.is_policy:
                best = best_input(pf, self.candidates)
                if best is not None:
                    out[pf.stem] = best
        return out

    def paths_differ(self) -> dict[str, Any]:
        """The ``paths`` keys whose detected value differs from govcell's default."""
        from govcell.load.config import Paths

        defaults = Paths()
        out: dict[str, Any] = {}
        if self.ledger and self.ledger != defaults.ledger:
            out["ledger"] = self.ledger
        if self.feature_dirs and not set(self.feature_dirs) <= set(defaults.features):
            out["features"] = self.feature_dirs
        if self.adr_dir and self.adr_dir != defaults.adr:
            out["adr"] = self.adr_dir
        if self.policy_dir and self.policy_dir != defaults.policy:
            out["policy"] = self.policy_dir
        if self.testdata_dirs and self.testdata_dirs != defaults.policy_testdata:
            out["policy_testdata"] = self.testdata_dirs
        return out

    def namespaces(self) -> list[str]:
        return sorted({pf.package for pf in self.policies if pf.is_policy and pf.package})


def _walk(root: Path, max_depth: int) -> Iterable[Path]:
    """Files under ``root`` to ``max_depth`` directories deep, sorted, skipping SKIP_DIRS."""
    def visit(directory: Path, depth: int) -> Iterable[Path]:
        try:
            entries = sorted(directory.iterdir(), key=lambda p: p.name)
        except OSError:
            return
        for entry in entries:
            if entry.is_symlink():
                continue
            if entry.is_dir():
                if depth < max_depth and entry.name not in SKIP_DIRS:
                    yield from visit(entry, depth + 1)
            elif entry.is_file():
                yield entry
    yield from visit(root, 0)


def _load(root: Path, rel: str) -> Any:
    """The data of a YAML or JSON file, or None; through govcell's bounded loader (size, aliases, depth)."""
    from govcell.load.yamlio import load_yaml

    loaded = load_yaml(root, rel, max_bytes=MAX_SCAN_BYTES, required=False)
    return loaded.data if loaded.present and not loaded.diagnostics else None


def detect(root: Path, overlay: dict[str, bytes] | None = None) -> Detection:
    """Scan ``root``; ``overlay`` holds files init will write (read as if they were there)."""
    scan = _Scan(root, overlay or {})
    det = Detection(root)
    _detect_specs(det, scan)
    _detect_features(det, scan)
    _detect_adrs(det, scan)
    _detect_policies(det, scan)
    det.candidates.extend(policy_inputs(det, scan.files, scan.data))
    _detect_docs(det, scan)
    for name in (".pre-commit-config.yaml", ".pre-commit-config.yml"):
        if (root / name).is_file() or (root / name).is_symlink():
            det.pre_commit_config = name
            break
    _detect_governable(det, [f for f in scan.files if f not in scan.overlay])
    return det


class _Scan:
    """The repository as detection sees it: its files (and the overlay's), read through one bounded reader."""

    def __init__(self, root: Path, overlay: dict[str, bytes]) -> None:
        from govcell.load.config import Paths

        self.root = root
        self.overlay = overlay
        self.defaults = Paths()
        files = [p.relative_to(root).as_posix() for p in _walk(root, 4)] if root.is_dir() else []
        # Scenarios git tracks, at any depth (a library keeps them under tests/ or deeper).
        self.files = sorted(set(files) | set(overlay) | {f for f in tracked_files(root) if f.endswith(".feature")})

    def exists(self, rel: str) -> bool:
        return rel in self.overlay or (self.root / rel).is_file()

    def data(self, rel: str) -> Any:
        if rel in self.overlay:
            from govcell.load.yamlio import parse_yaml

            loaded = parse_yaml(self.overlay[rel].decode("utf-8", "replace"), rel)
            return None if loaded.diagnostics else loaded.data
        return _load(self.root, rel)

    def text(self, rel: str) -> str:
        return self.overlay[rel].decode("utf-8", "replace") if rel in self.overlay else _read(self.root / rel)


def _shallowest(dirs: Iterable[str]) -> list[str]:
    return sorted(set(dirs), key=lambda d: (d.count("/"), d))


def _detect_specs(det: Detection, scan: _Scan) -> None:
    """The ledger (the default path, else the shallowest spec_ledger.y*ml), the contextpack, tasks and flows."""
    defaults = scan.defaults
    if scan.exists(defaults.ledger):
        det.ledger = defaults.ledger
    else:
        found = _shallowest(f for f in scan.files if Path(f).name in ("spec_ledger.yaml", "spec_ledger.yml"))
        if found:
            det.ledger, det.ledger_is_default = found[0], False
    for attr, rel in (("contextpack", defaults.contextpack), ("tasks", defaults.tasks), ("flows", defaults.flows)):
        if scan.exists(rel):
            setattr(det, attr, rel)


def _detect_features(det: Detection, scan: _Scan) -> None:
    """Feature files: the default directories, else wherever they are."""
    overlay, defaults = scan.overlay, scan.defaults
    feature_files = [f for f in scan.files if f.endswith(".feature")]
    in_defaults = [f for f in feature_files if any(f.startswith(d.rstrip("/") + "/") for d in defaults.features)]
    det.feature_files = len(in_defaults)
    det.feature_dirs = [d for d in defaults.features if any(f.startswith(d + "/") for f in in_defaults)]
    # The repository's own scenarios decide: the starter's (in the overlay) join them where they are.
    if not [f for f in in_defaults if f not in overlay] and [f for f in feature_files if f not in overlay]:
        chosen: list[str] = []
        for d in _shallowest(str(Path(f).parent) for f in feature_files if f not in overlay):
            if not any(d == c or d.startswith(c + "/") for c in chosen):
                chosen.append(d)
        det.feature_dirs = [d for d in det.feature_dirs if d not in chosen] + chosen
        det.feature_files = len(feature_files)


def _detect_adrs(det: Detection, scan: _Scan) -> None:
    """ADRs: the default folder, else a folder named adr/adrs/decisions holding NNNN-*.md; their numbering."""
    files = scan.files
    adr_dirs = [scan.defaults.adr] if (scan.root / scan.defaults.adr).is_dir() else _shallowest(
        str(Path(f).parent) for f in files if Path(f).parent.name.lower() in ("adr", "adrs", "decisions")
        and ADR_NAME.match(Path(f).name))
    if adr_dirs:
        det.adr_dir = adr_dirs[0]
        for f in files:
            if str(Path(f).parent) == det.adr_dir and (m := ADR_NAME.match(Path(f).name)):
                det.adr_numbers.append(int(m.group(1)))
                det.adr_widths.add(len(m.group(1)))
        det.adr_numbers.sort()


def _detect_policies(det: Detection, scan: _Scan) -> None:
    """Policies: the default directory, else the shallowest policy/ or policies/ with .rego files; fixtures."""
    defaults = scan.defaults
    rego = [f for f in scan.files if f.endswith(".rego")]
    policy_dirs = [defaults.policy] if any(f.startswith(defaults.policy + "/") for f in rego) else _shallowest(
        str(Path(f).parent) for f in rego if Path(f).parent.name in ("policy", "policies"))
    if policy_dirs:
        det.policy_dir = policy_dirs[0]
        _detect_fixtures(det, scan.files, defaults.policy_testdata, scan.exists)
        skip = tuple(d + "/" for d in det.testdata_dirs + det.other_fixture_dirs)
        for f in rego:
            if f.startswith(det.policy_dir + "/") and not f.startswith(skip):
                det.policies.append(scan_policy(f, scan.text(f)))


def _detect_docs(det: Detection, scan: _Scan) -> None:
    """The committed feature-status report and its format, the docs pages beside it, the docs tool in use."""
    status_rel = scan.defaults.feature_status
    if scan.exists(status_rel):
        det.feature_status = status_rel
        det.feature_status_format = feature_status_format(scan.text(status_rel))
    docs = Path(status_rel).parent.as_posix()
    det.docs_pages = [f for f in scan.files if f.startswith(docs + "/") and f.endswith(".md")
                      and f not in scan.overlay and f != status_rel]
    root = scan.root
    for name in ("mkdocs.yml", "mkdocs.yaml"):
        if (root / name).is_file():
            det.docs_tool, det.docs_tool_file = "mkdocs", name
            break
    else:
        for conf in ("docs/conf.py", "doc/conf.py", "docs/source/conf.py", "doc/source/conf.py"):
            if (root / conf).is_file():
                det.docs_tool, det.docs_tool_file = "sphinx", conf
                break


_K8S = (re.compile(r"^apiVersion:\s*\S", re.M), re.compile(r"^kind:\s*[A-Z]\w*\s*$", re.M))


_FLAGS = re.compile(r"^flags:", re.M)
_DATASETS = re.compile(r"^datasets:", re.M)


#: YAML files read (their first 64 KiB) when looking for what the policy pack could govern.
MAX_GOVERNABLE_SCAN = 400


def _detect_governable(det: Detection, files: list[str]) -> None:
    """Kubernetes manifests, a flags registry, a data inventory: what the starter pack's pieces govern."""
    skip = tuple(d.rstrip("/") + "/" for d in (det.policy_dir or "policy", *det.testdata_dirs, ".github"))
    yamls = [f for f in files if f.endswith((".yaml", ".yml")) and not f.startswith(skip)
             and "/testdata/" not in f"/{f}" and not f.startswith(".")][:MAX_GOVERNABLE_SCAN]
    for f in yamls:
        try:
            with (det.root / f).open("rb") as fh:
                text = fh.read(64 * 1024).decode("utf-8", "replace")
        except OSError:
            continue
        if all(p.search(text) for p in _K8S):
            det.k8s_manifests.append(f)
        elif _FLAGS.search(text) and "flag" in f.lower():
            det.flags_registries.append(f)
        elif _DATASETS.search(text):
            det.inventories.append(f)


def tracked_files(root: Path) -> list[str]:
    """The files git tracks under ``root`` (empty outside a work tree or when git is missing)."""
    from govcell.load.git import tracked

    return tracked(root) or []


def _read(path: Path) -> str:
    """A text file's content (at most MAX_SCAN_BYTES of it), or "" when it cannot be read."""
    try:
        with path.open("rb") as fh:
            return fh.read(MAX_SCAN_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _detect_fixtures(det: Detection, files: list[str], default_dirs: list[str],
                     exists: Callable[[str], bool]) -> None:
    """Fixture directories: the default ones when they hold fixtures; another only when they do not."""
    assert det.policy_dir is not None
    stems = {Path(f).stem for f in files if f.startswith(det.policy_dir + "/") and f.endswith(".rego")}

    def fixtures_in(d: str) -> list[str]:
        return [f for f in files if str(Path(f).parent) == d and f.endswith((".json", ".yaml", ".yml"))
                and any(Path(f).name.startswith(s + "_") or Path(f).stem == s for s in stems)]

    defaults = [d.rstrip("/") for d in default_dirs]
    candidates = sorted({str(Path(f).parent) for f in files if f.startswith(det.policy_dir + "/")
                         and str(Path(f).parent) != det.policy_dir and fixtures_in(str(Path(f).parent))})
    used = [d for d in defaults if fixtures_in(d)]
    if used:
        det.testdata_dirs = used
        det.other_fixture_dirs = [d for d in candidates if d not in used]
    else:
        det.testdata_dirs = candidates
    det.fixture_count = sum(len(fixtures_in(d)) for d in det.testdata_dirs)
