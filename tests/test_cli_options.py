"""One CLI convention (govcell.cli.options, govcell.cli.errors): shared options, cwd-relative -o, exit codes.

The parser tree of every console script is walked, so a new subcommand that
spells a shared option its own way fails here; the exit codes are checked
through the installed console scripts, as a user or pre-commit runs them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from govcell.cli import options
from govcell.entry.console import SCRIPTS
from govcell.entry.hooks import parser_of
from tests.conftest import CellBuilder, git, init_git, run_command
from tests.test_foundation_scenarios import VALID_LEDGER

SHARED = ("--root", "--config", "--strict", "--format", "-o", "--new-since", "--baseline")
#: Leaf commands that read no cell (init takes its directory as an argument).
NO_CELL = {"govcell schema", "govcell init"}


def _reference() -> dict[str, argparse.Action]:
    p = argparse.ArgumentParser()
    options.findings(p)
    options.out(p)
    return {s: a for a in p._actions for s in a.option_strings}


def _leaves(parser: argparse.ArgumentParser, name: str) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield name, parser
        return
    for sub in subs:
        for child, p in sub.choices.items():
            yield from _leaves(p, f"{name} {child}")


LEAVES = dict(leaf for script in SCRIPTS for leaf in _leaves(parser_of(script), script))


def test_the_tree_holds_every_command() -> None:
    assert {"govcell check", "govcell policy test", "govcell site build", "govcell bundle", "govcell graph",
            "govcell-spec-ledger", "govcell-feature-status", "govcell-governance-site"} <= set(LEAVES)


@pytest.mark.parametrize("name", sorted(LEAVES))
def test_every_command_spells_the_shared_options_the_same_way(name: str) -> None:
    ref = _reference()
    actions = {s: a for a in LEAVES[name]._actions for s in a.option_strings}
    for flag in SHARED:
        if flag not in actions:
            continue
        got, want = actions[flag], ref[flag]
        assert got.option_strings == want.option_strings and got.dest == want.dest, (name, flag)
        assert (got.metavar, type(got)) == (want.metavar, type(want)), (name, flag)
        if flag == "--format":
            # One vocabulary: a command whose output is findings offers every findings format.
            if "sarif" in (got.choices or ()):
                assert set(options.FINDINGS_FORMATS) <= set(got.choices or ()), name
            assert (got.help or "").startswith("output format: "), name
        elif flag == "-o":
            assert got.default is None and "relative to the current directory" in (got.help or ""), name
        else:
            assert (got.default, got.help) == (want.default, want.help), (name, flag)
    if name not in NO_CELL:
        assert "--root" in actions and "--config" in actions, name


@pytest.mark.parametrize("name", sorted(n for n in LEAVES if n.startswith("govcell-") and "site" not in n
                                        and "feature-status" not in n))
def test_every_check_hook_has_the_options_of_govcell_check(name: str) -> None:
    flags = {s for a in LEAVES[name]._actions for s in a.option_strings}
    check = {s for a in LEAVES["govcell check"]._actions for s in a.option_strings}
    assert check - flags == {"--list"}


def test_policy_results_speak_the_findings_formats() -> None:
    formats = next(a for a in LEAVES["govcell policy test"]._actions if "--format" in a.option_strings).choices
    from govcell.report.findings import FORMATS

    assert set(options.FINDINGS_FORMATS) == set(FORMATS) == set(formats or ())


# --------------------------------------------------------------------------- -o is cwd-relative


def _small_cell(cell: CellBuilder) -> None:
    cell.ledger(VALID_LEDGER)
    cell.write(".llm/contextpack.yaml", "tasks:\n  core: {description: Core, max_bytes: 100000, "
                                        "include: [specs/*.yaml]}\n")
    init_git(cell.root)
    git(cell.root, "add", "-A")
    git(cell.root, "commit", "-q", "-m", "cell")


OUT_COMMANDS = ["check", "check --format sarif", "schema ledger", "graph", "graph --format dot", "policy test",
                "policy test --format sarif", "status", "next", "diff HEAD", "baseline", "bundle core"]


@pytest.mark.parametrize("command", OUT_COMMANDS)
def test_out_is_relative_to_the_working_directory(tmp_path: Path, command: str) -> None:
    cell = CellBuilder(tmp_path / "cell")
    _small_cell(cell)
    work = tmp_path / "work"
    work.mkdir()
    root = "" if command.startswith("schema") else " --root ../cell"
    result = run_command(f"govcell {command}{root} -o out/result.txt", work)
    assert result.code in (0, 1), result.output
    assert (work / "out/result.txt").is_file(), result.output
    assert not (cell.root / "out").exists()
    assert "Traceback" not in result.output


def test_out_dash_is_stdout(cell: CellBuilder) -> None:
    cell.ledger(VALID_LEDGER)
    result = run_command("govcell check spec-ledger --format json -o -", cell.root)
    assert json.loads(result.stdout)["summary"]["error"] == 0


def test_out_keeps_the_path_policy(cell: CellBuilder) -> None:
    """-o never writes over an input of the cell (here the ledger, named from the working directory)."""
    cell.ledger(VALID_LEDGER)
    before = (cell.root / "specs/spec_ledger.yaml").read_text()
    for command in ("check", "status", "diff", "policy test"):
        result = run_command(f"govcell {command} -o specs/spec_ledger.yaml", cell.root)
        assert result.code == 1 and "write." in result.stderr, (command, result.output)
    assert (cell.root / "specs/spec_ledger.yaml").read_text() == before


# --------------------------------------------------------------------------- exit codes, through the console scripts


def _script(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def _run(argv: list[str], cwd: Path, patch: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """Run an installed console script; ``patch`` (Python) runs first in the process, via sitecustomize."""
    environ = {k: v for k, v in os.environ.items() if k not in ("GOVCELL_DEBUG", "GOVCELL_TRACEBACK")} | env
    if patch:
        site = cwd.parent / "patch"
        site.mkdir(exist_ok=True)
        (site / "sitecustomize.py").write_text(patch, encoding="utf-8")
        environ["PYTHONPATH"] = str(site)
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False, env=environ)


#: Makes every check run raise ``exc`` (a stand-in for a govcell bug or a Ctrl-C).
RAISE = """
import govcell.checks as checks
def run(*args, **kwargs):
    raise {exc}
