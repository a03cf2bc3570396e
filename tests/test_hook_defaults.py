"""Defaults that do not double the work: the selftest is manual, and filters follow moved paths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT, init_git, run_command

MANIFEST = {h["id"]: h for h in yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())}


def _hooks(config: object) -> dict[str, dict]:
    repos = config["repos"] if isinstance(config, dict) else config
    return {h["id"]: h for repo in repos for h in repo["hooks"]}


@pytest.mark.ac("AC-ADOPT-076")
def test_the_selftest_is_at_the_manual_stage_everywhere(tmp_path: Path) -> None:
    """The manifest, this repository's config and the config init writes: a commit runs each
    check once, and CI runs the selftest by name."""
    own = _hooks(yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text()))
    init_git(tmp_path)
    assert run_command(["govcell", "init", "--no-stage"], tmp_path).code == 0
    scaffolded = _hooks(yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text()))
    for hooks in (MANIFEST, own, scaffolded):
        assert hooks["governance-selftest"]["stages"] == ["manual"]
        assert [h for h, v in hooks.items() if "manual" not in v.get("stages", ["pre-commit"])] == \
            [h for h in MANIFEST if h not in ("governance-selftest", "governance-site")]


@pytest.mark.ac("AC-ADOPT-076")
def test_filters_follow_moved_paths(tmp_path: Path) -> None:
    """A cell that keeps its ledger and scenarios in governance/: init --print-hooks gives filters that
    match them (the manifest's defaults would not), and docs/configuration.md says how to keep them."""
    init_git(tmp_path)
    (tmp_path / ".govcell.yaml").write_text("paths:\n  ledger: governance/ledger.yaml\n"
                                            "  features: [governance/features]\n")
    printed = run_command(["govcell", "init", "--print-hooks"], tmp_path)
    assert printed.code == 0, printed.output
    hooks = _hooks(yaml.safe_load(printed.stdout))
    moved = {"spec-ledger": "governance/ledger.yaml", "governance-graph": "governance/ledger.yaml",
             "feature-status": "governance/features/pay.feature"}
    for hook, path in moved.items():
        assert re.search(hooks[hook]["files"], path), (hook, hooks[hook]["files"])
        assert not re.search(MANIFEST[hook]["files"], path), f"{hook}: the default filter would miss nothing"
    assert "govcell init --print-hooks" in (REPO_ROOT / "docs/configuration.md").read_text()
