"""govcell.load.head_start: the spec files' YAML parsed by a child forked before the heavy imports.

Whatever the child did (parsed the file the command read, parsed an older text,
died, is still parsing), the cell loads exactly what a single process loads.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.test_cache import _cell, _edit

from govcell import process
from govcell.cell import Cell
from govcell.load import head_start
from govcell.load.layout import SPEC_FILES


@pytest.fixture
def cell_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small cell with a ledger finding, a head start for any size, and no cache."""
    root = _cell(tmp_path / "cell", stories=3)
    _edit(root, "specs/spec_ledger.yaml", "adr: ADR-0001", "adr: [ADR-0001")  # a YAML error the parse reports
    monkeypatch.setattr(head_start, "MIN_BYTES", 0)
    monkeypatch.setattr(head_start, "_STARTED", {})
    monkeypatch.setattr(process, "_FAST_EXIT", process._FastExitState())
    monkeypatch.setenv("GOVCELL_NO_CACHE", "1")
    monkeypatch.delenv("GOVCELL_DIFF_SERIAL", raising=False)
    return root


def _loaded(cell: Cell) -> list[Any]:
    """Everything a cell's spec files loaded to: data, positions, models, findings."""
    out = []
    for name in ("ledger", "tasks", "flows", "contextpack", "doc_index"):
        loaded = getattr(cell, name)
        out.append((loaded.raw.data, loaded.raw.marks, loaded.raw.key_marks, loaded.model, loaded.diagnostics,
                    loaded.invalid))
    return out


def _started(root: Path) -> head_start.HeadStart:
    head = head_start.start(root, None)
    assert head is not None, "a head start for the cell"
    return head


def test_the_plan_follows_the_raw_config_and_falls_back_to_the_defaults(tmp_path: Path) -> None:
    root = tmp_path / "cell"
    root.mkdir()
    assert head_start.plan(root, None) == (list(SPEC_FILES.values()), 20 * 1024 * 1024)
    (root / "pyproject.toml").write_text('[tool.govcell.paths]\nledger = "docs/ledger.yaml"\n', encoding="utf-8")
    assert head_start.plan(root, None)[0][0] == "docs/ledger.yaml"
    (root / ".govcell.yaml").write_text("paths: {ledger: a.yaml, tasks: 7}\nlimits: {max_file_bytes: 4096}\n",
                                        encoding="utf-8")
    rels, limit = head_start.plan(root, None)  # .govcell.yaml first, as load_config looks; a bad value: default
    assert rels[:2] == ["a.yaml", SPEC_FILES["tasks"]] and limit == 4096
    (root / "other.yaml").write_text("- not a mapping\n", encoding="utf-8")
    assert head_start.plan(root, "other.yaml") == (list(SPEC_FILES.values()), 20 * 1024 * 1024)
    (root / ".govcell.yaml").write_text("paths: {ledger: [unclosed\n", encoding="utf-8")
    assert head_start.plan(root, None)[0][0] == SPEC_FILES["ledger"], "a broken config: the defaults"
    (root / ".govcell.yaml").write_text("limits: {max_file_bytes: 99999999999}\n", encoding="utf-8")
    assert head_start.plan(root, None)[1] == 20 * 1024 * 1024, "a raised limit: the child reads no more"


