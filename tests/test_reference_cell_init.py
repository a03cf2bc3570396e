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
                 "tracked file .pre-commit-config.yaml will be merged (govcell's hooks added, comments and order "
                 "kept)"):
        assert line in plan, f"{line!r} not in the plan:\n{plan}"
    # Nothing tracked changed but the pre-commit config, which kept every line and gained govcell's hooks;
    # the only new files are the config and the JSON Schemas.
    after = _tracked(root)
    assert [rel for rel, data in before.items() if after.get(rel) != data] == [".pre-commit-config.yaml"]
    assert after[".pre-commit-config.yaml"].startswith(before[".pre-commit-config.yaml"])
    new = set(git(root, "status", "--porcelain", "--untracked-files=all").split()) - {"A", "??", "M"}
    schemas = {f"docs/schema/{n}.json" for n in ("config", "contextpack", "flows", "ledger", "tasks")}
    assert new == {".govcell.yaml", ".pre-commit-config.yaml", *schemas}, new
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


WORKED_EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "rust-template.md"


def _table_row(f: dict[str, object]) -> str:
    message = str(f["message"]).replace("|", "\\|")
    return f"| `{f['code']}` | {f['severity']} | `{f['path']}:{f['line']}` | {message} |"


def documented_findings() -> set[tuple[str, str, str]]:
    """(code, severity, path:line) of every row of the findings table in docs/rust-template.md."""
    import re

    text = WORKED_EXAMPLE.read_text(encoding="utf-8")
    table = text[text.index("<!-- findings table -->"):]
    return set(re.findall(r"^\| `([a-z.-]+)` \| (error|warning|info) \| `([^`]+)` \|", table, re.M))


def test_check_after_init_reports_what_the_worked_example_lists(checkout: Path) -> None:
    """Every finding on the template is in docs/rust-template.md, with why it is genuine; nothing else is."""
    import json

    assert run_command("govcell init", checkout).code == 0
    result = run_command("govcell check --format json", checkout)
    assert result.code == 1, result.output
    findings = json.loads(result.stdout)["findings"]
    got = {(f["code"], f["severity"], f"{f['path']}:{f['line']}") for f in findings}
    want = documented_findings()
    rows = "\n".join(_table_row(f) for f in findings)
    assert got == want, (f"docs/rust-template.md is out of step with govcell check on the template.\n"
                         f"missing from the doc: {sorted(got - want)}\nno longer reported: {sorted(want - got)}\n"
                         f"the table as govcell reports it now:\n{rows}")
    # The template's own report is governed in its format, and agrees byte for byte.
    status = run_command("govcell feature-status --check", checkout)
    assert status.code == 0, status.output
