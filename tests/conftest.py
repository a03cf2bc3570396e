"""Shared fixtures and the generic Gherkin steps every feature file can use.

A *cell* here is a real directory under ``tmp_path`` with real files; commands
run through the same ``main`` functions the console scripts call, with output
captured and any exception turned into traceback text (so "never a traceback"
is asserted, not assumed).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import traceback
from pathlib import Path

import pytest
from pytest_bdd import given, parsers, then, when

from govcell.entry.console import SCRIPTS

REPO_ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- helpers


class CellBuilder:
    """Writes files of a small cell under a temporary directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def write(self, rel: str, content: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def ledger(self, text: str) -> Path:
        return self.write("specs/spec_ledger.yaml", text)

    def snapshot(self) -> dict[str, tuple[int, int]]:
        """Every file under the cell with its size and mtime (to prove nothing was written)."""
        out = {}
        for dirpath, _dirs, files in os.walk(self.root):
            for name in files:
                p = Path(dirpath) / name
                st = p.stat()
                out[p.relative_to(self.root).as_posix()] = (st.st_size, st.st_mtime_ns)
        return out


class Result:
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code = code
        self.stdout = stdout
        self.stderr = stderr

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


#: console script -> the ``module:function`` it runs: the one table, in govcell.entry.console.
ENTRY_POINTS = SCRIPTS


def run_command(command: str | list[str], cwd: Path) -> Result:
    """Run a govcell console script in-process, as the installed script would."""
    import importlib

    argv = shlex.split(command) if isinstance(command, str) else list(command)
    module, _, func = ENTRY_POINTS[argv[0]].partition(":")
    main = getattr(importlib.import_module(module), func)
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv[1:])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except BaseException:  # noqa: BLE001 - a traceback is a test failure, shown as output
                err.write(traceback.format_exc())
                code = 99
    finally:
        os.chdir(old)
    return Result(int(code or 0), out.getvalue(), err.getvalue())


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout


def init_git(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "commit.gpgsign", "false")


def commit(root: Path, message: str) -> None:
    """Commit everything in the working tree of ``root`` (added, changed and deleted files)."""
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def edit(root: Path, rel: str, old: str, new: str) -> None:
    """Replace ``old`` (which must be there) by ``new`` in the file ``rel`` of ``root``."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, text)
    path.write_text(text.replace(old, new), encoding="utf-8")


def result_of(ctx: dict[str, object]) -> Result:
    """The result of the last command a scenario ran (``When I run ...``)."""
    result = ctx["result"]
    assert isinstance(result, Result)
    return result


#: The small payments cell the tests over git history (history, diff, suspect, scope, changes, the site's
#: trend) start from: one story, one requirement, two ACs, and a feature file that covers both.
PAY_LEDGER = """\
stories:
  - id: US-A-001
    title: Payments
    requirements:
      - id: REQ-A-PAY
        title: Pay by card
        acceptance_criteria:
          - id: AC-A-001
            text: A payment by card is accepted
          - id: AC-A-002
            text: A refund is accepted
"""
#: A third AC for PAY_LEDGER (appended to it), which PAY_FEATURE does not cover.
PAY_MORE = """\
          - id: AC-A-003
            text: A receipt is sent
"""
PAY_FEATURE = """\
Feature: Pay

  @AC-A-001
  Scenario: Pay
    Given a card

  @AC-A-002
  Scenario: Refund
    Given a payment
"""


# --------------------------------------------------------------------------- pytest-bdd tags


def pytest_bdd_apply_tag(tag: str, function: object) -> bool | None:
    """``@AC-…`` tags become ``pytest.mark.ac("AC-…")``; other tags stay plain markers."""
    if tag.startswith("AC-"):
        pytest.mark.ac(tag)(function)
        return True
    return None


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's govcell cache in a directory of its own (never the user's cache directory)."""
    where = tmp_path_factory.mktemp("govcell-cache")
    monkeypatch.setenv("GOVCELL_CACHE_DIR", str(where))
    monkeypatch.delenv("GOVCELL_NO_CACHE", raising=False)
    return where


@pytest.fixture
def cell(tmp_path: Path) -> CellBuilder:
    return CellBuilder(tmp_path / "cell")


@pytest.fixture
def ctx() -> dict[str, object]:
    return {}