def test_the_cell_loads_what_it_loads_alone_and_takes_the_childs_parse(cell_root: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    alone = _loaded(Cell(cell_root))
    parsed: list[str] = []
    real = head_start.HeadStart.take

    def take(self: head_start.HeadStart, rel: str, text: str) -> Any:
        got = real(self, rel, text)
        if got is not None:
            parsed.append(rel)
        return got

    monkeypatch.setattr(head_start.HeadStart, "take", take)
    head = _started(cell_root)
    import time

    time.sleep(0.5)  # the child is done before the command asks
    assert _loaded(Cell(cell_root)) == alone
    assert SPEC_FILES["ledger"] in parsed and SPEC_FILES["tasks"] in parsed, "parsed by the child"
    assert not head.pending and head._pid is None, "every file taken: the child is gone"


def test_a_file_edited_after_the_child_read_it_is_parsed_again(cell_root: Path) -> None:
    head = _started(cell_root)
    import time

    time.sleep(0.5)
    _edit(cell_root, "specs/spec_ledger.yaml", "adr: [ADR-0001", "adr: ADR-0999")
    with_head = _loaded(Cell(cell_root))
    head_start._STARTED.clear()
    assert with_head == _loaded(Cell(cell_root))
    assert "ADR-0999" in str(with_head[0][0]), "the command's own read, not the child's"
    assert head._pid is None


def test_a_child_still_parsing_is_stopped_and_the_command_parses(cell_root: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    alone = _loaded(Cell(cell_root))
    from govcell.load import yamlio

    real = yamlio.parse_yaml
    parent = os.getpid()

    def slow(text: str, rel: str) -> Any:
        if os.getpid() != parent:
            import time

            time.sleep(30)  # the child never gets there in time
        return real(text, rel)

    monkeypatch.setattr(yamlio, "parse_yaml", slow)
    head = _started(cell_root)
    pid = head._pid
    assert pid is not None
    assert _loaded(Cell(cell_root)) == alone
    assert head._pid is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # stopped and reaped, not left running


def test_a_dead_or_garbled_child_changes_nothing(cell_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    alone = _loaded(Cell(cell_root))
    head = _started(cell_root)
    assert head._pid is not None
    os.kill(head._pid, 9)
    assert _loaded(Cell(cell_root)) == alone
    head_start._STARTED.clear()

    def garbage(root: Path, rels: list[str], max_bytes: int, write_fd: int) -> None:
        os.write(write_fd, head_start._FRAME.pack(5) + b"junk!")

    monkeypatch.setattr(head_start, "_parse_and_send", garbage)
    _started(cell_root)
    import time

    time.sleep(0.3)
    assert _loaded(Cell(cell_root)) == alone


def test_a_cached_file_is_not_waited_for(cell_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOVCELL_NO_CACHE")
    monkeypatch.setenv("GOVCELL_CACHE_DIR", str(tmp_path / "cache"))
    alone = _loaded(Cell(cell_root))  # fills the cache
    head = _started(cell_root)
    assert _loaded(Cell(cell_root)) == alone
    assert not head.pending and head._pid is None, "each file came from the cache: the child was stopped"


def test_no_head_start_where_it_cannot_pay(cell_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(head_start, "MIN_BYTES", 10 ** 9)
    assert head_start.start(cell_root, None) is None, "small spec files: not worth a fork"
    monkeypatch.setattr(head_start, "MIN_BYTES", 0)
    monkeypatch.setenv("GOVCELL_DIFF_SERIAL", "1")
    assert head_start.start(cell_root, None) is None, "one process asked for"


def test_only_a_console_script_starts_one(cell_root: Path) -> None:
    from govcell.cli.check import run_and_report

    run_and_report(str(cell_root), None, ["spec-ledger"], False, "text")
    assert not head_start._STARTED, "an in-process caller (a test) reads the files in turn"


def test_a_process_forked_later_leaves_the_pipe_to_the_command(cell_root: Path) -> None:
    alone = _loaded(Cell(cell_root))
    head = _started(cell_root)
    import time

    time.sleep(0.5)
    before = list(head.pending)
    pid = os.fork()
    if pid == 0:  # a child forked after the head start (as a check set aside is): it parses for itself
        code = 1
        try:
            took = head_start.parsed_by_head_start(head.root, SPEC_FILES["ledger"], "")
            code = 0 if took is None and head.pending == before and not head._got else 3
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0, "the forked process took nothing"
    assert _loaded(Cell(cell_root)) == alone
