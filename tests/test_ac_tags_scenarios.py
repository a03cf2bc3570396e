"""Executes features/ac_tags.feature (the ACs of the AC-tags / AC-status story)."""

from __future__ import annotations

import json
import shutil
from typing import Any

from pytest_bdd import given, parsers, scenarios, then

from govcell.cell import Cell
from tests.conftest import CellBuilder, Result, run_command

scenarios("ac_tags.feature")


def _result(ctx: dict[str, object]) -> Result:
    result = ctx["result"]
    assert isinstance(result, Result)
    return result


def _json(ctx: dict[str, object]) -> Any:
    result = _result(ctx)
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError as exc:  # pragma: no cover - shown as the failure
        raise AssertionError(f"not JSON ({exc}):\n{result.output}") from exc


def _lookup(doc: Any, path: str) -> Any:
    here = doc
    for part in path.split("."):
        if isinstance(here, list):
            here = here[int(part)]
        else:
            assert isinstance(here, dict) and part in here, f"no {part!r} in {json.dumps(here)[:500]}"
            here = here[part]
    return here


BAD_FEATURES: dict[str, bytes] = {
    "not Gherkin": b"This is just prose.\nIt has no Feature line.\n",
    "broken after line 3": b"Feature: x\n  Scenario: s\n    Given a\n  Scenario s2\n",
    "in an unknown language": b"# language: xx\nFeature: f\n",
    "empty": b"",
    "binary": b"\x7fELF\x00\x01",
    "invalid UTF-8": b"Feature: caf\xe9\n",
}

BAD_RESULTS: dict[str, str] = {
    "empty": "",
    "truncated JSON": '{"schema": "govcell.results/1", "tests": [{"nodeid": "a", ',
    "JSON of another tool": '{"coverage": 93.5}',
    "XML that is not JUnit": "<html><body>report</body></html>",
    "XML with a DTD": '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa">]><testsuite>&a;</testsuite>',
    "for scenarios that no longer exist": json.dumps({"schema": "govcell.results/1", "tests": [
        {"nodeid": "tests/test_x.py::test_gone", "outcome": "passed", "feature": "features/pay.feature",
         "line": 30, "scenario": "Gone"}]}),
    "naming an AC that is not in the ledger": json.dumps({"schema": "govcell.results/1", "tests": [
        {"nodeid": "tests/test_x.py::test_x", "outcome": "passed", "acs": ["AC-S-777"]}]}),
}


@given(parsers.parse('a feature file "{rel}" that is {content}'))
def _bad_feature(cell: CellBuilder, rel: str, content: str) -> None:
    cell.write(rel, BAD_FEATURES[content])


@given(parsers.parse('the result file "{rel}" is {kind}'))
def _bad_results(cell: CellBuilder, rel: str, kind: str) -> None:
    cell.write(rel, BAD_RESULTS[kind])


@then(parsers.parse('the scenario "{name}" of "{path}" proves "{acs}"'))
def _scenario_proves(cell: CellBuilder, name: str, path: str, acs: str) -> None:
    index = Cell(cell.root).features
    found = [s for s in index.scenarios if s.file == path and s.name == name]
    assert len(found) == 1, [(s.file, s.name) for s in index.scenarios]
    assert found[0].ac_ids == tuple(acs.split()), found[0]


@then(parsers.parse('the tag "{tag}" of "{path}" is on line {line:d}'))
def _tag_line(cell: CellBuilder, tag: str, path: str, line: int) -> None:
    feature = Cell(cell.root).features.file(path)
    assert feature is not None
    assert [r.line for r in feature.tag_refs if r.name == tag] == [line], feature.tag_refs


@then(parsers.parse('the JSON value "{path}" is "{value}"'))
def _json_value(ctx: dict[str, object], path: str, value: str) -> None:
    got = _lookup(_json(ctx), path)
    shown = got if isinstance(got, str) else json.dumps(got)
    assert shown == value, f"{path} = {shown!r}, expected {value!r}"


@then(parsers.parse('the JSON has no key "{key}"'))
def _json_lacks(ctx: dict[str, object], key: str) -> None:
    assert key not in _json(ctx)


@then(parsers.parse('the JSON has the key "{key}"'))
def _json_has(ctx: dict[str, object], key: str) -> None:
    assert key in _json(ctx)


@then("running it again prints the same bytes")
def _same_again(cell: CellBuilder, ctx: dict[str, object]) -> None:
    again = run_command("govcell status --json", cell.root)
    assert again.stdout == _result(ctx).stdout


@then(parsers.parse('the file "{rel}" contains "{text}"'))
def _file_contains(cell: CellBuilder, rel: str, text: str) -> None:
    content = (cell.root / rel).read_text(encoding="utf-8")
    assert text in content, f"{text!r} not in {rel}:\n{content}"


@then(parsers.parse('the file "{rel}" does not contain "{text}"'))
def _file_lacks(cell: CellBuilder, rel: str, text: str) -> None:
    assert text not in (cell.root / rel).read_text(encoding="utf-8")


@then("the report is byte-identical when the cell is copied elsewhere")
def _identical_elsewhere(cell: CellBuilder) -> None:
    other = cell.root.parent / "elsewhere" / "deeper"
    shutil.copytree(cell.root, other)
    (other / "docs/feature_status.md").unlink()
    result = run_command("govcell feature-status", other)
    assert result.code == 1, result.output
    assert (other / "docs/feature_status.md").read_bytes() == (cell.root / "docs/feature_status.md").read_bytes()