checks.run = run
"""


@pytest.mark.parametrize("script", ["govcell", "govcell-spec-ledger"])
def test_exit_codes_through_the_console_scripts(cell: CellBuilder, script: str) -> None:
    pre = ["check", "spec-ledger"] if script == "govcell" else []
    cell.ledger(VALID_LEDGER)
    ok = _run([_script(script), *pre], cell.root)
    assert ok.returncode == 0, ok.stderr
    cell.ledger(VALID_LEDGER.replace("US-A-001", "bad"))
    found = _run([_script(script), *pre], cell.root)
    assert found.returncode == 1 and "ledger.id-pattern" in found.stdout

    usage = _run([_script(script), *pre, "--no-such-option"], cell.root)
    assert usage.returncode == 2 and usage.stderr.startswith("usage: ") and "--no-such-option" in usage.stderr

    bug = _run([_script(script), *pre], cell.root, RAISE.format(exc="RuntimeError('boom')"))
    assert bug.returncode == 3, bug.stderr
    assert bug.stderr.splitlines() == [bug.stderr.strip()] and "internal error: RuntimeError: boom" in bug.stderr
    assert "please report" in bug.stderr and "Traceback" not in bug.stderr
    debug = _run([_script(script), *pre], cell.root, RAISE.format(exc="RuntimeError('boom')"), GOVCELL_DEBUG="1")
    assert debug.returncode == 3 and "Traceback (most recent call last)" in debug.stderr

    interrupted = _run([_script(script), *pre], cell.root, RAISE.format(exc="KeyboardInterrupt"))
    assert interrupted.returncode == 130 and interrupted.stderr == "govcell: interrupted\n"


def test_usage_errors_found_after_parsing_are_argparse_errors(cell: CellBuilder) -> None:
    """An unknown check, task or AC, or a value out of range: exit 2, the usage line and the message on stderr."""
    cell.ledger(VALID_LEDGER)
    cell.write(".llm/contextpack.yaml", "tasks:\n  core: {description: Core, include: [specs/*.yaml]}\n")
    for argv, message in ((["check", "nope"], "unknown check 'nope'"),
                          (["bundle"], "give a TASK, --ac AC-ID or --changes BASE"),
                          (["bundle", "cor"], "unknown task 'cor'"),
                          (["bundle", "--ac", "AC-NOPE-001"], "no acceptance criterion 'AC-NOPE-001'"),
                          (["next", "--limit", "-1"], "must be 0 or more"),
                          (["graph", "--focus", "NOPE"], "no node with ID 'NOPE'"),
                          ([], "the following arguments are required: COMMAND")):
        ran = _run([_script("govcell"), *argv], cell.root)
        assert ran.returncode == 2, (argv, ran.stderr)
        assert ran.stdout == "" and ran.stderr.startswith("usage: govcell") and message in ran.stderr, argv


@pytest.mark.parametrize("command", ["govcell check", "govcell policy test", "govcell-spec-ledger"])
def test_format_github_writes_the_job_summary(cell: CellBuilder, monkeypatch: pytest.MonkeyPatch,
                                              command: str) -> None:
    cell.ledger(VALID_LEDGER.replace("US-A-001", "bad"))
    cell.write("policy/pods.rego", 'package main\nimport rego.v1\n\ndeny contains "no pods" if input.kind == "Pod"\n')
    cell.write("policy/testdata/pods_valid.json", '{"kind": "Pod"}\n')
    summary = cell.root.parent / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = run_command(f"{command} --format github", cell.root)
    assert result.code == 1 and result.stdout.startswith("::error "), result.output
    title = "govcell policy test" if command == "govcell policy test" else "govcell"  # the policy run is its own
    assert summary.read_text().startswith(f"## {title}\n")
