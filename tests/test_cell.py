"""The loaded cell (govcell.cell): its inputs, read once, and the feature files read beside the ledger.

The console-script test also covers the checks set aside in a child (``govcell.checks``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cache import _cell, _edit

from govcell import process
from govcell.cell import Cell
from govcell.load import head_start


def test_prefetch_does_nothing_in_process(tmp_path: Path) -> None:
    cell = Cell(_cell(tmp_path / "cell"))
    cell.prefetch_features()
    assert "_features_shared" not in cell.__dict__, "a test (an in-process caller) reads the files in turn"


def test_prefetched_features_equal_the_ones_read_in_turn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _cell(tmp_path / "cell", stories=3)
    _edit(root, "specs/features/story_0001.feature", "@AC-B0001-101", "@AC-B0001-999")
    (root / "specs" / "features" / "broken.feature").write_text("this is not Gherkin\n", encoding="utf-8")
    in_turn = Cell(root).features
    monkeypatch.setattr(process, "_FAST_EXIT", process._FastExitState())
    process._FAST_EXIT.retaining = True
    small = Cell(root)
    small.prefetch_features()
    assert "_features_shared" not in small.__dict__, "a few feature files: not worth a child"
    import govcell.cell

    monkeypatch.setattr(govcell.cell, "PREFETCH_MIN_BYTES", 0)
    cell = Cell(root)
    cell.prefetch_features()
    assert "_features_shared" in cell.__dict__, "a console script parses them in a child"
    assert cell.ledger.model is not None  # read meanwhile
    assert cell.features == in_turn and cell.features.diagnostics


def test_the_console_script_prints_the_same_with_and_without_the_child(tmp_path: Path) -> None:
    from govcell.cell import PREFETCH_MIN_BYTES

    root = _cell(tmp_path / "cell", stories=160)
    assert sum(p.stat().st_size for p in root.rglob("*.feature")) > PREFETCH_MIN_BYTES, "large enough for a child"
    spec_bytes = sum((root / rel).stat().st_size for rel in ("specs/spec_ledger.yaml", "specs/tasks.yaml"))
    assert spec_bytes > head_start.MIN_BYTES, "and for a head start on the spec files (govcell.load.head_start)"
    _edit(root, "specs/features/story_0002.feature", "@AC-B0002-101", "@AC-B0002-999")
    _edit(root, "specs/spec_ledger.yaml", "adr: ADR-0001", "adr: ADR-0999")  # the graph's, built in a child
    script = str(Path(sys.executable).parent / "govcell")
    outputs = []
    for serial in ("1", "0"):
        env = {**os.environ, "GOVCELL_NO_CACHE": "1", "GOVCELL_DIFF_SERIAL": serial}
        proc = subprocess.run([script, "check", "--format", "json"], cwd=root, capture_output=True, text=True,
                              env=env, check=False)
        outputs.append((proc.returncode, proc.stdout, proc.stderr))
    assert outputs[0] == outputs[1] and outputs[0][0] == 1
    assert "AC-B0002-999" in outputs[0][1] and "ADR-0999" in outputs[0][1]
