"""Walking the Rego engine's AST (``Engine.get_ast_as_json``): references, variables, spans, rule heads."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

COMPREHENSIONS = ("ArrayCompr", "SetCompr", "ObjectCompr", "Every")

def node(expr: Any) -> tuple[str, dict[str, Any]]:
    """An AST expression as (kind, body): ``{"Var": {...}}`` -> ("Var", {...})."""
    if isinstance(expr, dict) and len(expr) == 1:
        ((kind, body),) = expr.items()
        if isinstance(body, dict):
            return kind, body
    return "", {}


def ref_path(expr: Any) -> tuple[dict[str, Any], list[str]] | None:
    """A reference's root Var and its static path: ``data.lib["x"].y`` -> (data, [data, lib, x, y]).

    The path stops before the first dynamic segment (``input.items[i].name`` -> [input, items]).
    """
    kind, body = node(expr)
    tail: list[str] = []  # outermost segment first
    while kind in ("RefDot", "RefBrack"):
        if kind == "RefDot":
            field = body.get("field")
            tail.append(str(field[1]) if isinstance(field, list) and len(field) == 2 else "")
        else:
            ikind, ibody = node(body.get("index"))
            if ikind == "String":
                tail.append(str(ibody.get("value")))
            else:
                tail = []  # the segments outside this index lie past a dynamic one
        kind, body = node(body.get("refr"))
    if kind != "Var":
        return None
    return body, [body["value"], *reversed(tail)]


def max_refs(tree: Any) -> Iterator[dict[str, Any]]:
    """Every outermost reference (``a.b.c``, not also ``a.b``), outside the names of called functions."""
    if isinstance(tree, list):
        for item in tree:
            yield from max_refs(item)
        return
    if not isinstance(tree, dict):
        return
    kind, body = node(tree)
    if kind in ("RefDot", "RefBrack"):
        yield tree
        while kind in ("RefDot", "RefBrack"):  # only the indexes inside may hold further references
            if kind == "RefBrack":
                yield from max_refs(body.get("index"))
            kind, body = node(body.get("refr"))
        return
    if kind == "Call":
        yield from max_refs(body.get("params"))
        return
    for key, value in (body if kind else tree).items():
        if key != "span" and isinstance(value, (dict, list)):
            yield from max_refs(value)


def variables(expr: Any, *, skip_calls: bool = True) -> Iterator[dict[str, Any]]:
    """Every Var node in an expression, outside comprehensions and not naming a called function."""
    if isinstance(expr, list):
        for item in expr:
            yield from variables(item, skip_calls=skip_calls)
        return
    if not isinstance(expr, dict):
        return
    kind, body = node(expr)
    if kind == "Var":
        yield body
        return
    if kind in COMPREHENSIONS:
        return
    if kind == "Call" and skip_calls:
        yield from variables(body.get("params"), skip_calls=skip_calls)
        return
    if kind == "RefDot":
        yield from variables(body.get("refr"), skip_calls=skip_calls)
        return
    for key, value in (body.items() if kind else expr.items()):
        if key not in ("span", "eidx", "sidx", "qidx", "field"):
            yield from variables(value, skip_calls=skip_calls)


def walk(tree: Any, kinds: tuple[str, ...]) -> dict[str, list[dict[str, Any]]]:
    """Every node of the given kinds (e.g. ``Call``), anywhere, comprehensions included, in one pass."""
    found: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "span":
                    continue  # every node has one: four numbers, never a node
                if isinstance(value, dict):
                    if key in found:
                        found[key].append(value)
                    stack.append(value)
                elif isinstance(value, list):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(x for x in item if isinstance(x, (dict, list)))
    return found


def span_of(node: dict[str, Any]) -> tuple[int, int]:
    span = node.get("span") or node
    return int(span.get("line", 0)), int(span.get("col", 0))


@dataclasses.dataclass
class Source:
    """What the checks need of one parsed file."""

    path: str
    text: str
    package: str  # "data.main"
    module: dict[str, Any]  # the engine's AST of the file: {"package", "imports", "rules"}

    def slice(self, span: dict[str, Any]) -> str:
        data = self.text.encode("utf-8")
        return data[int(span.get("start", 0)): int(span.get("end", 0))].decode("utf-8", "replace")


@dataclasses.dataclass
class RuleDef:
    source: Source
    name: str  # first segment of the head reference
    path: tuple[str, ...]  # the whole static head path, package included
    kind: str  # default | func | value
    shape: str  # complete | set | object | func | ref (a head with a dotted path: a.b.c := 1)
    arity: int
    line: int
    col: int
    end_line: int


def head_ref(head: dict[str, Any]) -> list[str]:
    found = ref_path(head.get("refr"))
    return found[1] if found else []
