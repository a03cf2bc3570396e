"""Executes features/foundation.feature (the ACs of the foundation story)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pytest_bdd import given, parsers, scenarios, then, when

from tests.conftest import CellBuilder, Result, git, init_git

scenarios("foundation.feature")

VALID_LEDGER = """\
stories:
  - id: US-A-001
    title: A story
    requirements:
      - id: REQ-A-ONE
        title: A requirement
        acceptance_criteria:
          - id: AC-A-001
            text: Something holds
"""

ALIAS_BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
stories: *i
"""


@given(parsers.parse("a cell whose ledger is {content}"), target_fixture="cell")
def _hostile_ledger(cell: CellBuilder, content: str) -> CellBuilder:
    rel = "specs/spec_ledger.yaml"
    if content == "an alias bomb":
        cell.ledger(ALIAS_BOMB)
    elif content == "indented with tabs":
        cell.ledger("stories:\n\t- id: US-A-001\n\t  title: x\n")
    elif content == "invalid UTF-8":
        cell.write(rel, b"stories: []\n# caf\xe9\n")
    elif content == "binary":
        cell.write(rel, b"\x7fELF\x02\x01\x01\x00\x00\x00")
    elif content == "50 MB":
        path = cell.write(rel, b"")
        with path.open("r+b") as fh:
            fh.truncate(50 * 1024 * 1024)
    elif content == "empty":
        cell.ledger("")
    elif content == "missing":
        cell.write("README.md", "no ledger here\n")
    elif content == "a directory":
        (cell.root / rel).mkdir(parents=True)
    elif content == "a list, not a mapping":
        cell.ledger("- US-A-001\n- US-A-002\n")
    elif content == "malformed YAML":
        cell.ledger("stories: [\n  - id: US-A-001\n")
    else:  # pragma: no cover - a typo in the feature file
        raise AssertionError(f"unknown hostile content {content!r}")
    return cell


@then(parsers.parse('the output is a JSON Schema describing "{prop}"'))
def _json_schema(ctx: dict[str, object], prop: str) -> None:
    result = ctx["result"]
    assert isinstance(result, Result)
    doc = json.loads(result.stdout)
    assert doc["$schema"].startswith("https://json-schema.org/")
    assert prop in doc["properties"]


# --------------------------------------------------------------------------- pre-commit try-repo


def _try_repo(ctx: dict[str, object], consumer: Path) -> subprocess.CompletedProcess[str]:
    repo, rev = ctx["govcell"]  # type: ignore[misc]
    env = {**os.environ, "PRE_COMMIT_HOME": str(ctx["pre_commit_home"]), "PRE_COMMIT_COLOR": "never"}
    pre_commit = Path(sys.executable).parent / "pre-commit"
    return subprocess.run(
        [str(pre_commit), "try-repo", str(repo), "spec-ledger", "--ref", rev, "--all-files"],
        cwd=consumer, capture_output=True, text=True, env=env, timeout=900,
    )


@given("a git repository whose pre-commit config uses govcell's spec-ledger hook")
def _consumer_repo(cell: CellBuilder, ctx: dict[str, object], govcell_snapshot: tuple[Path, str],
                   pre_commit_home: Path) -> None:
    init_git(cell.root)
    ctx["govcell"] = govcell_snapshot
    ctx["pre_commit_home"] = pre_commit_home


@given("the repository has a valid ledger")
def _valid_ledger(cell: CellBuilder) -> None:
    cell.ledger(VALID_LEDGER)
    git(cell.root, "add", "-A")


@when("pre-commit runs the hook through try-repo")
def _run_try_repo(cell: CellBuilder, ctx: dict[str, object]) -> None:
    ctx["proc"] = _try_repo(ctx, cell.root)


@when("the ledger gains a misspelt key and pre-commit runs the hook again")
def _break_and_rerun(cell: CellBuilder, ctx: dict[str, object]) -> None:
    cell.ledger(VALID_LEDGER + "            txet: blue\n")  # a near miss of "text": an error
    git(cell.root, "add", "-A")
    ctx["proc"] = _try_repo(ctx, cell.root)


@then("pre-commit reports the hook passed")
def _hook_passed(ctx: dict[str, object]) -> None:
    proc = ctx["proc"]
    assert isinstance(proc, subprocess.CompletedProcess)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "govcell spec ledger" in proc.stdout and "Passed" in proc.stdout, proc.stdout


@then(parsers.parse('pre-commit reports the hook failed with "{code}"'))
def _hook_failed(ctx: dict[str, object], code: str) -> None:
    proc = ctx["proc"]
    assert isinstance(proc, subprocess.CompletedProcess)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Failed" in proc.stdout and code in proc.stdout, proc.stdout
    assert "specs/spec_ledger.yaml:10:13" in proc.stdout, proc.stdout

