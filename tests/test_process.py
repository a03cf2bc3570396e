"""The process helpers: retaining the cell until a fast exit, and the paused collector."""

from __future__ import annotations

import gc
import weakref

import pytest

from govcell import process


class _Big:
    """A stand-in for a cell: something a weak reference can watch."""


def test_retain_does_nothing_outside_a_fast_exit() -> None:
    obj = _Big()
    ref = weakref.ref(obj)
    process.retain(obj)
    del obj
    assert ref() is None, "an in-process caller (a test) must not leak what it built"


def test_under_a_fast_exit_the_cell_is_kept_and_the_collector_stays_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(process, "_FAST_EXIT", process._FastExitState())
    process._FAST_EXIT.retaining = True
    obj = _Big()
    ref = weakref.ref(obj)
    process.retain(obj)
    del obj
    assert ref() is not None, "freeing it node by node is wasted work just before os._exit"
    assert gc.isenabled()
    try:
        with process.no_cycle_gc():
            assert not gc.isenabled()
        assert not gc.isenabled(), "re-enabling would collect the whole heap on the next allocation"
    finally:
        gc.enable()


def test_the_collector_is_restored_after_a_command_in_process() -> None:
    with process.no_cycle_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_later_child_leaves_a_core_to_its_parent() -> None:
    import os

    from govcell.process import Later, cores

    assert cores() == (os.cpu_count() or 1)
    status, in_child = Later(cores, ()).result()
    assert status == "ok"
    assert in_child == max(1, (os.cpu_count() or 1) - 1) if (os.cpu_count() or 1) > 1 else in_child == 1


def test_claims_give_each_piece_to_exactly_one_process() -> None:
    from govcell.process import Claims, Later

    claims = Claims(40)

    def take_front() -> list[int]:
        taken = []
        while (n := claims.front()) is not None:
            taken.append(n)
        return taken

    child = Later(take_front, ())
    mine = []
    while (n := claims.back()) is not None:
        mine.append(n)
    status, theirs = child.result()
    assert status == "ok"
    assert sorted(theirs + mine) == list(range(40)) and theirs == sorted(theirs) and mine == sorted(mine, reverse=True)
    assert Claims(0).front() is None and Claims(0).back() is None


def test_a_claim_never_hangs_on_a_lock_its_dead_holder_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    from govcell import process
    from govcell.process import Claims, Later

    monkeypatch.setattr(process, "CLAIM_WAIT", 0.2)
    claims = Claims(3)

    def dies_holding_the_lock() -> None:
        import os

        claims._lock.acquire()
        os._exit(9)

    assert Later(dies_holding_the_lock, ()).result()[0] == "error"
    assert [claims.back(), claims.front(), claims.back(), claims.front()] == [2, 0, 1, None]
