"""hooks/adopt/scaffold.py: the files ``govcell init`` writes, and that they stay in step with govcell."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from govcell import __version__
from govcell.adopt.scaffold import init_cell
from govcell.adopt.starter import iter_templates, scaffold_files, target_path
from tests.conftest import REPO_ROOT, init_git, run_command


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_scaffold_policy_pack_is_this_repository_policy_pack() -> None:
    """The pack a new cell gets is govcell's own, fixtures included, byte for byte."""
    own = _tree(REPO_ROOT / "policy")
    shipped = {rel.removeprefix("policy/"): data for rel, data in scaffold_files().items() if rel.startswith("policy/")}
    assert shipped == own, "copy policy/ to hooks/adopt/templates/init/policy/ (they must stay identical)"


def test_scaffold_pre_commit_config_uses_every_hook_at_this_version() -> None:
    """Offline by default (repo: local running the installed scripts); --repo/--rev pin every hook of the manifest."""
    from govcell.load.config import Paths
    from govcell.adopt.precommit import HOOKS, Source, new_config

    manifest = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [(h["id"], h["name"], tuple(h.get("stages", ()))) for h in manifest] == [tuple(h) for h in HOOKS]
    (local,) = yaml.safe_load(scaffold_files()[".pre-commit-config.yaml"])["repos"]
    assert local["repo"] == "local"
    by_id = {h["id"]: h for h in manifest}
    for hook in local["hooks"]:
        want = by_id[hook["id"]]
        assert hook["entry"] == want["entry"] and hook["language"] == "system"
        assert hook.get("files") == want.get("files") and hook.get("stages", []) == want.get("stages", [])
        assert hook.get("always_run", False) == want.get("always_run", False)
    assert [h["id"] for h in local["hooks"]] == [h["id"] for h in manifest]
    (remote,) = yaml.safe_load(new_config(Source("https://github.com/o/govcell", f"v{__version__}"), Paths(),
                                          defaults=True))["repos"]
    assert remote["repo"] == "https://github.com/o/govcell" and remote["rev"] == f"v{__version__}"
    assert remote["hooks"] == [{"id": h["id"]} for h in manifest]


def test_dot_segments_become_dotfiles() -> None:
    assert target_path("dot-llm/dot-llmignore") == ".llm/.llmignore"
    assert target_path("docs/adr/0001-x.md") == "docs/adr/0001-x.md"
    assert target_path("dot-govcell.yaml") == ".govcell.yaml"
    names = [rel for rel, _ in iter_templates()]
    assert names == sorted(names) and "dot-govcell.yaml" in names


def test_init_twice_changes_nothing(tmp_path: Path) -> None:
    first = init_cell(tmp_path)
    before = _tree(tmp_path)
    second = init_cell(tmp_path)
    assert first.created and not first.skipped
    assert second.created == [] and second.skipped == [] and second.overwritten == []
    assert sorted(second.unchanged) == sorted(first.created)
    assert _tree(tmp_path) == before


def test_init_skips_a_changed_file_and_force_restores_it(tmp_path: Path) -> None:
    init_cell(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: mine\n", encoding="utf-8")
    report = init_cell(tmp_path)
    assert report.skipped == ["mkdocs.yml"]
    assert (tmp_path / "mkdocs.yml").read_text() == "site_name: mine\n"
    report = init_cell(tmp_path, force=True)
    assert report.overwritten == ["mkdocs.yml"] and "govcell" in (tmp_path / "mkdocs.yml").read_text()


def test_init_never_writes_through_a_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yml"
    outside.write_text("keep\n", encoding="utf-8")
    cell = tmp_path / "cell"
    cell.mkdir()
    (cell / "mkdocs.yml").symlink_to(outside)
    report = init_cell(cell, force=True)
    assert "mkdocs.yml" in report.skipped and outside.read_text() == "keep\n"


def test_feature_status_follows_the_users_own_ledger(tmp_path: Path) -> None:
    """In an existing repository the report renders the ledger that is there, not the starter one."""
    init_git(tmp_path)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs/spec_ledger.yaml").write_text(
        "stories:\n  - id: US-X-001\n    title: t\n    requirements:\n      - id: REQ-X-A\n        title: a\n"
        "        acceptance_criteria:\n          - {id: AC-X-001, text: it works}\n", encoding="utf-8")
    init_cell(tmp_path)
    report = (tmp_path / "docs/feature_status.md").read_text(encoding="utf-8")
    assert "AC-X-001" in report and "AC-CELL-001" not in report
    result = run_command("govcell feature-status --check", tmp_path)
    assert result.code == 0, result.output


@pytest.mark.parametrize("rel", [".llm/contextpack.yaml", ".govcell.yaml", "specs/spec_ledger.yaml"])
def test_scaffold_yaml_points_editors_at_the_written_schemas(tmp_path: Path, rel: str) -> None:
    init_cell(tmp_path)
    first = (tmp_path / rel).read_text(encoding="utf-8").splitlines()[0]
    schema = first.split("$schema=", 1)[1]
    assert (tmp_path / rel).parent.joinpath(schema).resolve().is_file()


def test_init_stages_only_its_own_files_unless_told_not_to(tmp_path: Path) -> None:
    from tests.conftest import git

    init_git(tmp_path)
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = run_command("govcell init --no-stage", tmp_path)
    assert result.code == 0 and "staged:" not in result.output and "git add -A" in result.output
    assert git(tmp_path, "diff", "--cached", "--name-only") == ""
    result = run_command("govcell init", tmp_path)
    staged = git(tmp_path, "diff", "--cached", "--name-only").split()
    assert "specs/spec_ledger.yaml" in staged and ".llm/contextpack.yaml" in staged and "notes.txt" not in staged
