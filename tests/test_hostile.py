"""The hostile-input corpus under ``tests/hostile/``: each case gives its expected findings, never a crash.

See ``tests/hostile/README.md`` for the case format.  Every case runs the whole
``govcell check`` (all checks, JSON output) in a fresh git repository.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import git, init_git, run_command

HOSTILE = Path(__file__).resolve().parent / "hostile"
CASES = sorted(p.name for p in HOSTILE.iterdir() if (p / "_case.yaml").is_file())


def _manifest(name: str) -> dict[str, Any]:
    return yaml.safe_load((HOSTILE / name / "_case.yaml").read_text(encoding="utf-8"))


def materialise(name: str, dest: Path) -> dict[str, Any]:
    """Copy case ``name`` to ``dest``, generate its files and symlinks, and commit everything.

    ``outside`` files are written next to the cell (``dest/../outside/``), so a
    case's symlinks and paths can aim at them; ``fifos`` are made in the cell.
    """
    case = _manifest(name)
    for rel, text in (case.get("outside") or {}).items():
        path = dest.parent / "outside" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    shutil.copytree(HOSTILE / name, dest, symlinks=True, ignore=shutil.ignore_patterns("_case.yaml"))
    for rel in case.get("fifos") or []:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(dest / rel)
    for rel, spec in (case.get("generate") or {}).items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if "parts" in spec:
            text = "".join(spec["parts"])
        else:
            n = int(spec.get("repeat", 1))
            text = spec.get("before", "") + spec["text"] * n + spec.get("close", "") * n + spec.get("after", "")
        path.write_text(text, encoding="utf-8")
    for rel, target in (case.get("symlinks") or {}).items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, dest / rel)
    init_git(dest)
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "hostile")
    return case


def outside_snapshot(cell: Path) -> dict[str, Any]:
    """Everything a command must not change: every entry beside the cell (contents, modes, links),
    the cell's ``.git/config`` and hooks, and its tracked files."""
    out: dict[str, Any] = {}
    for dirpath, dirnames, files in os.walk(cell.parent):
        here = Path(dirpath)
        if here == cell:
            dirnames[:] = []
            continue
        for entry in [*dirnames, *files]:
            p = here / entry
            st = p.lstat()
            key = p.relative_to(cell.parent).as_posix()
            if p.is_symlink():
                out[key] = ("link", os.readlink(p))
            elif p == cell:
                out[key] = ("the cell",)  # its own mode is the cell's (a read-only case sets it)
            elif p.is_file():
                out[key] = ("file", st.st_mode, p.read_bytes())
            else:
                out[key] = ("dir", st.st_mode)
    for rel in (".git/config", ".git/HEAD"):
        out[rel] = (cell / rel).read_bytes()
    out[".git/hooks"] = sorted(p.name for p in (cell / ".git" / "hooks").iterdir())
    out["tracked changes"] = git(cell, "status", "--porcelain", "--untracked-files=no")
    return out


def _params() -> list[Any]:
    out = []
    for name in CASES:
        marks = [pytest.mark.slow] if _manifest(name).get("site_never_contains") else []
        out.append(pytest.param(name, marks=marks, id=name))
    return out


@pytest.mark.ac("AC-PERF-004")
@pytest.mark.parametrize("name", _params())
def test_hostile_input(name: str, tmp_path: Path) -> None:
    root = tmp_path / "cell"
    case = materialise(name, root)
    before = outside_snapshot(root)
    readonly = [root / rel for rel in case.get("readonly") or []]
    for path in readonly:
        path.chmod(0o555)
    try:
        for step in case.get("commands") or []:
            _run_step(name, case, step, root, before, bool(readonly))
    finally:
        for path in readonly:
            path.chmod(0o755)
    _check_case(name, case, root, before, tmp_path)


