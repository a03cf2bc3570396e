"""Random hostile paths through every writing command: nothing outside the cell is ever touched.

Hypothesis draws the paths a pull request controls (the config's paths, the
contextpack's task names and outputs, the ledger's IDs and test files) from
atoms an attacker would use (``..``, absolute paths, ``~``, ``.git/``, the
cell's own inputs, a tracked symlink to a directory outside, names with
newlines), and a random set of the cell's directories made symlinks out of
it.  Every writing command then runs (``feature-status``, ``bundle``,
``bundle --ac``, ``check -o``, ``policy test -o``, ``schema -o``, ``graph -o``,
``init``; ``site build`` in the slow variant, with more examples) and the test asserts that no file
outside the cell's directory was created, changed or removed, and that no
command crashed.  ``-o`` paths are the user's own (they may lie outside by
design), so they are drawn inside the cell, where the policy still applies.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import git, init_git, run_command
from tests.test_hostile import outside_snapshot

OUTSIDE_FILES = {"outside/precious.txt": "keep me\n", "outside/specs/spec_ledger.yaml": "stories: []\n",
                 "outside/docs/feature_status.md": "old report\n", ".bashrc": "# the home beside the cell\n"}
#: directories of the cell that may be tracked symlinks out of it
LINKABLE = ("docs", ".llm", "out", "specs/features", "policy", "site")

_ATOMS = st.sampled_from([
    "..", "../..", "../outside", "../outside/precious.txt", "../.bashrc", "~", "/tmp", ".", "",
    ".git", ".git/config", ".git/hooks/pre-commit", ".GIT/x", "specs/spec_ledger.yaml", ".govcell.yaml",
    ".llm/contextpack.yaml", "out", "out/x.md", "docs", "docs/feature_status.md", "site", "a\nb", "x.md",
    "specs", "specs/features/a.feature", "notes.md", "./x/../../outside", "a/./b", "a//b", "%2e%2e",
])


def _path(atoms: list[str]) -> str:
    return "/".join(atoms)


hostile_paths = st.lists(_ATOMS, min_size=1, max_size=3).map(_path) | st.builds(
    lambda root, tail: root + tail, st.sampled_from(["/", "../", "~/", "..\\", "out/"]),
    st.text(st.characters(codec="utf-8", exclude_characters="\0"), max_size=12))
#: what a user types after -o: inside the cell (the policy refuses inputs, .git/, links, FIFOs there)
typed_paths = st.sampled_from(["report.txt", "specs/spec_ledger.yaml", ".govcell.yaml", ".git/x", "out",
                               "docs", "docs/feature_status.md", "site", ".llm/contextpack.yaml",
                               "new/dir/out.json", "notes.md", "fifo"])
ids = st.sampled_from(["AC-H-001", "AC-../../outside/x", "AC-/tmp/x", "AC-.git", "../AC", "AC-\nX",
                       "AC-H-002"]) | hostile_paths


@st.composite
def cells(draw: Any) -> dict[str, Any]:
    paths = {key: draw(hostile_paths) for key in draw(st.sets(st.sampled_from(
        ["feature_status", "ledger", "contextpack", "adr", "policy", "tasks"]), max_size=3))}
    config: dict[str, Any] = {"paths": paths}
    if draw(st.booleans()):
        config["bundles"] = {"output_dir": draw(hostile_paths)}
    if draw(st.booleans()):
        config["paths"]["features"] = [draw(hostile_paths), "specs/features"]
    if draw(st.booleans()):
        config["results"] = {"files": [draw(hostile_paths)]}
    tasks = {}
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(["notes", "../escape", ".git", "a/b", "x\ny"]) | hostile_paths)
        task: dict[str, Any] = {"description": "d", "max_bytes": 100000, "include": ["notes.md"]}
        if draw(st.booleans()):
            task["output"] = draw(hostile_paths)
        tasks[name] = task
    ac = draw(ids)
    return {"config": config, "tasks": tasks, "ac": ac, "test_file": draw(hostile_paths),
            "links": draw(st.sets(st.sampled_from(LINKABLE), max_size=3)), "typed": draw(typed_paths)}


def _build(top: Path, drawn: dict[str, Any]) -> Path:
    cell = top / "cell"
    for rel, text in OUTSIDE_FILES.items():
        (top / rel).parent.mkdir(parents=True, exist_ok=True)
        (top / rel).write_text(text, encoding="utf-8")
    (cell / "specs" / "features").mkdir(parents=True)
    ac = drawn["ac"]
    ledger = {"stories": [{"id": "US-H-001", "title": "s", "requirements": [{
        "id": "REQ-H-ONE", "title": "r", "acceptance_criteria": [
            {"id": "AC-H-001", "text": "t", "tests": [{"type": "bdd", "tag": "@AC-H-001",
                                                       "file": "specs/features/a.feature"}]},
            {"id": ac, "text": "t", "tests": [{"type": "unit", "tag": "t", "file": drawn["test_file"]}]}]}]}]}
    (cell / "specs" / "spec_ledger.yaml").write_text(json.dumps(ledger), encoding="utf-8")
    (cell / "specs" / "features" / "a.feature").write_text(
        "Feature: a\n  @AC-H-001\n  Scenario: s\n    Given g\n", encoding="utf-8")
    (cell / "notes.md").write_text("# Notes\n", encoding="utf-8")
    (cell / ".llm").mkdir()
    (cell / ".llm" / "contextpack.yaml").write_text(json.dumps({"tasks": drawn["tasks"]}), encoding="utf-8")
    (cell / ".govcell.yaml").write_text(json.dumps(drawn["config"]), encoding="utf-8")
    os.mkfifo(cell / "fifo")
    for rel in sorted(drawn["links"]):
        place = cell / rel
        if place.is_dir() and not place.is_symlink():
            import shutil

            shutil.rmtree(place)
        place.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(os.path.relpath(top / "outside", place.parent), place)
    init_git(cell)
    git(cell, "add", "-A")
    git(cell, "commit", "-q", "-m", "hostile paths")
    return cell


COMMANDS = ["feature-status", "bundle {task}", "bundle --ac {ac}", "check -o {typed}", "policy test -o {typed}",
            "schema ledger -o {typed}", "graph -o {typed}", "init"]


def _run_all(drawn: dict[str, Any], commands: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="govcell-paths-") as tmp:
        top = Path(tmp)
        cell = _build(top, drawn)
        before = outside_snapshot(cell)
        before.pop("tracked changes")  # writes inside the cell are the cell's business
        for template in commands:
            argv = [a.format(task=next(iter(drawn["tasks"])), ac=drawn["ac"], typed=drawn["typed"])
                    for a in template.split(" ")]
            ran = run_command(["govcell", *argv], cell)
            assert ran.code != 99 and "Traceback" not in ran.output, (argv, ran.output)
            assert "internal.error" not in ran.output, (argv, ran.output)
            after = outside_snapshot(cell)
            after.pop("tracked changes")
            assert after == before, f"`govcell {' '.join(argv)}` changed something outside the cell: {drawn}"


@pytest.mark.ac("AC-HOSTILE-001")
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells())
def test_random_hostile_paths_write_nothing_outside_the_cell(drawn: dict[str, Any]) -> None:
    _run_all(drawn, COMMANDS)


@pytest.mark.slow
@pytest.mark.ac("AC-HOSTILE-001")
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells())
def test_more_random_hostile_paths_and_the_site_write_nothing_outside_the_cell(drawn: dict[str, Any]) -> None:
    _run_all(drawn, [*COMMANDS, "site build", "site build -o {typed}"])
