"""The ``.pre-commit-config.yaml`` entry ``govcell init`` writes, and merging it into one that exists.

Two hook sources:

* ``--repo URL --rev REV``: the hooks of govcell's ``.pre-commit-hooks.yaml`` at
  that tag, in an environment pre-commit builds itself (``repo: URL``);
* neither (the default): ``repo: local`` hooks with ``language: system`` that
  run the console scripts of the govcell installed where ``init`` ran.  That
  config works offline and at once; everyone who commits needs govcell on
  PATH (``pip install govcell``).

Either way every hook's ``files:`` filter is computed from the cell's
configured paths (:func:`files_filters`), so a cell that keeps its ledger or
scenarios elsewhere runs each hook whenever a file it reads changes; for the
default paths the filters are exactly the manifest's.

An existing config is merged with ruamel.yaml's round-trip loader, so its
comments, order and quoting are kept; a config that already runs govcell's
hooks is left as it is.
"""

from __future__ import annotations

import dataclasses
import io
import re
from typing import Any

#: The hooks of .pre-commit-hooks.yaml, in its order: (id, name, stages); a test keeps them in step.
HOOKS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("spec-ledger", "govcell spec ledger", ()),
    ("context-bundles", "govcell context bundles", ()),
    ("policy-test", "govcell policy test", ()),
    ("governance-graph", "govcell governance graph", ()),
    ("governance-selftest", "govcell selftest (all checks)", ("manual",)),
    ("ac-tags", "govcell AC tags", ()),
    ("feature-status", "govcell feature status", ()),
    ("test-results", "govcell test results", ()),
    ("governance-site", "govcell governance site", ("manual",)),
    ("governance-scope", "govcell governance scope", ("commit-msg",)),
)
HOOK_IDS = tuple(h[0] for h in HOOKS)
#: Hooks that run whatever changed (the manifest's always_run).
ALWAYS_RUN = ("governance-selftest", "governance-site", "governance-scope")
#: Hooks that take the file pre-commit passes (the commit message), not the changed files.
PASS_FILENAMES = ("governance-scope",)
#: The policy hook reads files of any kind (targets are globs of the user's): its filter is the manifest's.
POLICY_FILES = r"(\.(rego|json|ya?ml|feature)|(^|/)pyproject\.toml)$"
CONFIG_FILES = (r"\.govcell\.ya?ml", r"pyproject\.toml")
MANUAL_NOTE = {
    "governance-selftest": "Every check in one process, for CI:\n"
                           "  pre-commit run --hook-stage manual governance-selftest --all-files",
    "governance-site": "The governance site into site/ (needs govcell's `site` extra):\n"
                       "  pre-commit run --hook-stage manual governance-site --all-files",
    "governance-scope": "A commit that changes a protected governance path needs a Governance-Scope\n"
                        "trailer (commit-msg stage: `pre-commit install --hook-type commit-msg`)",
}


@dataclasses.dataclass
class Source:
    """Where the hooks come from: a hook repository at a rev, or the installed govcell (``repo`` None)."""

    repo: str | None = None
    rev: str | None = None

    @property
    def local(self) -> bool:
        return self.repo is None

    def describe(self) -> str:
        """One line for init's output: which source it chose and what that means."""
        if not self.local:
            return (f"hooks: repo {self.repo} at rev {self.rev} (pre-commit installs govcell from there; "
                    "`pre-commit autoupdate` moves the pin to the latest tag)")
        import shutil

        from govcell import __version__

        where = shutil.which("govcell-spec-ledger")
        found = f"found {where}" if where else "not on PATH yet: install govcell (pip install govcell) first"
        return (f"hooks: repo: local with language: system, running the installed govcell {__version__} "
                f"({found}); works offline now, and everyone who commits needs govcell on PATH; "
                "`govcell init --repo URL --rev vX.Y.Z` pins a released govcell instead")


def _esc(path: str) -> str:
    return re.escape(path.strip("/")).replace(r"\-", "-")


def _dirs(paths: list[str]) -> list[str]:
    """Directories without those inside another of them, first occurrence kept; '' stands for the root."""
    out: list[str] = []
    for d in (p.strip("/") for p in paths):
        d = "" if d in (".", "") else d
        if any(o == "" or d == o or d.startswith(o + "/") for o in out):
            continue
        out = [o for o in out if not (d == "" or o.startswith(d + "/"))] + [d]
    return out


def _dir_glob(d: str, tail: str) -> str:
    return f"{_esc(d)}/{tail}" if d else tail


def files_filters(paths: Any) -> dict[str, str | None]:
    """Each hook's ``files:`` regex for the cell's :class:`govcell.load.config.Paths` (None: runs on every change)."""
    from pathlib import PurePosixPath as P

    def parent(rel: str) -> str:
        return str(P(rel).parent)

    configs = list(CONFIG_FILES)
    spec_dirs = _dirs([parent(paths.ledger), parent(paths.tasks), parent(paths.flows)])
    ledger_yaml = [_dir_glob(d, r".*\.ya?ml") for d in spec_dirs]
    doc_dirs = _dirs([parent(paths.feature_status), paths.adr])
    graph = [*ledger_yaml, r".*\.feature", *[_dir_glob(d, r".*\.md") for d in doc_dirs],
             _esc(paths.contextpack).replace(r"\.yaml", r"\.ya?ml"), _dir_glob(paths.policy, r".*\.rego"), *configs]
    status = [*[_dir_glob(d, ".*") for d in _dirs([parent(paths.ledger), *paths.features])],
              _esc(paths.feature_status), *configs]

    def alt(parts: list[str]) -> str:
        return "^(" + "|".join(dict.fromkeys(parts)) + ")$"

    return {
        "spec-ledger": alt([*ledger_yaml, *configs]),
        "context-bundles": None,
        "policy-test": POLICY_FILES,
        "governance-graph": alt(graph),
        "governance-selftest": None,
        "ac-tags": None,
        "feature-status": alt(status),
        "test-results": None,
        "governance-site": None,
        "governance-scope": None,
    }


