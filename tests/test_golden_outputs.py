"""Outputs a refactor must not change: the hostile corpus and the reference cell, as recorded digests.

``tests/golden/outputs.json`` holds a SHA-256 of each command's exit code and
output on each corpus cell (the cell's path replaced by ``<ROOT>``, its commit by ``<HEAD>``), recorded
before a behaviour-preserving change.  A change that alters what users see
fails here, key by key; an intended change re-records the file with
``GOVCELL_UPDATE_GOLDEN=1 pytest tests/test_golden_outputs.py`` and says why in
its commit.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT, git, run_command, unpack_reference
from tests.test_hostile import CASES, HOSTILE, materialise

GOLDEN = REPO_ROOT / "tests" / "golden" / "outputs.json"

HOSTILE_COMMANDS = ["govcell check --format json", "govcell status --json"]
REFERENCE_COMMANDS = [
    "govcell check --format json", "govcell check --format sarif", "govcell check --format text",
    "govcell status --json", "govcell graph --format json", "govcell next --json --limit 0",
    "govcell policy test --format json",
]


def _plain_case(name: str) -> bool:
    """Cases that only need files: no extra commands, read-only dirs, FIFOs or time bounds."""
    case = yaml.safe_load((HOSTILE / name / "_case.yaml").read_text(encoding="utf-8"))
    return not any(case.get(k) for k in ("commands", "readonly", "fifos", "max_seconds"))


def _digest(root: Path, command: str) -> str:
    result = run_command(command, root)
    head = git(root, "rev-parse", "HEAD").strip()
    text = f"exit {result.code}\n{result.stdout}".replace(str(root), "<ROOT>").replace(head, "<HEAD>")
    return hashlib.sha256(text.encode()).hexdigest()


def outputs(tmp: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in CASES:
        if not _plain_case(name):
            continue
        root = tmp / name / "cell"
        materialise(name, root)
        for command in HOSTILE_COMMANDS:
            out[f"hostile/{name} | {command}"] = _digest(root, command)
    reference = unpack_reference(tmp / "reference")
    for command in REFERENCE_COMMANDS:
        out[f"reference | {command}"] = _digest(reference, command)
    return out


@pytest.mark.slow
def test_outputs_match_the_recorded_digests(tmp_path: Path) -> None:
    got = outputs(tmp_path)
    if os.environ.get("GOVCELL_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    changed = sorted(k for k in want.keys() | got.keys() if want.get(k) != got.get(k))
    assert not changed, f"outputs changed for: {changed}"
    shutil.rmtree(tmp_path, ignore_errors=True)
