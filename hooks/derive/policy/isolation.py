"""Run the Rego engine in a child process, with time and memory limits.

Policies are code a pull request can change, and the embedded engine is native
code: a self-recursive rule can overflow its stack and kill the process, a rule
can allocate gigabytes or run for minutes.  So the policy run happens in a
forked child with an address-space limit, and the parent waits at most
``policy.timeout_seconds``.  A child that dies or runs out of time becomes a
finding naming the policy (``policy.engine-crash``, ``policy.timeout``): the
policies are then run one per child to find which, and every other check of the
run still reports.  Where ``fork`` is unavailable the run is in-process.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from govcell.diagnostics import Diagnostic, diag

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.derive.policy.model import PolicyReport


#: Tests that observe the engine from this process (counting its calls) turn isolation off.
ISOLATE = True


def run_isolated(cell: Cell, run: Any, names: Callable[[], list[tuple[str, str]]]) -> PolicyReport:
    """``run(only)`` in a child; on a crash or time-out, each of ``names()`` (stem, path) alone.

    ``run(None)`` computes the whole report; ``run(stem)`` the report of one policy.
    """
    return start_isolated(cell, run, names)()


def start_isolated(cell: Cell, run: Any, names: Callable[[], list[tuple[str, str]]]) -> Callable[[], PolicyReport]:
    """:func:`run_isolated`, started now: the child runs while the caller does other work.

    The returned function waits for it (at most ``policy.timeout_seconds`` from now)
    and does what :func:`run_isolated` does with its outcome.
    """
    if not ISOLATE or not hasattr(os, "fork"):
        whole: PolicyReport = run(None)
        return lambda: whole
    cfg = cell.config.policy
    _warm(cell)
    child = _fork(lambda: run(None), cfg.max_memory_mb)
    deadline = time.monotonic() + cfg.timeout_seconds
    return lambda: _finish(cell, run, names, _collect(child, deadline))


def _finish(cell: Cell, run: Any, policy_names: Callable[[], list[tuple[str, str]]],
            outcome: tuple[str, Any] | str) -> PolicyReport:
    cfg = cell.config.policy
    if isinstance(outcome, tuple):
        report: PolicyReport = outcome[1]
        return report
    names = policy_names()  # only now: the policies are found again to run each alone
    # Something killed the whole run: find the policies that do it, keep the others' results.
    merged: PolicyReport = run("\0none")  # the report's frame (engine, availability) without any policy
    for stem, path in names:
        part = _in_child(lambda stem=stem: run(stem), cfg.timeout_seconds, cfg.max_memory_mb)
        if isinstance(part, tuple):
            merged.policies.extend(part[1].policies)
            merged.tests.extend(part[1].tests)
            merged.coverage.extend(part[1].coverage)
            merged.diagnostics.extend(d for d in part[1].diagnostics if d not in merged.diagnostics)
        else:
            merged.diagnostics.append(_failure(part, stem, path, cfg))
    if not names:
        merged.diagnostics.append(_failure(outcome, "", cell.config.paths.policy, cfg))
    merged.diagnostics.sort(key=lambda d: d.sort_key())
    return merged


def _warm(cell: Cell) -> None:
    """Load in the parent what a policy run reads, so the child's work is not done twice."""
    for name in ("ledger", "contextpack", "tasks", "flows"):
        getattr(cell, name)
    wanted = {t for targets in cell.config.policy.targets.values() for t in targets}
    if "features" in wanted or cell.config.policy.inputs:
        cell.features  # noqa: B018 - a cached property, computed here once
    from govcell.derive.scope import cell_changes, wants_changes

    if wants_changes(cell):
        cell_changes(cell)  # git and a diff: not in the memory-limited child


def _in_child(fn: Any, timeout: float, max_memory_mb: int) -> tuple[str, Any] | str:
    """``("ok", fn())`` computed in a forked child, or why not: "timeout", "signal N", "exit N", "memory"."""
    return _collect(_fork(fn, max_memory_mb), time.monotonic() + timeout)


def _fork(fn: Any, max_memory_mb: int) -> tuple[int, int]:
    """A child computing ``fn()`` under the memory limit: its pid and the pipe its answer comes on."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's stack
        code = 0
        try:
            os.close(read_fd)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            import faulthandler

            faulthandler.disable()  # a crash is reported by the parent, not as a dump on stderr
            _limit_memory(max_memory_mb)
            try:
                payload = pickle.dumps(("ok", fn()), protocol=pickle.HIGHEST_PROTOCOL)
            except MemoryError:
                payload = pickle.dumps(("memory", None))
            with os.fdopen(write_fd, "wb") as out:
                out.write(payload)
        except BaseException:  # noqa: BLE001 - the parent reports it as a crash
            code = 70
        finally:
            os._exit(code)
    os.close(write_fd)
    from govcell.process import at_fast_exit

    _LIVE.add(pid)
    at_fast_exit(lambda: _kill(pid))
    return pid, read_fd


#: Children forked and not yet waited for (only those may be killed: a waited-for pid can be reused).
_LIVE: set[int] = set()


def _kill(pid: int) -> None:
    """End a child no one waits for any more (the command ended early)."""
    if pid not in _LIVE:
        return
    _LIVE.discard(pid)
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass


def _collect(child: tuple[int, int], deadline: float) -> tuple[str, Any] | str:
    """The child's answer, waiting until ``deadline`` at most (then it is killed: "timeout")."""
    pid, read_fd = child
    chunks: list[bytes] = []
    status = "timeout"
    with os.fdopen(read_fd, "rb") as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([pipe], [], [], left)
            if not ready:
                break
            chunk = os.read(pipe.fileno(), 1 << 20)
            if not chunk:
                status = ""
                break
            chunks.append(chunk)
    if status == "timeout":
        os.kill(pid, signal.SIGKILL)
    _, wait_status = os.waitpid(pid, 0)
    _LIVE.discard(pid)
    if status == "timeout":
        return "timeout"
    if os.WIFSIGNALED(wait_status):
        return f"signal {os.WTERMSIG(wait_status)}"
    if not chunks:
        return f"exit {os.WEXITSTATUS(wait_status)}"
    kind, value = pickle.loads(b"".join(chunks))
    return ("ok", value) if kind == "ok" else str(kind)


def _limit_memory(max_memory_mb: int) -> None:
    """Cap the child's address space at what it has now plus ``max_memory_mb``."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as fh:
            current = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = current + max_memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, ValueError):
        pass  # no limit where the platform has none; the time limit still holds


def _failure(why: str, stem: str, path: str, cfg: Any) -> Diagnostic:
    what = f"policy {stem}" if stem else "the policy run"
    if why == "timeout":
        return diag("policy.timeout", f"{what} did not finish within {cfg.timeout_seconds:g} s", path, 1, 1,
                    hint="a rule loops over large inputs or recurses; simplify it, or raise policy.timeout_seconds")
    if why == "memory":
        return diag("policy.engine-crash", f"{what} needed more than {cfg.max_memory_mb} MB and was stopped",
                    path, 1, 1, hint="a rule builds huge values; fix it, or raise policy.max_memory_mb")
    if why == f"signal {int(signal.SIGABRT)}":
        why += f": the engine aborted, as it does when it exceeds policy.max_memory_mb ({cfg.max_memory_mb} MB)"
    return diag("policy.engine-crash", f"the Rego engine crashed on {what} ({why})", path, 1, 1,
                hint="self-recursive or pathological rules crash the engine: fix the policy; the other checks ran")
