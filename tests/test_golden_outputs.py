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

HOSTILE_COMMANDS = ["govcell check --format json", "govcell status --json",
                    # hooks: run twice, the second time replayed from the first (govcell.entry.replay)
                    "govcell-governance-selftest --format json", "govcell-ac-tags", "govcell-spec-ledger"]
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
    if command.startswith("govcell-"):
        again = run_command(command, root)
        assert (again.code, again.stdout, again.stderr) == (result.code, result.stdout, result.stderr), command
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


def _corrupt(directory: Path) -> int:
    """Damage every cache entry, each a different way (truncated, a flipped byte, replaced): how many."""
    entries = sorted(p for p in directory.iterdir() if p.name.endswith(".bin"))
    for i, path in enumerate(entries):
        blob = path.read_bytes()
        if i % 3 == 0:
            path.write_bytes(blob[: len(blob) // 2])
        elif i % 3 == 1:
            path.write_bytes(blob[:-1] + bytes([blob[-1] ^ 0x55]))
        else:
            path.write_bytes(b"not a cache entry")
    return len(entries)


@pytest.mark.slow
def test_outputs_are_the_same_with_the_cache_off_cold_warm_and_corrupted(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from govcell.load import cache

    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    shared = tmp_path / "cache"
    monkeypatch.setenv("GOVCELL_CACHE_DIR", str(shared))
    for mode in ("off", "cold", "warm", "corrupted"):
        if mode == "off":
            monkeypatch.setenv("GOVCELL_NO_CACHE", "1")
        else:
            monkeypatch.delenv("GOVCELL_NO_CACHE", raising=False)
        if mode == "cold":
            assert not shared.exists(), "the cache was off"
        if mode == "corrupted":
            assert _corrupt(shared) > 0
        before = dict(cache.STATS)
        got = outputs(tmp_path / mode)
        changed = sorted(k for k in want.keys() | got.keys() if want.get(k) != got.get(k))
        assert not changed, f"outputs changed with the cache {mode} for: {changed}"
        # Parsed files (replayed answers are keyed by the cell's place: each mode's copy is a new place).
        seen = {w: sum(cache.STATS[(k, x)] - before.get((k, x), 0) for k, x in cache.STATS
                       if x == w and not k.startswith("replay")) for w in ("hit", "miss", "bad", "store")}
        if mode == "warm":
            assert seen["hit"] > 0 and seen["miss"] == 0 and seen["bad"] == 0, seen
        if mode == "corrupted":
            assert seen["bad"] > 0, seen
        shutil.rmtree(tmp_path / mode, ignore_errors=True)
