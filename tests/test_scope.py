"""govcell.derive.scope: protected paths, declarations, and the Rust template's scope.rego on ``changes``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govcell.derive import scope
from govcell.load.config import Config
from tests.conftest import git, run_command, unpack_reference


@pytest.fixture(autouse=True)
def _no_ci_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("GOVCELL_SCOPE", "GOVCELL_SCOPE_FILE", "PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF"):
        monkeypatch.delenv(var, raising=False)


def test_default_protected_paths_follow_the_configured_paths() -> None:
    cfg = Config.model_validate({"paths": {"ledger": "gov/ledger.yaml", "policy": "rego"},
                                 "scope": {"also_protected": ["CHANGELOG.md"]}})
    pats = scope.patterns(cfg)
    assert pats[:3] == ["gov/ledger.yaml", "specs/tasks.yaml", "specs/devex_flows.yaml"]
    assert {"rego/", ".github/workflows/", "docs/feature_status.md", "AGENTS.md", "CLAUDE.md",
            ".github/copilot-instructions.md", "CHANGELOG.md"} <= set(pats)
    got = scope.protected(["rego/a.rego", "regolith.txt", "docs/x.md", "CLAUDE.md", "sub/CLAUDE.md"], pats)
    assert got == {"rego/a.rego": "rego/", "CLAUDE.md": "CLAUDE.md"}
    only = Config.model_validate({"scope": {"protected": ["specs/*.yaml"]}})
    assert scope.protected(["specs/a.yaml", "specs/b/c.yaml", "policy/x.rego"], scope.patterns(only)) == \
        {"specs/a.yaml": "specs/*.yaml"}


@pytest.mark.parametrize(("value", "kind", "intent"), [
    ("governance: add a story", "governance", "add a story"),
    ("Mechanical - rename", "mechanical", "rename"),
    ("docs", "docs", ""),
    ("  release —  v1.2  ", "release", "v1.2"),
])
def test_a_declaration_is_a_type_and_an_intent(value: str, kind: str, intent: str) -> None:
    d = scope.parse_value(value, "trailer")
    assert (d.declared, d.type, d.intent, d.source) == (True, kind, intent, "trailer")
    assert not scope.parse_value("   ", "trailer").declared


def test_a_pull_request_declares_its_scope_in_a_scope_block_or_a_trailer_line() -> None:
    body = "Fixes things.\n\n## Scope\n- **Type:** governance\nIntent: reword AC text\n\n## Tests\nType: docs\n"
    d = scope.from_text(body, "Governance-Scope", "file")
    assert (d.declared, d.type, d.intent) == (True, "governance", "reword AC text")
    d = scope.from_text("Body\nGovernance-Scope: release: 1.0\n", "Governance-Scope", "file")
    assert (d.declared, d.type, d.intent) == (True, "release", "1.0")
    assert not scope.from_text("No scope here.\nType: governance\n", "Governance-Scope", "file").declared
    # a ## Scope block without a Type: is declared, of type any (as the template's workflow reads it)
    assert scope.from_text("## Scope\nIntent: x\n", "Governance-Scope", "file").type == "any"


def test_trailers_are_read_as_git_reads_them(tmp_path: Path) -> None:
    msg = "Subject\n\nBody: not a trailer, a paragraph\nstill body\n\nGovernance-Scope: docs: typo\nSigned-off-by: a\n"
    found = scope.trailers(tmp_path, msg)
    assert found == {"Governance-Scope": ["docs: typo"], "Signed-off-by": ["a"]}
    assert scope.from_trailers({"governance-scope": ["docs"]}, "Governance-Scope").type == "docs"


def test_an_unreadable_or_huge_message_is_a_finding(tmp_path: Path) -> None:
    cfg = Config()
    (found,) = scope.check_message(tmp_path, cfg, "missing-msg")
    assert found.code == "scope.unreadable" and found.path == "missing-msg"
    (tmp_path / "big").write_bytes(b"x" * (scope.MAX_MESSAGE_BYTES + 1))
    (found,) = scope.check_message(tmp_path, cfg, "big")
    assert found.code == "scope.unreadable" and "larger than" in found.message


def test_not_a_git_repository_is_a_finding(tmp_path: Path) -> None:
    doc, (found,) = scope.changes_input(tmp_path, Config())
    assert doc == {} and found.code == "diff.not-git"


SCOPE_CONFIG = """\
paths:
  policy_testdata: [policy/testdata, policy/fixtures]
policy:
  namespaces: [main]
  targets:
    scope: [changes]
