""".pre-commit-hooks.yaml: every check is a hook, declared the same way, with a sound ``files:`` filter.

The end-to-end proof (each hook installed by pre-commit, passing and failing) is
the slow scenario of features/adoption.feature; these are the fast invariants.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from govcell.checks import CHECKS
from tests.conftest import ENTRY_POINTS, REPO_ROOT

MANIFEST = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
HOOKS = {h["id"]: h for h in MANIFEST}
SCRIPTS = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]

#: Files each filtered hook reads at their default paths: a change to any must run it.
MUST_TRIGGER: dict[str, list[str]] = {
    "spec-ledger": ["specs/spec_ledger.yaml", "specs/tasks.yaml", "specs/devex_flows.yaml", ".govcell.yaml",
                    "pyproject.toml"],
    "policy-test": ["policy/k8s.rego", "policy/testdata/k8s_valid.yaml", "policy/testdata/f_valid.json",
                    "specs/spec_ledger.yaml", "features/a.feature", ".llm/contextpack.yaml", ".govcell.yaml",
                    "deploy/app.yml", "pyproject.toml"],
    "governance-graph": ["specs/spec_ledger.yaml", "specs/tasks.yaml", "specs/devex_flows.yaml",
                         "features/a.feature", "specs/features/b/c.feature", "docs/adr/0001-x.md", "docs/guide.md",
                         ".llm/contextpack.yaml", "policy/k8s.rego", ".govcell.yaml", "pyproject.toml"],
    "feature-status": ["specs/spec_ledger.yaml", "features/a.feature", "specs/features/b/c.feature",
                       "docs/feature_status.md", ".govcell.yaml", "pyproject.toml"],
}


def test_every_check_is_a_hook_and_every_hook_a_console_script() -> None:
    assert set(CHECKS) | {"governance-selftest"} <= set(HOOKS)
    for hook_id, hook in HOOKS.items():
        script = f"govcell-{hook_id}"
        assert hook["entry"] == script, hook_id
        assert script in SCRIPTS and script in ENTRY_POINTS, script
        # the installed script runs the hook module's main() through govcell.entry.console (fast exit)
        from govcell.entry import console

        assert SCRIPTS[script] == f"govcell.entry.console:{console.attribute(script)}"
        assert console.SCRIPTS[script] == ENTRY_POINTS[script]


@pytest.mark.parametrize("hook_id", sorted(HOOKS))
def test_hook_is_declared_like_the_others(hook_id: str) -> None:
    hook = HOOKS[hook_id]
    assert hook["language"] == "python"
    # a commit-msg hook reads the message file pre-commit passes; every other hook reads the whole cell
    assert hook["pass_filenames"] is (hook.get("stages") == ["commit-msg"]) and hook["require_serial"] is True
    assert hook["minimum_pre_commit_version"] == "3.2.0"
    assert hook["name"].startswith("govcell ") and len(hook["name"]) <= 40
    assert hook["description"].strip()
    if hook.get("always_run"):
        assert "files" not in hook, "an always_run hook needs no files: filter"
    if "files" in hook:
        re.compile(hook["files"])


def test_hook_names_are_unique() -> None:
    names = [h["name"] for h in MANIFEST]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("hook_id", sorted(MUST_TRIGGER))
def test_files_filter_covers_what_the_hook_reads(hook_id: str) -> None:
    pattern = re.compile(HOOKS[hook_id]["files"])
    missed = [p for p in MUST_TRIGGER[hook_id] if not pattern.search(p)]
    assert missed == []


def test_unfiltered_hooks_are_the_ones_whose_inputs_can_be_anywhere() -> None:
    """ac-tags (mapped tests live anywhere), test-results (result globs) and the selftest run on every commit."""
    unfiltered = {h["id"] for h in MANIFEST if "files" not in h}
    assert set(MUST_TRIGGER) & unfiltered == set()
    assert {"ac-tags", "test-results", "governance-selftest"} <= unfiltered


def test_pre_commit_accepts_the_manifest_and_both_configs(tmp_path: Path) -> None:
    from govcell.adopt.starter import scaffold_files

    scaffolded = tmp_path / ".pre-commit-config.yaml"
    scaffolded.write_bytes(scaffold_files()[".pre-commit-config.yaml"])
    pre_commit = Path(sys.executable).parent / "pre-commit"
    for args in (["validate-manifest", str(REPO_ROOT / ".pre-commit-hooks.yaml")],
                 ["validate-config", str(REPO_ROOT / ".pre-commit-config.yaml"), str(scaffolded)]):
        proc = subprocess.run([str(pre_commit), *args], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_own_config_runs_the_same_hooks_locally() -> None:
    """This repository's .pre-commit-config.yaml runs each manifest hook from its venv, same filter."""
    config = yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    local = {h["id"]: h for repo in config["repos"] if repo["repo"] == "local" for h in repo["hooks"]}
    assert set(local) == set(HOOKS)
    for hook_id, hook in HOOKS.items():
        mine = local[hook_id]
        assert (mine["entry"], mine["name"], mine.get("files")) == (hook["entry"], hook["name"], hook.get("files"))
        assert mine["pass_filenames"] is hook["pass_filenames"] and mine["require_serial"] is True
        assert mine.get("stages") == hook.get("stages")


def test_site_hook_installs_exactly_the_site_extra() -> None:
    """The governance-site hook's environment gets the `site` extra, and only the site hook does."""
    extras = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    site_extra = extras["optional-dependencies"]["site"]
    assert HOOKS["governance-site"]["additional_dependencies"] == site_extra
    assert HOOKS["governance-site"]["stages"] == ["manual"]
    assert [h["id"] for h in MANIFEST if h.get("additional_dependencies")] == ["governance-site"]
