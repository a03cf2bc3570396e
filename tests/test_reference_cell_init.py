"""``govcell init`` in a checkout of the Rust template (the reference cell), end to end."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import git, run_command

pytestmark = pytest.mark.slow


@pytest.fixture
def checkout(reference_cell: Path, tmp_path: Path) -> Path:
    """A private copy of the committed reference cell, for a test that changes it."""
    dest = tmp_path / reference_cell.name
    shutil.copytree(reference_cell, dest, symlinks=True)
    return dest


def _tracked(root: Path) -> dict[str, bytes]:
    return {rel: (root / rel).read_bytes() for rel in git(root, "ls-files", "-z").split("\0") if rel
            and (root / rel).is_file() and not (root / rel).is_symlink()}


def test_init_fits_the_template_and_feeds_its_policies_as_its_ci_does(checkout: Path) -> None:
    root = checkout
    before = _tracked(root)
    result = run_command("govcell init", root)
    assert result.code == 0, result.output
    out = result.stdout
    plan = out[:out.index("created: ")]
    # What it found, and how each policy is fed: as the template's workflows feed conftest.
    for line in ("  ledger specs/spec_ledger.yaml", "  25 feature file(s) in specs/features",
                 "  17 decision record(s) in docs/adr (ADR-0001 to ADR-0031)",
                 "  docs/feature_status.md: the report of `cargo xtask ac-status`",
                 "  policy ledger judges the spec ledger (specs/spec_ledger.yaml)",
                 "  policy features judges {features: [features/*.yaml], ledger_ac_ids}",
                 "  policy llm judges the contextpack (.llm/contextpack.yaml)",
                 "  policy flags judges flags/registry.yaml merged with {rollouts: flags/rollouts.yaml .environments}",
                 "  policy flags_warn judges the flags registry (flags/registry.yaml)",
                 "  policy privacy judges specs/privacy.yaml",
                 "tracked files: none will be changed"):
        assert line in plan, f"{line!r} not in the plan:\n{plan}"
    # Nothing tracked changed; the only new files are the config and the JSON Schemas.
    after = _tracked(root)
    assert [rel for rel, data in before.items() if after.get(rel) != data] == []
    new = set(git(root, "status", "--porcelain", "--untracked-files=all").split()) - {"A", "??", "M"}
    assert new == {".govcell.yaml", *(f"docs/schema/{n}.json" for n in ("config", "contextpack", "flows",
                                                                       "ledger", "tasks"))}, new
    # No second ADR-0001, no policy pack beside the template's, no fixture clash.
    assert sorted(p.name for p in (root / "docs/adr").glob("0001-*")) == ["0001-hexagonal-architecture.md"]
    assert not (root / "policy/contextpack.rego").exists() and not (root / "policy/k8s_test.rego").exists()
    config = yaml.safe_load((root / ".govcell.yaml").read_text(encoding="utf-8"))
    assert config["feature_status"] == {"format": "xtask"}
    assert config["policy"]["namespaces"] == ["main"]
    assert config["policy"]["targets"] == {
        "features": ["features_manifests"], "flags": ["flags_joined"], "flags_warn": ["flags/registry.yaml"],
        "ledger": ["ledger"], "llm": ["contextpack"], "privacy": ["specs/privacy.yaml"]}
    assert config["policy"]["inputs"] == {
        "features_manifests": {"keys": {"features": {"files": "features/*.yaml"},
                                        "ledger_ac_ids": {"builtin": "ledger_ac_ids"}}},
        "flags_joined": {"merge": [{"file": "flags/registry.yaml"}],
                         "keys": {"rollouts": {"file": "flags/rollouts.yaml", "key": "environments"}}}}
    assert "paths" not in config  # the template is laid out as govcell's defaults expect
    # Running it again changes nothing.
    again = run_command("govcell init", root)
    assert again.code == 0 and "0 created, 0 overwritten" in again.stdout, again.output
