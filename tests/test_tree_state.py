"""The digest of everything a cell's checks can read (govcell.load.tree_state): it moves with every input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import git, init_git

from govcell.load.config import Config
from govcell.load.tree_state import digest, watch_list

WATCHED = ("specs/spec_ledger.yaml", "features", "test-results/*.xml", ".govcell.yaml")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "specs").mkdir(parents=True)
    (root / "features").mkdir()
    (root / "specs" / "spec_ledger.yaml").write_text("stories: []\n")
    (root / "features" / "a.feature").write_text("Feature: a\n")
    (root / "src.py").write_text("x = 1\n")
    (root / ".gitignore").write_text("test-results/\nbuild/\n")
    init_git(root)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "one")
    return root


def test_nothing_changed_same_digest_and_unwatched_ignored_files_do_not_count(repo: Path) -> None:
    first = digest(repo, WATCHED)
    assert first is not None and digest(repo, WATCHED) == first
    (repo / "build").mkdir()
    (repo / "build" / "out.o").write_bytes(b"\0" * 100)  # ignored and named by no config path
    assert digest(repo, WATCHED) == first


def _edit_tracked(root: Path) -> None:
    (root / "src.py").write_text("x = 2\n")


def _stage_only(root: Path) -> None:
    (root / "src.py").write_text("x = 3\n")
    git(root, "add", "src.py")


def _untracked(root: Path) -> None:
    (root / "features" / "b.feature").write_text("Feature: b\n")


def _ignored_result(root: Path) -> None:
    (root / "test-results").mkdir()
    (root / "test-results" / "junit.xml").write_text("<testsuite/>\n")


def _delete(root: Path) -> None:
    (root / "features" / "a.feature").unlink()


def _assume_unchanged(root: Path) -> None:
    git(root, "update-index", "--assume-unchanged", "src.py")
    (root / "src.py").write_text("x = 4\n")


def _new_commit(root: Path) -> None:
    git(root, "commit", "-q", "--allow-empty", "-m", "two")


def _config(root: Path) -> None:
    (root / ".govcell.yaml").write_text("strict: true\n")


CHANGES = [_edit_tracked, _stage_only, _untracked, _ignored_result, _delete, _assume_unchanged, _new_commit, _config]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_every_kind_of_change_moves_the_digest(repo: Path, change: object) -> None:
    before = digest(repo, WATCHED)
    if change is _assume_unchanged:
        git(repo, "update-index", "--assume-unchanged", "src.py")
        before = digest(repo, WATCHED)
    assert callable(change)
    change(repo)
    assert digest(repo, WATCHED) != before


def test_no_digest_outside_git_or_with_a_submodule(tmp_path: Path, repo: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert digest(plain, WATCHED) is None
    inner = tmp_path / "inner"
    inner.mkdir()
    init_git(inner)
    git(inner, "commit", "-q", "--allow-empty", "-m", "x")
    sha = git(inner, "rev-parse", "HEAD").strip()
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{sha},vendor/inner")
    assert digest(repo, WATCHED) is None


def test_the_watch_list_holds_what_the_config_names_and_refuses_the_change_input() -> None:
    config = Config.model_validate({"results": {"files": ["out/*.xml"]},
                                    "policy": {"inputs": {"deploy": {"keys": {"env": {"file": "deploy/env.yaml"}}}}}})
    watched = watch_list(config, "conf/govcell.yaml")
    assert watched is not None
    for path in ("specs/spec_ledger.yaml", "features", "policy", "docs/adr", ".govcell.yaml", "pyproject.toml",
                 "conf/govcell.yaml", "out/*.xml", "deploy/env.yaml", ".github/workflows"):
        assert path in watched, path
    changes = Config.model_validate({"policy": {"targets": {"scope": ["changes"]}}})
    assert watch_list(changes) is None


def test_what_a_committed_config_names_outside_the_repository_or_special_files_are_never_read(
        repo: Path, tmp_path: Path) -> None:
    """/dev/zero, a path climbing out, a FIFO and a symlink out: the digest finishes and reads none of them."""
    import os

    outside = tmp_path / "outside.txt"
    outside.write_text("secret one\n")
    os.mkfifo(repo / "features" / "pipe.feature")  # untracked, listed by git? (git skips FIFOs) and watched
    (repo / "features" / "out.feature").symlink_to(outside)
    watched = (*WATCHED, "/dev/zero", "../outside.txt", str(tmp_path), "/")
    first = digest(repo, watched)
    assert first is not None
    outside.write_text("secret two, same path\n")
    assert digest(repo, watched) == first, "a file outside the repository is not part of the state"