@pytest.fixture(scope="session")
def govcell_snapshot(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This checkout (tracked and new files) committed to a throwaway git repo.

    ``pre-commit try-repo`` needs a git repository and a revision; a snapshot
    gives a stable one even while the working tree is dirty, so pre-commit
    builds the hook environment once per test session.
    """
    dest = tmp_path_factory.mktemp("govcell-repo")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO_ROOT, check=True, capture_output=True).stdout.split(b"\0")
    for raw in listed:
        if not raw:
            continue
        rel = raw.decode()
        src = REPO_ROOT / rel
        if not src.is_file():
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest / rel)
    init_git(dest)
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "snapshot")
    return dest, git(dest, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


# --------------------------------------------------------------------------- generic steps


@given("an empty directory", target_fixture="cell")
def _empty_dir(cell: CellBuilder) -> CellBuilder:
    return cell


@given("a cell with the ledger:", target_fixture="cell")
def _cell_with_ledger(cell: CellBuilder, docstring: str) -> CellBuilder:
    cell.ledger(docstring + "\n")
    return cell


@given("the config:")
def _the_config(cell: CellBuilder, docstring: str) -> None:
    cell.write(".govcell.yaml", docstring + "\n")


@given(parsers.parse('the file "{rel}":'))
def _the_file(cell: CellBuilder, rel: str, docstring: str) -> None:
    cell.write(rel, docstring + "\n")


@given("a shallow clone of it with one commit", target_fixture="cell")
def _shallow_clone(cell: CellBuilder, tmp_path: Path) -> CellBuilder:
    """A ``git clone --depth 1`` of the git cell built so far (the cell of the steps that follow)."""
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{cell.root}", str(clone))
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    return CellBuilder(clone)


@when(parsers.parse('I run "{command}"'))
def _run(cell: CellBuilder, ctx: dict[str, object], command: str) -> None:
    ctx["before"] = ctx.get("before") or cell.snapshot()
    ctx["result"] = run_command(command, cell.root)


@then(parsers.parse("the exit code is {code:d}"))
def _exit_code(ctx: dict[str, object], code: int) -> None:
    result = result_of(ctx)
    assert result.code == code, f"exit {result.code}, expected {code}; output:\n{result.output}"


@then(parsers.parse('the output contains "{text}"'))
def _output_contains(ctx: dict[str, object], text: str) -> None:
    result = result_of(ctx)
    assert text in result.output, f"{text!r} not in output:\n{result.output}"


@then(parsers.parse('the output does not contain "{text}"'))
def _output_lacks(ctx: dict[str, object], text: str) -> None:
    result = result_of(ctx)
    assert text not in result.output, f"{text!r} unexpectedly in output:\n{result.output}"


@then(parsers.parse('the output matches "{pattern}"'))
def _output_matches(ctx: dict[str, object], pattern: str) -> None:
    result = result_of(ctx)
    assert re.search(pattern, result.output), f"/{pattern}/ does not match output:\n{result.output}"


@then(parsers.parse('the output line {n:d} is "{text}"'))
def _output_line(ctx: dict[str, object], n: int, text: str) -> None:
    lines = result_of(ctx).stdout.splitlines()
    assert len(lines) >= n and lines[n - 1] == text, f"line {n} differs; output:\n" + "\n".join(lines)


@then("the output is empty")
def _output_empty(ctx: dict[str, object]) -> None:
    result = result_of(ctx)
    assert result.output == "", f"expected no output, got:\n{result.output}"


@then("the output has no traceback")
def _no_traceback(ctx: dict[str, object]) -> None:
    result = result_of(ctx)
    assert "Traceback" not in result.output and result.code != 99, result.output


@then("no file in the cell was written")
def _nothing_written(cell: CellBuilder, ctx: dict[str, object]) -> None:
    assert cell.snapshot() == ctx["before"]


@then("the output is valid JSON")
def _valid_json(ctx: dict[str, object]) -> None:
    ctx["json"] = json.loads(result_of(ctx).stdout)


def python_bin() -> str:
    return sys.executable


# --------------------------------------------------------------------------- the reference cell

#: The public Rust service template at one commit (MIT / Apache-2.0), beside the checkout in shared/.
REFERENCE_TARBALL = REPO_ROOT.parent / "shared" / "reference-cells" / "rust-template-3debe49.tar.gz"


def unpack_reference(dest: Path) -> Path:
    """Unpack the reference cell under ``dest`` and commit it, as a user's checkout would be."""
    import tarfile

    if not REFERENCE_TARBALL.is_file():
        pytest.skip(f"the reference cell is not here ({REFERENCE_TARBALL}); it comes with ../shared/")
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(REFERENCE_TARBALL) as tar:
        tar.extractall(dest, filter="data")
    (root,) = [p for p in dest.iterdir() if p.is_dir()]
    init_git(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "reference cell")
    return root


@pytest.fixture(scope="session")
def reference_cell(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference cell, unpacked once per session: read it, never change it (copy it first)."""
    return unpack_reference(tmp_path_factory.mktemp("reference"))
