"""Replaying a hook's output when nothing it reads changed (govcell.entry.replay): identical, never stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import git, run_command
from tests.test_cache import EDITS, _cell, _edit

from govcell.load import cache as cache_mod

COMMIT_HOOKS = ("govcell-spec-ledger", "govcell-context-bundles", "govcell-policy-test", "govcell-governance-graph",
                "govcell-ac-tags", "govcell-test-results", "govcell-feature-status --check",
                "govcell-governance-selftest")


def _replays() -> int:
    return cache_mod.STATS[("replay", "hit")]


def _with_findings(root: Path) -> Path:
    _edit(root, "specs/spec_ledger.yaml", "title:", "titel:")
    _edit(root, "specs/features/story_0001.feature", "@AC-B0001-101", "@AC-B0001-999")
    return root


@pytest.mark.parametrize("hook", COMMIT_HOOKS)
def test_a_second_run_replays_exactly_what_a_fresh_run_prints(tmp_path: Path, hook: str) -> None:
    root = _with_findings(_cell(tmp_path / "cell"))
    first = run_command(hook, root)
    before = _replays()
    second = run_command(hook, root)
    assert _replays() == before + 1, "nothing changed: the second run is a replay"
    fresh = run_command(hook + " --no-cache", root)
    assert (second.code, second.stdout, second.stderr) == (first.code, first.stdout, first.stderr)
    assert (fresh.code, fresh.stdout, fresh.stderr) == (first.code, first.stdout, first.stderr)
    if hook in ("govcell-spec-ledger", "govcell-ac-tags", "govcell-governance-selftest"):
        assert first.code == 1 and first.output.strip(), "the cell was built with findings to replay"


def _stage_a_ledger_edit(root: Path) -> None:
    _edit(root, "specs/spec_ledger.yaml", "title:", "titel:")
    git(root, "add", "specs/spec_ledger.yaml")


def _ignored_result_file(root: Path) -> None:
    (root / ".gitignore").write_text("test-results/\n", encoding="utf-8")
    git(root, "rm", "-rq", "--cached", "test-results")
    git(root, "add", ".gitignore")
    git(root, "commit", "-qm", "results are a run's output")
    _edit(root, "test-results/junit.xml", "<testsuite", "<testsuite><unclosed")


MORE_EDITS = [("staged ledger edit", _stage_a_ledger_edit), ("ignored result file", _ignored_result_file)]


@pytest.mark.parametrize("what", [e[0] for e in EDITS] + [e[0] for e in MORE_EDITS])
def test_an_edit_of_any_input_is_never_replayed(tmp_path: Path, what: str) -> None:
    root = _cell(tmp_path / "cell")
    hook = "govcell-governance-selftest --format json"
    clean = run_command(hook, root)
    assert clean.code == 0, clean.output
    for name, rel, old, new in EDITS:
        if name == what:
            _edit(root, rel, old, new)
    for name, change in MORE_EDITS:
        if name == what:
            if name == "ignored result file":  # the commit itself is a change: replay the clean run first
                change(root)
                _edit(root, "test-results/junit.xml", "<testsuite><unclosed", "<testsuite")
                clean = run_command(hook, root)
                assert run_command(hook, root).stdout == clean.stdout
                _edit(root, "test-results/junit.xml", "<testsuite", "<testsuite><unclosed")
            else:
                change(root)
    before = _replays()
    after = run_command(hook, root)
    assert _replays() == before, f"editing the {what} must not replay the clean run"
    fresh = run_command(hook + " --no-cache", root)
    assert (after.code, after.stdout) == (fresh.code, fresh.stdout)
    assert after.stdout != clean.stdout, f"editing the {what} changed nothing"


def test_a_fixer_run_that_rewrote_its_report_is_not_replayed(tmp_path: Path) -> None:
    root = _cell(tmp_path / "cell")
    _edit(root, "docs/feature_status.md", None, "stale line\n")
    assert run_command("govcell-feature-status", root).code == 1  # rewrote the report
    assert "stale line" not in (root / "docs" / "feature_status.md").read_text(encoding="utf-8")
    _edit(root, "docs/feature_status.md", None, "stale line\n")  # the same state as before the first run
    assert run_command("govcell-feature-status", root).code == 1, "the rewrite happened again, not a replay"
    assert "stale line" not in (root / "docs" / "feature_status.md").read_text(encoding="utf-8")
    assert run_command("govcell-feature-status", root).code == 0
    before = _replays()
    assert run_command("govcell-feature-status", root).code == 0
    assert _replays() == before + 1


@pytest.mark.parametrize("options", ["--out report.txt", "--new-since HEAD", "--no-cache"])
def test_command_lines_that_read_or_write_more_are_not_replayed(tmp_path: Path, options: str) -> None:
    root = _cell(tmp_path / "cell")
    before = _replays()
    for _ in range(2):
        (root / "report.txt").unlink(missing_ok=True)
        assert run_command(f"govcell-spec-ledger {options}", root).code == 0
        assert (root / "report.txt").is_file() == options.startswith("--out")
    assert _replays() == before


def test_a_damaged_replay_entry_is_ignored_and_rebuilt(tmp_path: Path, _private_cache: Path) -> None:
    root = _with_findings(_cell(tmp_path / "cell"))
    first = run_command("govcell-ac-tags", root)
    for entry in _private_cache.glob("*.bin"):
        data = bytearray(entry.read_bytes())
        data[-1] ^= 0xFF
        entry.write_bytes(bytes(data))
    bad = cache_mod.STATS[("replay-watch", "bad")]
    again = run_command("govcell-ac-tags", root)
    assert cache_mod.STATS[("replay-watch", "bad")] == bad + 1
    assert (again.code, again.stdout, again.stderr) == (first.code, first.stdout, first.stderr)


def _under_pre_commit(root: Path, monkeypatch: pytest.MonkeyPatch, hooks: tuple[str, ...] = COMMIT_HOOKS) -> None:
    """As pre-commit runs a hook: PRE_COMMIT=1, from a repository whose config names ``hooks``."""
    monkeypatch.setenv("PRE_COMMIT", "1")
    lines = ["repos:", "  - repo: local", "    hooks:"]
    for hook in hooks:
        name = hook.split()[0].removeprefix("govcell-")
        lines += [f"      - id: {name}", f"        name: {name}", f"        entry: {hook}", "        language: system"]
    (root / ".pre-commit-config.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    git(root, "add", ".pre-commit-config.yaml")
    git(root, "commit", "-qm", "hooks")


def test_a_hook_answers_only_for_the_hooks_pre_commit_will_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _cell(tmp_path / "cell")
    run_command("govcell-spec-ledger", root)  # by hand: for itself only
    before = _replays()
    run_command("govcell-ac-tags", root)
    assert _replays() == before
    _under_pre_commit(root, monkeypatch, ("govcell-spec-ledger", "govcell-ac-tags"))
    run_command("govcell-spec-ledger", root)
    before = _replays()
    run_command("govcell-ac-tags", root)
    assert _replays() == before + 1, "ac-tags is configured: answered"
    run_command("govcell-governance-graph", root)
    assert _replays() == before + 1, "governance-graph is not configured: not answered"


SINGLE_CHECK_HOOKS = [h for h in COMMIT_HOOKS if h not in ("govcell-feature-status --check",
                                                          "govcell-governance-selftest")]


@pytest.mark.parametrize("first", ["govcell-spec-ledger", "govcell-ac-tags"])
def test_the_first_hook_of_a_commit_answers_for_the_others(tmp_path: Path, first: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = _with_findings(_cell(tmp_path / "cell"))
    _under_pre_commit(root, monkeypatch)
    run_command(first, root)
    for hook in SINGLE_CHECK_HOOKS:
        if hook == first:
            continue
        before = _replays()
        answer = run_command(hook, root)
        assert _replays() == before + 1, f"{hook} was answered by {first}"
        fresh = run_command(hook + " --no-cache", root)
        assert (answer.code, answer.stdout, answer.stderr) == (fresh.code, fresh.stdout, fresh.stderr), hook
    other_options = run_command("govcell-governance-graph --strict", root)  # other options: its own run
    assert other_options.code == 1


def test_a_sibling_answer_is_not_stored_when_the_cell_changes_meanwhile(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from govcell.entry import hook as hook_mod

    root = _cell(tmp_path / "cell")
    real = hook_mod._run_check

    def edit_during(check: str | None, args: object, shared: dict[str, object]) -> int:
        code = real(check, args, shared)  # type: ignore[arg-type]
        if check == "governance-graph":  # a sibling, computed after spec-ledger's own answer
            _edit(root, "specs/spec_ledger.yaml", "title:", "titel:")
        return code

    _under_pre_commit(root, monkeypatch)
    monkeypatch.setattr(hook_mod, "_run_check", edit_during)
    assert run_command("govcell-spec-ledger", root).code == 0
    monkeypatch.setattr(hook_mod, "_run_check", real)
    _edit(root, "specs/spec_ledger.yaml", "titel:", "title:")  # back to the state the answers were taken in
    before = _replays()
    run_command("govcell-ac-tags", root)
    assert _replays() == before, "the siblings were computed while the cell changed: none is kept"


def test_the_first_hook_answers_for_the_fixer_only_when_its_report_is_current(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    root = _cell(tmp_path / "cell")
    _under_pre_commit(root, monkeypatch, ("govcell-spec-ledger", "govcell-feature-status"))
    run_command("govcell-spec-ledger", root)
    before = _replays()
    current = run_command("govcell-feature-status", root)
    assert _replays() == before + 1 and current.code == 0
    fresh = run_command("govcell-feature-status --no-cache", root)
    assert (current.code, current.stdout, current.stderr) == (fresh.code, fresh.stdout, fresh.stderr)
    _edit(root, "docs/feature_status.md", None, "stale line\n")  # now the fixer has to write
    run_command("govcell-spec-ledger", root)
    before = _replays()
    assert run_command("govcell-feature-status", root).code == 1, "rewritten by its own run, not replayed"
    assert _replays() == before
    assert "stale line" not in (root / "docs" / "feature_status.md").read_text(encoding="utf-8")


def test_a_config_edit_that_names_new_files_is_learnt_and_they_are_watched(tmp_path: Path) -> None:
    """The watch list of an earlier run is checked against the config; a result file the edit names
    (ignored by git) is watched from the next run on, and its edit is never replayed."""
    root = _cell(tmp_path / "cell")
    hook = "govcell-governance-selftest --format json"
    run_command(hook, root)
    (root / ".gitignore").write_text("out/\n", encoding="utf-8")
    (root / "out").mkdir()
    (root / "out" / "r.xml").write_text('<testsuite name="t" tests="0"/>\n', encoding="utf-8")
    _edit(root, ".govcell.yaml", "files: [test-results/junit.xml]", "files: [test-results/junit.xml, out/r.xml]")
    first = run_command(hook, root)  # the stored watch list is stale: learnt, not replayed from
    run_command(hook, root)
    before = _replays()
    assert run_command(hook, root).stdout == first.stdout and _replays() == before + 1, "stored again"
    (root / "out" / "r.xml").write_text("<testsuite><unclosed\n", encoding="utf-8")
    after = run_command(hook, root)
    assert _replays() == before + 1, "the newly named result file is watched"
    assert after.stdout != first.stdout and after.stdout == run_command(hook + " --no-cache", root).stdout
