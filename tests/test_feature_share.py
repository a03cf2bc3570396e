"""govcell.load.feature_share: a forked child and the command parse the feature files together.

Whoever parses which chunk, the index is the one a single process reads: same files,
same scenarios, same findings in the same order; a child that dies leaves its chunks
to the command.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govcell import process
from govcell.cell import Cell
from govcell.load import feature_share
from govcell.load.feature_share import SharedParse
from tests.test_cache import _cell, _edit


@pytest.fixture
def cell_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A 12-story cell with a parse error, an unreadable file and a stray tag; chunks of one file; a console script."""
    root = _cell(tmp_path / "cell", stories=12)
    _edit(root, "specs/features/story_0003.feature", "@AC-B0003-101", "@AC-B0003-999")
    (root / "specs" / "features" / "broken.feature").write_text("this is not Gherkin\n", encoding="utf-8")
    (root / "specs" / "features" / "binary.feature").write_bytes(b"Feature: x\n\0\n")
    import govcell.cell

    monkeypatch.setattr(govcell.cell, "PREFETCH_MIN_BYTES", 0)
    monkeypatch.setattr(feature_share, "CHUNK_FILES", 1)
    monkeypatch.setattr(process, "_FAST_EXIT", process._FastExitState())
    return root


def _shared(root: Path) -> Cell:
    process._FAST_EXIT.retaining = True
    cell = Cell(root)
    cell.prefetch_features()
    assert "_features_shared" in cell.__dict__, "a console script shares the parse with a child"
    return cell


def test_the_command_takes_the_chunks_a_slow_child_has_not_reached(cell_root: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    in_turn = Cell(cell_root).features
    parent = os.getpid()
    here: list[int] = []
    parse = SharedParse._parse

    def timed(self: SharedParse, n: int) -> object:
        if os.getpid() == parent:
            here.append(n)
        else:
            import time

            time.sleep(0.2)  # the child is slow: the command does most of the work
        return parse(self, n)

    monkeypatch.setattr(SharedParse, "_parse", timed)
    cell = _shared(cell_root)
    claims = cell.__dict__["_features_shared"][0].claims
    import time

    deadline = time.monotonic() + 30
    while claims._get()[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.01)  # the child has claimed its first chunk before this process asks (else it may take all)
    assert claims._get()[0] >= 1, "the child started claiming"
    assert cell.features == in_turn
    assert in_turn.diagnostics and [d.code for d in in_turn.diagnostics].count("gherkin.syntax") == 1
    assert here and 0 not in here, "the command parsed chunks from the back; the child had the first"


def test_chunks_a_dead_child_claimed_are_parsed_by_the_command(cell_root: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    in_turn = Cell(cell_root).features

    def dies(self: SharedParse) -> None:
        self.claims.front()
        self.claims.front()  # claimed, never sent
        os._exit(3)

    monkeypatch.setattr(SharedParse, "front", dies)
    assert _shared(cell_root).features == in_turn
