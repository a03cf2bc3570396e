"""Executes features/cache.feature (the shared cache of parsed files, US-PERF-002)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from tests.conftest import CellBuilder, git, run_command
from tests.test_cache import EDITS, _cell, _edit

from govcell.load import cache as cache_mod

scenarios("cache.feature")


def _entries(root: Path) -> list[Path]:
    where = root / ".git" / "govcell" / "cache"
    return sorted(p for p in where.iterdir() if p.name.endswith(".bin")) if where.is_dir() else []


@given(parsers.parse("a synthetic cell of {stories:d} stories in git with its cache in the git directory"),
       target_fixture="cell")
def _synthetic(cell: CellBuilder, stories: int, monkeypatch: pytest.MonkeyPatch) -> CellBuilder:
    monkeypatch.delenv("GOVCELL_CACHE_DIR")
    _cell(cell.root, stories)
    shutil.rmtree(cell.root / ".git" / "govcell", ignore_errors=True)
    return cell


@when(parsers.parse('I run "{command}"'))
def _run(cell: CellBuilder, ctx: dict[str, object], command: str) -> None:
    result = run_command(command, cell.root)
    assert "Traceback" not in result.output
    ctx.setdefault("first_plain", result)
    ctx["result"] = result
    ctx["command"] = command


@when(parsers.parse('I run "{command}" counting the cache'))
def _counted(cell: CellBuilder, ctx: dict[str, object], command: str) -> None:
    before = dict(cache_mod.STATS)
    result = run_command(command, cell.root)
    ctx["counts"] = {k: v - before.get(k, 0) for k, v in cache_mod.STATS.items()}
    ctx["result"] = result
    ctx["command"] = command


@when(parsers.parse('I run "{command}" with GOVCELL_NO_CACHE=1'))
def _env_off(cell: CellBuilder, ctx: dict[str, object], command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVCELL_NO_CACHE", "1")
    ctx["result"] = run_command(command, cell.root)
    monkeypatch.delenv("GOVCELL_NO_CACHE")


@when(parsers.parse('the config says "{setting}" and I run "{command}"'))
def _config_off(cell: CellBuilder, ctx: dict[str, object], setting: str, command: str) -> None:
    _edit(cell.root, ".govcell.yaml", None, setting + "\n")
    ctx["result"] = run_command(command, cell.root)


@when(parsers.parse('the feature file "{rel}" has "{new}" instead of "{old}"'))
def _retag(cell: CellBuilder, rel: str, new: str, old: str) -> None:
    _edit(cell.root, rel, old, new)


@when(parsers.parse("I edit the {what} so that a finding appears"))
def _edit_input(cell: CellBuilder, what: str) -> None:
    (_, rel, old, new), = [e for e in EDITS if e[0] == what]
    _edit(cell.root, rel, old, new)


@when("every cache entry is damaged")
def _damage(cell: CellBuilder) -> None:
    entries = _entries(cell.root)
    assert entries
    for i, path in enumerate(entries):
        blob = path.read_bytes()
        path.write_bytes(blob[: len(blob) // 2] if i % 2 else blob[:-1] + bytes([blob[-1] ^ 1]))


def _parsed(ctx: dict[str, object], kind: str) -> int:
    counts = ctx["counts"]
    assert isinstance(counts, dict)
    return sum(v for (k, what), v in counts.items() if k == kind and what in ("miss", "bad"))


@then("no feature file and no spec file was parsed")
def _none_parsed(ctx: dict[str, object]) -> None:
    counts = ctx["counts"]
    assert isinstance(counts, dict) and counts.get(("feature", "hit"), 0) > 0
    assert _parsed(ctx, "feature") == 0 and _parsed(ctx, "validated") == 0


@then(parsers.parse("{n:d} feature file was parsed"))
def _n_parsed(ctx: dict[str, object], n: int) -> None:
    assert _parsed(ctx, "feature") == n and _parsed(ctx, "validated") == 0


@then("the cache is inside the git directory and git sees no changed file")
def _inside_git(cell: CellBuilder) -> None:
    assert _entries(cell.root)
    assert git(cell.root, "status", "--porcelain", "--untracked-files=all") == ""


@then(parsers.parse('the output is the same as with "{flag}"'))
def _same_without(cell: CellBuilder, ctx: dict[str, object], flag: str) -> None:
    result = ctx["result"]
    fresh = run_command(f"{ctx['command']} {flag}", cell.root)
    assert result.stdout == fresh.stdout and result.code == fresh.code  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]


@then("the output differs from the first run's")
def _differs(ctx: dict[str, object]) -> None:
    assert ctx["result"].stdout != ctx["first_plain"].stdout  # type: ignore[attr-defined]


@then("the output is the same as the first run's")
def _same_as_first(ctx: dict[str, object]) -> None:
    assert ctx["result"].stdout == ctx["first_plain"].stdout  # type: ignore[attr-defined]
    assert ctx["result"].code == ctx["first_plain"].code  # type: ignore[attr-defined]


@then("damaged entries were found and stored again")
def _rebuilt(cell: CellBuilder, ctx: dict[str, object]) -> None:
    counts = ctx["counts"]
    assert isinstance(counts, dict)
    assert sum(v for (k, w), v in counts.items() if w == "bad") > 0
    assert sum(v for (k, w), v in counts.items() if w == "store") > 0
    before = dict(cache_mod.STATS)
    run_command(str(ctx["command"]), cell.root)
    assert not any(v - before.get(k, 0) for k, v in cache_mod.STATS.items() if k[1] in ("bad", "miss"))


@then("the cache is empty")
def _empty(cell: CellBuilder, ctx: dict[str, object]) -> None:
    assert ctx["result"].code == 0  # type: ignore[attr-defined]
    assert _entries(cell.root) == []


@then("the output was replayed without parsing anything")
def _replayed(ctx: dict[str, object]) -> None:
    counts = ctx["counts"]
    assert isinstance(counts, dict) and counts.get(("replay", "hit"), 0) == 1
    assert not any(n for (kind, _), n in counts.items() if kind in ("feature", "validated", "config"))
    assert ctx["result"].code == 1 and "AC-B0002-999" in ctx["result"].output  # type: ignore[attr-defined]


@then("the output was not replayed")
def _not_replayed(ctx: dict[str, object]) -> None:
    counts = ctx["counts"]
    assert isinstance(counts, dict) and counts.get(("replay", "hit"), 0) == 0 and _parsed(ctx, "feature") == 1