def _script_step(argv: list[str], root: Path, step: dict[str, Any], readonly: bool) -> Any:
    """Run the installed ``govcell`` script in a process of its own: for an environment (``env``),
    a Ctrl-C (``interrupt_after``) or read-only directories (root loses its power to ignore them)."""
    import signal
    import subprocess
    import sys

    from tests.conftest import Result

    script = str(Path(sys.executable).with_name("govcell"))
    command = [script, *argv]
    if readonly and os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("read-only directories cannot bind root without setpriv")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", *command]
    env = {**os.environ, **{k: str(v) for k, v in (step.get("env") or {}).items()}}
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        # A suite started in the background of a non-interactive shell has SIGINT ignored, which the
        # child would inherit (a Python started so never raises KeyboardInterrupt); a handled one is reset.
        signal.signal(signal.SIGINT, signal.default_int_handler)
    proc = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if step.get("interrupt_after"):
        try:
            proc.wait(timeout=float(step["interrupt_after"]))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    return Result(proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


def _run_step(name: str, case: dict[str, Any], step: dict[str, Any], root: Path, before: dict[str, Any],
              readonly: bool) -> None:
    argv = shlex.split(step["run"])
    if readonly or step.get("env") or step.get("interrupt_after"):
        ran = _script_step(argv, root, step, readonly)
    else:
        ran = run_command(["govcell", *argv], root)
    assert "Traceback" not in ran.output and ran.code != 99, ran.output
    assert "internal error" not in ran.output and ran.code != 3, ran.output
    for code in step.get("expect") or []:
        assert f": {code}: " in ran.output, f"{name}: `{step['run']}` should report {code}:\n{ran.output}"
    assert ran.code == step.get("exit", 1), f"{name}: `{step['run']}`:\n{ran.output}"
    # Text taken from files never reaches the terminal raw (escape sequences, forged lines).
    shown = ran.stderr if step.get("raw_stdout") else ran.output
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", shown), shown
    forbidden = set(step.get("forbid_lines") or [])
    assert not forbidden & set(ran.output.splitlines()), f"{name}: `{step['run']}` printed a forged line"
    for text in step.get("contains") or []:
        assert text in ran.output, f"{name}: `{step['run']}` should print {text!r}:\n{ran.output}"
    for rel in step.get("not_created") or []:
        assert not os.path.lexists(root / rel), f"{name}: `{step['run']}` wrote {rel}"
    for text in step.get("lines") or []:
        assert text in ran.output.splitlines(), f"{name}: `{step['run']}` should print the line {text!r}"
    if "max_lines" in step:
        assert len(ran.output.splitlines()) <= step["max_lines"], ran.output
    assert outside_snapshot(root) == before, f"{name}: `{step['run']}` changed something outside the cell"


def _check_case(name: str, case: dict[str, Any], root: Path, before: dict[str, Any], tmp_path: Path) -> None:
    started = time.perf_counter()
    result = run_command(["govcell", "check", "--format", "json"], root)
    elapsed = time.perf_counter() - started
    assert elapsed < case.get("max_seconds", 60), f"{name}: govcell check took {elapsed:.1f} s"
    assert "Traceback" not in result.output and result.code != 99, result.output
    doc = json.loads(result.stdout)
    codes = {f["code"] for f in doc["findings"]}
    assert "internal.error" not in codes, doc["findings"]
    expected = set(case.get("expect") or [])
    assert expected <= codes, f"{name}: expected {sorted(expected)}, got {sorted(codes)}"
    if not expected:
        assert not [f for f in doc["findings"] if f["severity"] == "error"], doc["findings"]
    for f in doc["findings"]:
        assert f["line"] >= 0 and f["col"] >= 0 and f["message"] and f["path"] is not None
    assert result.code == case.get("exit", 1), result.output
    assert outside_snapshot(root) == before, f"{name}: govcell check changed something outside the cell"
    never = case.get("site_never_contains")
    if never:
        site = tmp_path / "site"
        built = run_command(["govcell", "site", "build", "--root", str(root), "--out", str(site)], root)
        assert built.code == 0, built.output
        pages = [p for p in site.rglob("*") if p.suffix in (".html", ".svg")]  # JSON/CSV carry the data as data
        assert pages
        for page in pages:
            text = _markup(page.read_text(encoding="utf-8", errors="replace"))
            for raw in never:
                if raw in text:  # not `assert`: pytest would diff whole pages
                    at = text.index(raw)
                    pytest.fail(f"{raw!r} unescaped in {page.relative_to(site)}: ...{text[at - 80:at + 80]}...")


def _markup(html: str) -> str:
    """What a browser runs or interprets of a page: its tags with their attributes, and script/style text.

    Text between tags is shown, never run, so repository text that reads ``onclick="alert(1)"``
    (escaped ``<``) is not markup; every tag the page really has, and everything inside a script or
    style element, is.
    """
    from html.parser import HTMLParser

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=False)
            self.out: list[str] = []
            self.raw_text = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.out.append(self.get_starttag_text() or "")
            self.raw_text += tag in ("script", "style")

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.out.append(self.get_starttag_text() or "")

        def handle_endtag(self, tag: str) -> None:
            self.raw_text -= tag in ("script", "style") and self.raw_text > 0

        def handle_data(self, data: str) -> None:
            if self.raw_text:
                self.out.append(data)

    parser = Tags()
    parser.feed(html)
    return "\n".join(parser.out)


def test_every_case_says_what_it_expects() -> None:
    assert len(CASES) >= 15
    for name in CASES:
        case = _manifest(name)
        assert case.get("about") and "expect" in case and "exit" in case, name


def test_control_character_is_reported_at_its_own_column(tmp_path: Path) -> None:
    """libyaml reports a byte offset; the finding's column counts characters (é is two bytes)."""
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "spec_ledger.yaml").write_text("stories:\n  - id: US-A-1\n    title: bé \x07 here\n",
                                                         encoding="utf-8")
    result = run_command("govcell check", tmp_path)
    assert "specs/spec_ledger.yaml:3:15: error: yaml.syntax: unacceptable character #x0007" in result.stdout
