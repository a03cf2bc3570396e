"""The path policy for everything govcell writes (govcell.write), and the site's swap-in build."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govcell.write import cell_inputs, resolve_output, write_atomic, write_output
from tests.conftest import run_command


def _cell(tmp_path: Path) -> Path:
    root = tmp_path / "cell"
    (root / "specs").mkdir(parents=True)
    (root / "specs" / "spec_ledger.yaml").write_text("stories: []\n", encoding="utf-8")
    (root / ".git").mkdir()
    (tmp_path / "outside").mkdir()
    return root


@pytest.mark.ac("AC-HOSTILE-001")
@pytest.mark.parametrize(("target", "code"), [
    ("../outside/x.md", "write.outside-repo"),
    ("/etc/x.md", "write.outside-repo"),
    ("~/x.md", "write.outside-repo"),
    ("link/x.md", "write.outside-repo"),
    (".git/config", "write.into-git"),
    ("sub/../.git/hooks/pre-commit", "write.into-git"),
    ("specs/spec_ledger.yaml", "write.over-input"),
    ("alias/spec_ledger.yaml", "write.over-input"),
    ("fifo", "write.not-a-file"),
    ("specs", "write.not-a-file"),
    ("filelink", "write.not-a-file"),
    ("", "write.not-a-file"),
])
def test_policy_refuses(tmp_path: Path, target: str, code: str) -> None:
    from govcell.cell import Cell

    root = _cell(tmp_path)
    os.symlink("../outside", root / "link")
    os.symlink("specs", root / "alias")
    os.symlink("../outside/victim", root / "filelink")
    os.mkfifo(root / "fifo")
    problem = write_output(root, target, "x", what="output", inputs=cell_inputs(Cell(root)))
    assert problem is not None and problem.code == code, problem
    assert "nothing was written" in problem.message
    assert sorted(p.name for p in (tmp_path / "outside").iterdir()) == []
    assert (root / "specs" / "spec_ledger.yaml").read_text(encoding="utf-8") == "stories: []\n"


def test_policy_allows_new_and_regular_files_inside(tmp_path: Path) -> None:
    root = _cell(tmp_path)
    assert write_output(root, "out/deep/x.md", "hello", what="output") is None
    assert (root / "out" / "deep" / "x.md").read_text(encoding="utf-8") == "hello"
    place, problem = resolve_output(root, "out/deep/x.md", what="output")
    assert problem is None and place is not None and place.exists and place.rel == "out/deep/x.md"


def test_user_given_path_may_lie_outside_but_never_onto_a_special_file(tmp_path: Path) -> None:
    root = _cell(tmp_path)
    assert write_output(root, str(tmp_path / "outside" / "r.txt"), "r", what="report", outside_ok=True) is None
    os.mkfifo(tmp_path / "outside" / "fifo")
    problem = write_output(root, str(tmp_path / "outside" / "fifo"), "r", what="report", outside_ok=True)
    assert problem is not None and problem.code == "write.not-a-file"


def test_written_files_respect_the_umask_and_keep_an_existing_mode(tmp_path: Path) -> None:
    from govcell import write as fsutil

    old = os.umask(0o027)
    fsutil._umask.cache_clear()
    try:
        write_atomic(tmp_path / "new.txt", "x")
        assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o640
        (tmp_path / "kept.txt").write_text("old", encoding="utf-8")
        os.chmod(tmp_path / "kept.txt", 0o604)
        write_atomic(tmp_path / "kept.txt", "new")
        assert (tmp_path / "kept.txt").stat().st_mode & 0o777 == 0o604
    finally:
        os.umask(old)
        fsutil._umask.cache_clear()


@pytest.mark.ac("AC-HOSTILE-001")
def test_interrupted_site_build_keeps_the_previous_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("mkdocs")
    import mkdocs.commands.build

    from govcell_site.build import build

    root = _cell(tmp_path)
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("previous", encoding="utf-8")

    def interrupted(cfg, **kwargs):  # type: ignore[no-untyped-def]
        Path(cfg["site_dir"], "half.html").write_text("half", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(mkdocs.commands.build, "build", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(root)
    assert sorted(p.name for p in root.iterdir()) == [".git", "site", "specs"]
    assert [p.name for p in (root / "site").iterdir()] == ["index.html"]
    assert (root / "site" / "index.html").read_text(encoding="utf-8") == "previous"


@pytest.mark.ac("AC-HOSTILE-001")
def test_site_symlink_is_never_followed(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs")
    root = _cell(tmp_path)
    (tmp_path / "outside" / "precious.txt").write_text("keep", encoding="utf-8")
    os.symlink("../outside", root / "site")
    result = run_command(["govcell", "site", "build", "--root", str(root)], root)
    assert result.code == 1 and "write.not-a-file" in result.output
    assert (tmp_path / "outside" / "precious.txt").read_text(encoding="utf-8") == "keep"
    for out in (".", "specs"):
        refused = run_command(["govcell", "site", "build", "--root", str(root), "--out", out], root)
        assert refused.code == 1 and "write.over-input" in refused.output, refused.output
    assert (root / "specs" / "spec_ledger.yaml").is_file()
