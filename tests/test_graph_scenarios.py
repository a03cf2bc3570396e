"""Executes features/graph.feature."""

from __future__ import annotations

import json

from pytest_bdd import given, parsers, scenarios, then

from tests.conftest import CellBuilder, Result

scenarios("graph.feature")


def _graph(ctx: dict[str, object]) -> dict[str, list[dict[str, object]]]:
    result = ctx["result"]
    assert isinstance(result, Result)
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@then(parsers.parse('the graph JSON has schema "{schema}"'))
def _schema(ctx: dict[str, object], schema: str) -> None:
    assert _graph(ctx)["schema"] == schema


@then(parsers.parse('the graph JSON has a "{kind}" node "{ident}" at "{file}" line {line:d}'))
def _node(ctx: dict[str, object], kind: str, ident: str, file: str, line: int) -> None:
    nodes = {n["key"]: n for n in _graph(ctx)["nodes"]}
    node = nodes[f"{kind}:{ident}"]
    assert (node["kind"], node["id"], node["file"], node["line"]) == (kind, ident, file, line), node


@then(parsers.parse('the graph JSON has a "{etype}" edge from "{source}" to "{target}"'))
def _edge(ctx: dict[str, object], etype: str, source: str, target: str) -> None:
    assert {"source": source, "target": target, "type": etype} in _graph(ctx)["edges"]


@given(parsers.parse('the ledger story "{story}" references ADR "{adr}"'))
def _story_adr(cell: CellBuilder, story: str, adr: str) -> None:
    path = cell.root / "specs/spec_ledger.yaml"
    text = path.read_text()
    marker = f"  - id: {story}\n"
    assert marker in text
    path.write_text(text.replace(marker, marker + f"    adr: {adr}\n"))
