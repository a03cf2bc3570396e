"""govcell.derive.diff: comparing two revisions' summaries, on real git repositories in tmp_path."""

from __future__ import annotations

from pathlib import Path

from govcell.derive.diff import compare_items
from tests.conftest import git, init_git, run_command

LEDGER = """\
stories:
  - id: US-A-001
    title: Payments
    requirements:
      - id: REQ-A-PAY
        title: Pay
        acceptance_criteria:
          - id: AC-A-001
            text: A payment by card is accepted
          - id: AC-A-002
            text: A refund is accepted
"""


def _commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def _diff(root: Path) -> dict[str, object]:
    import json

    result = run_command("govcell diff HEAD~1 HEAD --format json", root)
    assert result.code == 0 and "Traceback" not in result.output, result.output
    doc: dict[str, object] = json.loads(result.stdout)
    return doc


def test_an_ac_renamed_and_rewritten_in_one_commit_is_removed_and_added(tmp_path: Path) -> None:
    """ID and text both changed: nothing ties the new AC to the old one, so it is not called a rename."""
    init_git(tmp_path)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs/spec_ledger.yaml").write_text(LEDGER)
    (tmp_path / "features").mkdir()
    (tmp_path / "features/pay.feature").write_text("Feature: Pay\n\n  @AC-A-001\n  Scenario: Pay\n    Given a card\n")
    _commit(tmp_path, "base")
    ledger = LEDGER.replace("AC-A-001", "AC-A-011").replace("by card is accepted", "by card or wallet is accepted")
    (tmp_path / "specs/spec_ledger.yaml").write_text(ledger)
    (tmp_path / "features/pay.feature").write_text("Feature: Pay\n\n  @AC-A-011\n  Scenario: Pay\n    Given a card\n")
    _commit(tmp_path, "rename AC-A-001 to AC-A-011 and rewrite it")
    doc = _diff(tmp_path)
    items = doc["items"]
    assert isinstance(items, dict)
    assert items["renamed"] == [] and items["changed"] == []
    assert [(i["kind"], i["id"]) for i in items["removed"]] == [("ac", "AC-A-001")]
    assert [(i["kind"], i["id"]) for i in items["added"]] == [("ac", "AC-A-011")]
    acs = {a["id"]: a for a in doc["acs"]}  # type: ignore[attr-defined]
    assert acs["AC-A-001"]["after"] is None and acs["AC-A-011"]["before"] is None
    assert acs["AC-A-011"]["after"]["coverage"] == "covered"
    scenarios = doc["scenarios"]
    assert isinstance(scenarios, dict) and [s["name"] for s in scenarios["retagged"]] == ["Pay"]
    text = run_command("govcell diff HEAD~1 HEAD", tmp_path).stdout
    assert "  added    ac AC-A-011" in text and "  removed  ac AC-A-001" in text
    assert "1 added, 1 removed, 0 renamed, 0 changed" in text


def test_a_rename_alone_is_a_rename_and_children_follow_their_parent() -> None:
    def item(kind: str, ident: str, **fields: object) -> dict[str, object]:
        return {"kind": kind, "id": ident, "fields": {"id": ident, **fields}, "file": "l.yaml", "line": 1}

    base = [item("requirement", "REQ-A", title="T", story="US-A"), item("ac", "AC-1", text="x", requirement="REQ-A")]
    head = [item("requirement", "REQ-B", title="T", story="US-A"), item("ac", "AC-1", text="x", requirement="REQ-B")]
    out, renames = compare_items(base, head)  # type: ignore[arg-type]
    assert [(r["from"], r["to"]) for r in out["renamed"]] == [("REQ-A", "REQ-B")]
    assert out["changed"] == [] and out["added"] == [] and out["removed"] == []
    assert renames == {("requirement", "REQ-A"): "REQ-B"}
    # The same rename with the title rewritten too: removed and added, and the AC's parent changed.
    head[0]["fields"]["title"] = "U"  # type: ignore[index]
    out, renames = compare_items(base, head)  # type: ignore[arg-type]
    assert out["renamed"] == [] and renames == {}
    assert [i["id"] for i in out["removed"]] == ["REQ-A"] and [i["id"] for i in out["added"]] == ["REQ-B"]
    assert out["changed"] == [{"kind": "ac", "id": "AC-1", "file": "l.yaml", "line": 1, "fields": ["requirement"]}]


def test_a_commits_summary_is_kept_and_the_working_tree_never(tmp_path: Path, monkeypatch: object) -> None:
    """A second diff of the same commits reads both sides from the shared cache, with the same document."""
    import pytest

    from govcell.derive import diff_side
    from govcell.report.revisions import diff

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    init_git(tmp_path)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs/spec_ledger.yaml").write_text(LEDGER)
    _commit(tmp_path, "base")
    (tmp_path / "specs/spec_ledger.yaml").write_text(LEDGER.replace("A refund", "A full refund"))
    _commit(tmp_path, "reword")
    computed: list[str] = []
    real = diff_side.summary_of

    def counted(analysis: object, found: object) -> object:
        computed.append(analysis.cell.source.kind)  # type: ignore[attr-defined]
        return real(analysis, found)  # type: ignore[arg-type]

    monkeypatch.setattr(diff_side, "summary_of", counted)
    monkeypatch.setenv("GOVCELL_DIFF_SERIAL", "1")  # both sides in this process, counted
    first = diff(str(tmp_path), None, "HEAD~1", "HEAD")
    assert computed == ["revision", "revision"]
    again = diff(str(tmp_path), None, "HEAD~1", "HEAD")
    assert computed == ["revision", "revision"] and again == first
    assert [c["id"] for c in first["items"]["changed"]] == ["AC-A-002"]
    # The working tree is read every time (the base commit is kept).
    (tmp_path / "specs/spec_ledger.yaml").write_text(LEDGER.replace("A refund", "A partial refund"))
    worktree = diff(str(tmp_path), None, "HEAD", None)
    assert computed == ["revision", "revision", "worktree"]
    assert [c["id"] for c in worktree["items"]["changed"]] == ["AC-A-002"]
    (tmp_path / "specs/spec_ledger.yaml").write_text(LEDGER.replace("A refund", "A partial refund") + "# x\n")
    diff(str(tmp_path), None, "HEAD", None)
    assert computed == ["revision", "revision", "worktree", "worktree"]
    # Off (GOVCELL_NO_CACHE=1): computed again.
    monkeypatch.setenv("GOVCELL_NO_CACHE", "1")
    assert diff(str(tmp_path), None, "HEAD~1", "HEAD") == first
    assert computed[4:] == ["revision", "revision"]


def test_a_summary_whose_findings_depend_on_the_machine_is_not_kept(tmp_path: Path) -> None:
    from govcell.derive.diff_side import summarise
    from govcell.diagnostics import Diagnostic, diag

    init_git(tmp_path)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs/spec_ledger.yaml").write_text(LEDGER)
    _commit(tmp_path, "base")
    calls: list[int] = []

    def timed_out(analysis: object) -> list[Diagnostic]:
        calls.append(1)
        return [diag("policy.timeout", "the policy run exceeded 5 s", "policy", hint="simplify it")]

    def clean(analysis: object) -> list[Diagnostic]:
        calls.append(1)
        return []

    for _ in range(2):
        assert summarise(str(tmp_path), None, "HEAD", timed_out, "t")["findings"][0]["code"] == "policy.timeout"
    assert len(calls) == 2
    for _ in range(2):
        assert summarise(str(tmp_path), None, "HEAD", clean, "c")["findings"] == []
    assert len(calls) == 3
