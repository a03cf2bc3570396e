"""Executes features/located_yaml.feature (the C builder of located YAML, AC-PERF-010)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from tests.conftest import CellBuilder
from tests.test_cache import _cell, _edit
from tests.test_yaml_events import compiled

from govcell.load.yaml_events import from_events
from govcell.load.yaml_loader import fast_loader

pytestmark = pytest.mark.skipif(not compiled, reason="the C builder is not installed (no compiler or libyaml headers)")

scenarios("located_yaml.feature")

LEDGER = "specs/spec_ledger.yaml"


@given(parsers.parse("a synthetic cell of {stories:d} stories in git whose ledger misspells a key"),
       target_fixture="cell")
def _misspelled(cell: CellBuilder, stories: int) -> CellBuilder:
    _cell(cell.root, stories)
    _edit(cell.root, LEDGER, "title:", "titel:")
    text = (cell.root / LEDGER).read_text(encoding="utf-8")
    # the ledger is plain YAML: the C builder, not the composer, reads it when the command runs
    assert from_events(text, fast_loader(), compiled=True) is not None
    return cell


def _installed(root: Path, command: str, **env: str) -> subprocess.CompletedProcess[str]:
    script, *args = command.split()
    environ = {k: v for k, v in os.environ.items() if k not in ("GOVCELL_PURE_YAML", "GOVCELL_CACHE_DIR")}
    return subprocess.run([str(Path(sys.executable).parent / script), *args], cwd=root, capture_output=True,
                          text=True, timeout=120, check=False, env={**environ, "GOVCELL_NO_CACHE": "1", **env})


@when(parsers.parse('I run the installed "{command}" with the cache off'))
def _c_builder(cell: CellBuilder, ctx: dict[str, object], command: str) -> None:
    ctx["c"] = _installed(cell.root, command)


@when(parsers.parse('I run the installed "{command}" with the cache off and GOVCELL_PURE_YAML=1'))
def _python_builder(cell: CellBuilder, ctx: dict[str, object], command: str) -> None:
    ctx["python"] = _installed(cell.root, command, GOVCELL_PURE_YAML="1")


@then(parsers.parse("both runs print the same bytes and exit {code:d}"))
def _same(ctx: dict[str, object], code: int) -> None:
    c, py = ctx["c"], ctx["python"]
    assert isinstance(c, subprocess.CompletedProcess) and isinstance(py, subprocess.CompletedProcess)
    assert "Traceback" not in c.stderr + py.stderr
    assert (c.stdout, c.returncode) == (py.stdout, py.returncode)
    assert c.returncode == code, c.stdout + c.stderr


@then("the output names the misspelled key at its line in the ledger")
def _located(cell: CellBuilder, ctx: dict[str, object]) -> None:
    c = ctx["c"]
    assert isinstance(c, subprocess.CompletedProcess)
    lines = (cell.root / LEDGER).read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "titel:" in text)
    found = json.loads(c.stdout)
    findings = found["findings"] if isinstance(found, dict) else found
    assert any(f["path"] == LEDGER and f["line"] == line and "titel" in f["message"] for f in findings), c.stdout
