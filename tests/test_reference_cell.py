"""The Rust template govcell descends from, as its users have it: loaded whole, and broken one key at a time.

The cell is unpacked from ``../shared/reference-cells/`` into a temporary directory
(never committed here).  The mutation test is generated from the cell itself: for
every distinct key at every level of every spec file, it removes the key, gives it
a value of the wrong type, and misspells it, and checks that each gives located
findings while everything else still loads.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from govcell.cell import Cell
from govcell.derive.analysis import Analysis
from govcell.checks import run
from govcell.load.validate import Loaded, validate
from govcell.load.yamlio import load_yaml

FORMAT_SUFFIXES = (".type", ".missing-field", ".unknown-key")
SPEC_FILES = {
    "ledger": ("specs/spec_ledger.yaml", "govcell.formats.ledger", "Ledger"),
    "tasks": ("specs/tasks.yaml", "govcell.formats.tasks", "TasksFile"),
    "flows": ("specs/devex_flows.yaml", "govcell.formats.flows", "FlowsFile"),
    "contextpack": (".llm/contextpack.yaml", "govcell.formats.contextpack", "ContextPack"),
    "docindex": ("specs/doc_index.yaml", "govcell.formats.docindex", "DocIndex"),
}


def test_the_reference_cell_loads_with_no_format_error(reference_cell: Path) -> None:
    cell = Cell(reference_cell)
    found = run(Analysis(cell))
    format_errors = [d for d in found if d.code.split(".")[0] in SPEC_FILES and d.code.endswith(FORMAT_SUFFIXES)]
    assert format_errors == []
    from govcell.report.status import status_document

    doc = status_document(Analysis(cell))
    assert doc["counts"] == {"stories": 5, "requirements": 55, "acs": 134, "feature_files": 25, "scenarios": 288,
                             "tasks": 38}
    assert doc["scenarios"]["orphaned"] == 0
    assert doc["unreadable"] == [] and doc["invalid_items"] == {}


def test_the_template_links_are_graph_edges(reference_cell: Path) -> None:
    """recommended_flows, doc IDs, workflow files and documented_in resolve (or are findings)."""
    graph = Analysis(Cell(reference_cell)).graph
    edges = {(graph.store.nodes[u]["kind"], d["type"], graph.store.nodes[v]["kind"])
             for u, v, d in graph.store.edges()}
    assert {("task", "follows", "flow"), ("doc", "documents", "task"), ("requirement", "enforced_by", "workflow"),
            ("test", "runs_in", "workflow"), ("doc", "documents", "flow"), ("doc", "documents", "requirement"),
            ("doc", "documents", "ac")} <= edges


def test_one_broken_ac_hides_nothing_else(reference_cell: Path, tmp_path: Path) -> None:
    root = tmp_path / "cell"
    shutil.copytree(reference_cell, root, symlinks=True)
    ledger = root / "specs/spec_ledger.yaml"
    text = ledger.read_text()
    target = '            text: "GET /health returns 200'
    assert target in text
    ledger.write_text(text.replace(target, '            text: {broken: "GET /health returns 200', 1)
                      .replace("status 'ok' when service is healthy\"", "status 'ok' when service is healthy\"}", 1))
    cell = Cell(root)
    assert cell.ledger.model is not None
    assert len(list(cell.ledger.model.iter_acs())) == 133
    ledger_findings = [d for d in cell.ledger.diagnostics if d.severity.value == "error"]
    assert [d.code for d in ledger_findings] == ["ledger.type"]
    assert [(i.kind, i.ident) for i in cell.ledger.invalid] == [("acceptance criterion", "AC-TPL-001")]
    assert len(cell.ledger.model.stories) == 5


# ----------------------------------------------------------------------------- generated mutations


def _mutations(root: Path) -> list[tuple[str, tuple[Any, ...], str]]:
    """(file kind, path of a key, mutation) for the first occurrence of every distinct key at every level."""
    cases: list[tuple[str, tuple[Any, ...], str]] = []
    for kind, (rel, _, _) in SPEC_FILES.items():
        data = yaml.safe_load((root / rel).read_text())
        seen: set[tuple[Any, ...]] = set()
        for path in _key_paths(data, ()):
            if not _is_format_key(kind, path):
                continue  # names of commands/flows/bundles, extension fields, free-form mappings
            shape = tuple("#" if isinstance(p, int) else ("*" if _in_map_of_items(kind, path, i) else p)
                          for i, p in enumerate(path))
            if shape in seen:
                continue
            seen.add(shape)
            cases.extend((kind, path, m) for m in ("remove", "retype", "misspell"))
    return cases


def _is_format_key(kind: str, path: tuple[Any, ...]) -> bool:
    """Whether the last key of ``path`` is a field the format defines (walking the model's shapes)."""
    import importlib

    from govcell.load.shapes import shape_of

    _, module, cls = SPEC_FILES[kind]
    shape = shape_of(getattr(importlib.import_module(module), cls))
    i = 0
    while i < len(path):
        name = shape.known.get(path[i]) if isinstance(path[i], str) else None
        if name is None:
            return False
        if i == len(path) - 1:
            return True
        if name in shape.one:
            shape, i = shape.one[name], i + 1
        elif name in shape.items or name in shape.entries:
            if i + 2 == len(path):
                return False  # a list index or an item's name, not a key of the format
            shape, i = (shape.items.get(name) or shape.entries[name]), i + 2
        else:
            return False
    return False


def _in_map_of_items(kind: str, path: tuple[Any, ...], i: int) -> bool:
    """Names of commands, flows and bundles are map keys, not format keys."""
    return i == 1 and ((kind == "flows" and path[0] in ("commands", "flows")) or (kind == "contextpack"
                                                                                 and path[0] == "tasks"))


def _key_paths(node: Any, path: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    if isinstance(node, dict):
        for k, v in node.items():
            out.append(path + (k,))
            out.extend(_key_paths(v, path + (k,)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_key_paths(v, path + (i,)))
    return out


def _misspell(key: str) -> str:
    return key[:-2] + key[-1] + key[-2] if len(key) > 3 else key + "x"


def _mutate(data: Any, path: tuple[Any, ...], how: str) -> Any:
    parent = data
    for p in path[:-1]:
        parent = parent[p]
    key = path[-1]
    if how == "remove":
        del parent[key]
    elif how == "retype":  # a mapping where a scalar or list is meant, a list of mappings for a mapping
        parent[key] = [{"wrong": ["type"]}] if isinstance(parent[key], dict) else {"wrong": ["type"]}
    else:
        parent[_misspell(str(key))] = parent.pop(key)
    return data


def _items(loaded: Loaded[Any]) -> set[tuple[Any, ...]]:
    """The file path of every model that loaded."""
    from pydantic import BaseModel

    out: set[tuple[Any, ...]] = set()

    def walk(value: Any) -> None:
        if isinstance(value, BaseModel):
            out.add(value.loc)
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)

    walk(loaded.model)
    return out


#: libyaml's loader and dumper: each file is read once and each mutation written with C speed (34 s -> 4 s).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@pytest.mark.slow
def test_every_key_removed_retyped_or_misspelt(reference_cell: Path, tmp_path: Path) -> None:
    """Located findings, the rest of the file loads, no exception: for every key of every spec file."""
    import importlib

    baseline: dict[str, set[tuple[Any, ...]]] = {}
    failures: list[str] = []
    cases = _mutations(reference_cell)
    assert len(cases) > 150
    originals: dict[str, Any] = {}
    for kind, path, how in cases:
        rel, module, cls = SPEC_FILES[kind]
        model = getattr(importlib.import_module(module), cls)
        if kind not in baseline:
            originals[kind] = yaml.load((reference_cell / rel).read_text(), Loader=_LOADER)
            baseline[kind] = _items(validate(model, load_yaml(reference_cell, rel), kind))
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        mutated = _mutate(copy.deepcopy(originals[kind]), path, how)
        target.write_text(yaml.dump(mutated, Dumper=_DUMPER, sort_keys=False, allow_unicode=True))
        loaded = validate(model, load_yaml(tmp_path, rel), kind)
        label = f"{kind} {how} {'.'.join(map(str, path))}"
        if loaded.model is None:
            if len(path) > 1 or how != "retype":
                failures.append(f"{label}: the whole file was dropped")
            continue
        lost = baseline[kind] - _items(loaded)
        item = _owner(path)
        if any(loc[: len(item)] != item for loc in lost):
            failures.append(f"{label}: lost items beyond {item}: {sorted(lost, key=str)[:3]}")
        errors = [d for d in loaded.diagnostics if d.severity.value == "error"]
        if how == "misspell" and not [d for d in errors if d.code == f"{kind}.unknown-key"]:
            failures.append(f"{label}: a misspelt key gave no {kind}.unknown-key")
        if how == "retype" and not errors and not _accepts_anything(path):
            failures.append(f"{label}: a retyped value gave no error")
        if any(d.line < 1 for d in errors):
            failures.append(f"{label}: a finding without a line")
    assert failures == [], "\n".join(failures)


def _owner(path: tuple[Any, ...]) -> tuple[Any, ...]:
    """The item a key belongs to: the path up to its last list index (or map-of-items key)."""
    for i in range(len(path) - 1, 0, -1):
        if isinstance(path[i], int):
            return path[: i + 1]
    if len(path) >= 3 and path[0] in ("commands", "flows", "tasks"):
        return path[:2]
    return path[:1] if len(path) > 1 else ()


def _accepts_anything(path: tuple[Any, ...]) -> bool:
    """Free-form fields (``metadata`` of tasks/flows/doc index) and extension fields take any value."""
    return (path[0] == "metadata" and len(path) > 1) or path[-1] in ("args",)
