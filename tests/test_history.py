"""govcell.derive.history: points at each first-parent commit, the read-log cache, replay, renames."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from govcell.derive import history
from govcell.report import revisions
from tests.conftest import PAY_FEATURE, PAY_LEDGER, PAY_MORE, REPO_ROOT, CellBuilder, commit, git, init_git, run_command


@pytest.fixture
def repo(cell: CellBuilder) -> CellBuilder:
    return make_history(cell)


def make_history(cell: CellBuilder) -> CellBuilder:
    """Five commits: a cell, an uncovered AC added, the feature file renamed, code only, the AC covered."""
    init_git(cell.root)
    cell.ledger(PAY_LEDGER)
    cell.write("features/pay.feature", PAY_FEATURE)
    cell.write("src/app.py", "x = 1\n")
    commit(cell.root, "a cell")
    cell.ledger(PAY_LEDGER + PAY_MORE)
    commit(cell.root, "an uncovered AC")
    git(cell.root, "mv", "features/pay.feature", "features/payments.feature")
    commit(cell.root, "rename the feature file")
    cell.write("src/app.py", "x = 2\n")
    commit(cell.root, "code only")
    cell.write("features/payments.feature", PAY_FEATURE + "\n  @AC-A-003\n  Scenario: Receipt\n    Given a payment\n")
    commit(cell.root, "cover AC-A-003")
    return cell


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = history.compute_point

    def counted(root: Path, config: str | None, commit: str, findings: Any, memo: Any = None) -> Any:
        calls.append(commit)
        return real(root, config, commit, findings, memo)

    monkeypatch.setattr(history, "compute_point", counted)
    monkeypatch.setenv("GOVCELL_DIFF_SERIAL", "1")  # counted in this process
    return calls


def test_points_follow_the_history_across_a_rename(repo: CellBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    doc = revisions.history(str(repo.root), None, 50)
    assert doc["format"] == "govcell.history/1" and doc["diagnostics"] == []
    rows = [(p["subject"], p["acs"], p["covered"], p["uncovered"], p["scenarios"]) for p in doc["points"]]
    assert rows == [("a cell", 2, 2, 0, 2), ("an uncovered AC", 3, 2, 1, 2), ("rename the feature file", 3, 2, 1, 2),
                    ("code only", 3, 2, 1, 2), ("cover AC-A-003", 3, 3, 0, 3)]
    assert [p["errors"] > 0 for p in doc["points"]] == [False, True, True, True, False]
    # the code-only commit gives the same answers to what the cell read as the rename before it: replayed
    assert len(calls) == 4 and doc["points"][3]["commit"] not in calls
    assert doc["head"] == git(repo.root, "rev-parse", "HEAD").strip()


def test_a_second_run_reads_only_new_commits(repo: CellBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    first = revisions.history(str(repo.root), None, 50)
    assert first["stats"] == {"loaded": 4, "replayed": 1, "cached": 0}
    calls.clear()
    second = revisions.history(str(repo.root), None, 50)
    assert calls == [] and second["points"] == first["points"]
    assert second["stats"] == {"loaded": 0, "replayed": 0, "cached": 5}
    repo.ledger(PAY_LEDGER.replace("by card", "by card or wallet") + PAY_MORE)
    commit(repo.root, "reword")
    third = revisions.history(str(repo.root), None, 50)
    assert len(calls) == 1 and third["points"][:-1] == first["points"] and third["points"][-1]["subject"] == "reword"
    assert [p["subject"] for p in revisions.history(str(repo.root), None, 2)["points"]] == ["cover AC-A-003", "reword"]
    # cached, replayed and computed points are the same as computed from scratch
    assert revisions.history(str(repo.root), None, 50, use_cache=False)["points"] == third["points"]


def test_no_cache_computes_everything_and_stores_nothing(repo: CellBuilder) -> None:
    first = revisions.history(str(repo.root), None, 3, use_cache=False)
    again = revisions.history(str(repo.root), None, 3, use_cache=False)
    assert first["stats"]["cached"] == 0 and again["stats"]["cached"] == 0
    assert again["points"] == first["points"]


def test_history_outside_git_and_before_the_first_commit(tmp_path: Path) -> None:
    doc = revisions.history(str(tmp_path), None, 5)
    assert [d["code"] for d in doc["diagnostics"]] == ["diff.not-git"]
    init_git(tmp_path)
    empty = revisions.history(str(tmp_path), None, 5)
    assert (empty["head"], empty["diagnostics"], empty["points"]) == (None, [], [])


def test_the_command_prints_text_and_json_valid_against_the_schema(repo: CellBuilder) -> None:
    import jsonschema

    result = run_command("govcell history --last 3", repo.root)
    assert result.code == 0 and result.stdout.splitlines()[0].startswith("commit")
    assert [ln.split()[-1] for ln in result.stdout.splitlines()[1:]] == ["file", "only", "AC-A-003"]
    out = run_command("govcell history --last 3 --format json", repo.root)
    doc = json.loads(out.stdout)
    jsonschema.validate(doc, json.loads((REPO_ROOT / "docs/schema/history.json").read_text()))
    assert run_command("govcell history --last 3 --format json", repo.root).stdout == out.stdout
    assert run_command("govcell history --last 0", repo.root).code == 2