"""


def _scope_findings(output: str) -> list[str]:
    return [line for line in output.splitlines() if "scope" in line and ": " in line and not line.startswith(" ")]


def test_the_rust_templates_scope_rego_runs_on_changes_as_its_ci_runs_it(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """ci-scope-guard.yml feeds scope.rego {changed_files, scope_declared, declared_type} of the pull request:
    `git diff --name-only origin/BASE...HEAD` and the ## Scope block of the PR body.  The `changes` input has
    those keys, so the policy runs unchanged, on its fixtures in policy/fixtures as well."""
    root = unpack_reference(tmp_path)
    (root / ".govcell.yaml").write_text(SCOPE_CONFIG)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "govcell config")
    git(root, "checkout", "-q", "-b", "change")
    (root / "specs/spec_ledger.yaml").write_text((root / "specs/spec_ledger.yaml").read_text() + "# more\n")
    lib = root / "crates/app-http/src/lib.rs"
    lib.write_text(lib.read_text() + "// more\n")
    git(root, "commit", "-q", "-am", "ledger and code")

    inp = run_command("govcell scope main --input", root)
    doc = json.loads(inp.stdout)
    assert doc["changed_files"] == ["crates/app-http/src/lib.rs", "specs/spec_ledger.yaml"]
    assert (doc["scope_declared"], doc["declared_type"]) == (False, "any")

    # no ## Scope block: the danger zone deny and the advisory warn, at the file the message names
    result = run_command("govcell check policy-test", root)
    got = _scope_findings(result.output)
    assert ("specs/spec_ledger.yaml: error: policy.violation: Danger zone file 'specs/spec_ledger.yaml' modified "
            "without ## Scope declaration. Add scope block to PR body. [policy scope]") in got, result.output
    assert (".: warning: policy.warning: PR body missing ## Scope block. Consider adding for reviewer clarity. "
            "[policy scope]") in got
    # its fixtures run too: the advisory one passes, the no-scope one fails, and the one named like a failing
    # case that passes is reported (the template's own mistake, docs/rust-template.md)
    assert ("policy/fixtures/scope_danger_with_scope.json:1:1: error: policy.fixture-no-failure: fixture "
            "policy/fixtures/scope_danger_with_scope.json must fail policy scope but produced no failure") in got
    assert not any("scope_danger_no_scope" in line or "scope_advisory_valid" in line for line in got)

    # the PR body declares a governance scope: no deny, no warn about the change
    body = tmp_path / "pr.md"
    body.write_text("Reword.\n\n## Scope\nType: governance\nIntent: reword the ledger\nTouchpoints: specs/\n")
    monkeypatch.setenv("GOVCELL_SCOPE_FILE", str(body))
    got = _scope_findings(run_command("govcell check policy-test", root).output)
    assert not any("Danger zone" in line or "PR body" in line or "may not match" in line for line in got), got
    # a declared type that does not fit the change is the template's advisory warning
    body.write_text("## Scope\nType: docs\n")
    got = _scope_findings(run_command("govcell check policy-test", root).output)
    assert any("File 'specs/spec_ledger.yaml' is a governance artifact but PR type is 'docs'" in line
               and line.startswith("specs/spec_ledger.yaml: error") for line in got), got
    assert any("Declared type 'docs' may not match changes (detected: governance)" in line for line in got), got


DIFF_GUARD = """\
package main

import rego.v1

deny contains msg if {
    some ac in input.diff.items.added
    ac.kind == "ac"
    not input.scope_declared
    msg := sprintf("new AC %s without a declared scope", [ac.id])
}
"""


def test_a_policy_that_reads_input_diff_gets_the_governance_diff(tmp_path: Path) -> None:
    from tests.conftest import CellBuilder, init_git

    cell = CellBuilder(tmp_path / "cell")
    init_git(cell.root)
    ledger = ("stories:\n  - id: US-A-001\n    title: S\n    requirements:\n      - id: REQ-A-ONE\n"
              "        title: R\n        acceptance_criteria:\n          - id: AC-A-001\n            text: One\n")
    cell.ledger(ledger)
    cell.write("policy/guard.rego", DIFF_GUARD)
    cell.write(".govcell.yaml", "policy:\n  targets:\n    guard: [changes]\n")
    git(cell.root, "add", "-A")
    git(cell.root, "commit", "-q", "-m", "base")
    cell.ledger(ledger + "          - id: AC-A-002\n            text: Two\n")
    result = run_command("govcell check policy-test", cell.root)
    assert "policy.violation: new AC AC-A-002 without a declared scope [policy guard]" in result.output, \
        result.output
    doc = json.loads(run_command("govcell scope HEAD WORKTREE --input --with-diff", cell.root).stdout)
    assert [i["id"] for i in doc["diff"]["items"]["added"]] == ["AC-A-002"]