def _q(value: str) -> str:
    """A YAML scalar that reads back as ``value`` (single-quoted when it needs quoting)."""
    if (re.fullmatch(r"[A-Za-z0-9_./@~+-][A-Za-z0-9_ ./:@~+()-]*", value) and not value.endswith((" ", ":"))
            and ": " not in value and " #" not in value):
        return value
    return "'" + value.replace("'", "''") + "'"


def entry_lines(source: Source, paths: Any, *, defaults: bool, comments: bool = True) -> list[str]:
    """The ``repos:`` item for ``source`` as YAML lines (item at column 0, ``- repo: ...``)."""
    filters = files_filters(paths)
    if source.local:
        lines = ["- repo: local", "  hooks:"]
    else:
        lines = [f"- repo: {_q(source.repo or '')}", f"  rev: {_q(source.rev or '')}", "  hooks:"]
    for hook_id, name, stages in HOOKS:
        for note in MANUAL_NOTE.get(hook_id, "").splitlines() if comments else ():
            lines.append(f"    # {note}")
        lines.append(f"    - id: {hook_id}")
        if source.local:
            lines += [f"      name: {name}", f"      entry: govcell-{hook_id}", "      language: system",
                      f"      pass_filenames: {'true' if hook_id in PASS_FILENAMES else 'false'}",
                      "      require_serial: true"]
            if hook_id in ALWAYS_RUN:
                lines.append("      always_run: true")
        if filters[hook_id] is not None and (source.local or not defaults):
            lines.append(f"      files: {_q(str(filters[hook_id]))}")
        if stages and source.local:
            lines.append(f"      stages: [{', '.join(stages)}]")
    return lines


def new_config(source: Source, paths: Any, *, defaults: bool) -> str:
    """A whole ``.pre-commit-config.yaml`` holding govcell's hooks."""
    head = [
        "# govcell's hooks: `pre-commit install` once, then every commit is checked",
        "# (`pre-commit run --all-files` checks everything now). Written by `govcell init`;",
        "# the files: filters follow the paths of the cell's configuration (re-run",
        "# `govcell init --print-hooks` after moving them prints the new ones).",
        *(["# repo: local runs the govcell installed here (pip install govcell): it works",
           "# offline at once; `govcell init --repo URL --rev vX.Y.Z` pins a release instead."]
          if source.local else []),
        'minimum_pre_commit_version: "3.2.0"',
        "# `pre-commit install` also installs the commit-msg hook (governance-scope).",
        "default_install_hook_types: [pre-commit, commit-msg]",
        "repos:",
    ]
    return "\n".join(head + ["  " + ln for ln in entry_lines(source, paths, defaults=defaults)]) + "\n"


def runs_govcell(data: Any) -> bool:
    """Whether a loaded pre-commit config already runs govcell's hooks."""
    repos = data.get("repos") if isinstance(data, dict) else None
    for repo in repos if isinstance(repos, list) else []:
        hooks = repo.get("hooks") if isinstance(repo, dict) else None
        for hook in hooks if isinstance(hooks, list) else []:
            if not isinstance(hook, dict):
                continue
            entry = str(hook.get("entry", ""))
            if entry.startswith("govcell-") or (hook.get("id") in HOOK_IDS and repo.get("repo") != "local"
                                                and "govcell" in str(repo.get("repo", ""))):
                return True
    return False


class MergeError(Exception):
    """The existing config cannot be merged (not YAML, no repos list); the message says why."""


def _indents(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) of the ``repos:`` list as the file writes it (pre-commit's own style default)."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^repos\s*:", line):
            for nxt in lines[i + 1:]:
                m = re.match(r"^( *)-( +)\S", nxt)
                if m:
                    dash = len(m.group(1))
                    key = dash + 1 + len(m.group(2))
                    return max(key - dash, 2), key, dash
                if nxt.strip() and not nxt.lstrip().startswith("#"):
                    break
    return 2, 4, 2


def merge(text: str, source: Source, paths: Any, *, defaults: bool) -> str | None:
    """``text`` with govcell's entry appended to ``repos:``, comments and order kept; None when it has them."""
    try:
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError
    except ImportError as exc:  # pragma: no cover - the init extra is missing
        raise MergeError("merging needs ruamel.yaml: pip install 'govcell[init]'") from exc

    mapping, sequence, offset = _indents(text)
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    try:
        data = yaml.load(text)
    except YAMLError as exc:
        raise MergeError(f"not valid YAML ({str(exc).splitlines()[0]})") from exc
    if data is None:
        data = yaml.load("repos: []\n")
        text = ""
    if not isinstance(data, dict) or not isinstance(data.get("repos", []), list):
        raise MergeError("not a pre-commit config (no repos: list)")
    if runs_govcell(data):
        return None
    # Without the hint comments: ruamel keeps a comment's column, which the file's own indentation may not share.
    item = yaml.load("\n".join(entry_lines(source, paths, defaults=defaults, comments=False)) + "\n")[0]
    if "repos" not in data:
        data["repos"] = yaml.load("- x\n")
        data["repos"].pop()
    data["repos"].append(item)
    data["repos"].fa.set_block_style()  # `repos: []` becomes a block list, not one flow line
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()
