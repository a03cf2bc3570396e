"""Validate located YAML against a pydantic model, item by item, and map errors back to lines.

Three rules make real files load as they are (docs/formats.md):

* **Unknown keys.**  A key that is a near miss of a known one (``titel``: same
  after folding case and ``-``/``_``, one letter off or two swapped, or a
  similarity ratio of at least ``NEAR_MISS``) is an
  error with "did you mean" (``<prefix>.unknown-key``); any other unknown key of
  a cell format is kept as an extension field and reported once per key and kind
  of item at info level (``<prefix>.extension-key``, which a cell may raise).
  In govcell's own configuration every unknown key is an error.
* **Partial loading.**  An error invalidates the smallest thing it belongs to:
  one element of a list of strings, one optional field (its default applies), or
  else the whole item (story, requirement, AC, test mapping, task, command, flow,
  bundle) that holds it.  Everything else loads, and ``Loaded.invalid`` lists what
  was dropped, with its findings.
* **Positions.**  Pydantic reports errors by ``loc``; the YAML loader recorded the
  position of every path, and each validated item remembers its own path
  (``model.loc``), so findings and everything derived later point at the line
  where a thing was written even after invalid siblings were dropped.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from govcell.diagnostics import Diagnostic, Severity, diag
from govcell.formats.base import LOC_KEY
from govcell.load.shapes import KeyReport, Shape, dotted, kind_of, shape_of, short, type_hint
from govcell.load.yamlio import LoadedYaml

M = TypeVar("M", bound=BaseModel)

#: Pruning rounds: pydantic reports every field error at once, but a model-level
#: rule only runs once its fields are valid, so a second round can find more.
_MAX_ROUNDS = 6


@dataclasses.dataclass(frozen=True)
class InvalidItem:
    """An item the loader dropped (or a field it reset), and why."""

    kind: str  #: e.g. "acceptance criterion", "task", "field"
    ident: str  #: the item's ``id`` (or key) as written, "" when it has none
    loc: tuple[Any, ...]
    line: int
    col: int
    codes: tuple[str, ...]
    messages: tuple[str, ...]


@dataclasses.dataclass
class Loaded(Generic[M]):
    """A file of the cell: its located raw data, its model (what loaded) and findings.

    ``model`` is None only when the file is absent or could not be read as a
    mapping at all (``unreadable``); otherwise it holds every valid item.
    """

    raw: LoadedYaml
    model: M | None
    diagnostics: list[Diagnostic]
    invalid: list[InvalidItem] = dataclasses.field(default_factory=list)

    @property
    def path(self) -> str:
        return self.raw.path

    @property
    def present(self) -> bool:
        return self.raw.present

    @property
    def unreadable(self) -> bool:
        """Present but not loadable at all: every check that needs it must say so."""
        return self.raw.present and self.model is None

    def causes(self) -> list[Diagnostic]:
        """The error findings that made the file unreadable (reported by each dependent check)."""
        if not self.unreadable:
            return []
        errors = [d for d in self.diagnostics if d.severity is Severity.ERROR]
        return errors or [diag("file.unreadable", f"{self.path} could not be read", self.path, 1, 1)]


def validate(model_cls: type[M], loaded: LoadedYaml, prefix: str, *, empty_ok: bool = False) -> Loaded[M]:
    """Validate ``loaded`` with ``model_cls``; every problem is a ``prefix.*`` finding."""
    found = list(loaded.diagnostics)
    if not loaded.present:
        return Loaded(loaded, None, found)
    if any(d.severity.value == "error" for d in found) and loaded.data is None:
        return Loaded(loaded, None, found)
    data = loaded.data
    if data is None:
        if empty_ok:
            data = {}
        else:
            found.append(diag(f"{prefix}.empty", f"{loaded.path} is empty", loaded.path, 1, 1,
                              hint="see `govcell schema " + prefix + "` for the expected shape"))
            return Loaded(loaded, None, found)
    if not isinstance(data, dict):
        line, col = loaded.position(())
        found.append(diag(f"{prefix}.type", f"{loaded.path} must hold a mapping at the top level, "
                          f"not {kind_of(data)}", loaded.path, line, col))
        return Loaded(loaded, None, found)
    shape = shape_of(model_cls)
    keys = KeyReport(loaded, prefix)
    work = _prepare(shape, data, (), keys)
    found.extend(keys.findings())
    invalid: list[InvalidItem] = []
    seen: set[tuple[str, int, int, str]] = set()
    for _ in range(_MAX_ROUNDS):
        try:
            model = model_cls.model_validate(work)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            targets: dict[tuple[Any, ...], _Target] = {}
            for err in errors:
                loc = _data_loc(err["loc"], work)
                finding = _finding(err, loc, work, model_cls, loaded, prefix)
                sig = (finding.code, finding.line, finding.col, finding.message)
                if sig not in seen:
                    seen.add(sig)
                    found.append(finding)
                target = _target(shape, work, loc)
                if target is None:  # nothing smaller than the file holds it
                    return Loaded(loaded, None, found, invalid)
                targets.setdefault(target.loc, target).findings.append(finding)
            invalid.extend(_prune(work, targets, loaded))
            continue
        return Loaded(loaded, model, found, invalid)
    return Loaded(loaded, None, found, invalid)


# ----------------------------------------------------------------------------- preparing


def _prepare(shape: Shape, data: dict[Any, Any], loc: tuple[Any, ...], keys: KeyReport) -> dict[Any, Any]:
    """A copy of ``data`` for validation: typos out, item paths in, containers copied for pruning."""
    out: dict[Any, Any] = {} if shape.strict else {LOC_KEY: loc}
    known = shape.known
    for key, value in data.items():
        name = known.get(key) if isinstance(key, str) else None
        if name is None:
            if keys.unknown(shape, str(key), loc):
                continue
        elif isinstance(value, dict):
            if name in shape.one:
                value = _prepare(shape.one[name], value, loc + (key,), keys)
            elif name in shape.entries:
                child, here = shape.entries[name], loc + (key,)
                value = {k: _prepare(child, v, here + (k,), keys) if isinstance(v, dict) else v
                         for k, v in value.items()}
        elif isinstance(value, list):
            if name in shape.items:
                child, here = shape.items[name], loc + (key,)
                value = [_prepare(child, v, here + (i,), keys) if isinstance(v, dict) else v
                         for i, v in enumerate(value)]
            else:
                value = list(value)
        out[key] = value
    return out


# ----------------------------------------------------------------------------- errors


def _data_loc(loc: tuple[Any, ...], work: Any) -> tuple[Any, ...]:
    """Drop pydantic's union-branch labels (``'str'``, ``'list[str]'``) from a loc.

    A part is kept when it names a key or index that exists in the data; the last
    part is kept in any case (a missing field names a key that is not there).
    """
    out: list[Any] = []
    node = work
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif i == len(loc) - 1 and not _is_label(part):
            out.append(part)
    return tuple(out)


def _is_label(part: Any) -> bool:
    return isinstance(part, str) and ("[" in part or part in _UNION_LABELS or part.startswith("function-"))


_UNION_LABELS = {"str", "int", "float", "bool", "list", "dict", "none", "literal", "constrained-str"}


def _source_loc(work: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The path in the *file* of ``loc`` in the working copy (indices shift as items are dropped)."""
    best: tuple[Any, ...] = ()
    rest: list[Any] = []
    node = work
    for part in loc:
        if isinstance(node, dict) and LOC_KEY in node:
            best, rest = tuple(node[LOC_KEY]), []
        rest.append(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    if isinstance(node, dict) and LOC_KEY in node:
        return tuple(node[LOC_KEY])
    if not best and not isinstance(work, dict):
        return tuple(loc)
    return best + tuple(rest) if best or rest else tuple(loc)


def _finding(err: Any, loc: tuple[Any, ...], work: Any, model_cls: type[BaseModel], loaded: LoadedYaml,
             prefix: str) -> Diagnostic:
    src = _source_loc(work, loc)
    etype = err["type"]
    if etype == "missing":
        line, col = loaded.position(src[:-1])
        return diag(f"{prefix}.missing-field", f"missing required field '{src[-1]}' at "
                    f"{dotted(src[:-1]) or 'top level'}", loaded.path, line, col, hint=f"add '{src[-1]}'")
    if etype == "extra_forbidden":  # only reachable for keys the preparation could not see
        line, col = loaded.position(src, key=True)
        return diag(f"{prefix}.unknown-key", f"unknown key '{src[-1] if src else '?'}' at "
                    f"{dotted(src[:-1]) or 'top level'}", loaded.path, line, col)
    line, col = loaded.position(src)
    return diag(f"{prefix}.type", f"{dotted(src) or 'top level'}: {err['msg']} (got {short(err.get('input'))})",
                loaded.path, line, col, hint=type_hint(model_cls, loc))


# ----------------------------------------------------------------------------- pruning


@dataclasses.dataclass
class _Target:
    """The smallest thing that holds an error: an item, an optional field or a list element."""

    loc: tuple[Any, ...]
    kind: str
    findings: list[Diagnostic] = dataclasses.field(default_factory=list)


def _target(shape: Shape, work: Any, loc: tuple[Any, ...]) -> _Target | None:
    """Walk ``loc`` down the shapes; the deepest droppable point wins."""
    best: _Target | None = None
    node = work
    current: Shape | None = shape
    i = 0
    while i < len(loc) and current is not None and isinstance(node, dict):
        part = loc[i]
        name = current.known.get(part) if isinstance(part, str) else None
        if name is None:
            break
        if name not in current.required:
            best = _Target(loc[: i + 1], "field")
        value = node.get(part)
        nxt: Shape | None = None
        if name in current.one and isinstance(value, dict):
            nxt, node, i = current.one[name], value, i + 1
        elif name in current.items and isinstance(value, list) and i + 1 < len(loc):
            best = _Target(loc[: i + 2], current.items[name].label)
            idx = loc[i + 1]
            value = value[idx] if isinstance(idx, int) and 0 <= idx < len(value) else None
            nxt, node, i = current.items[name], value, i + 2
        elif name in current.entries and isinstance(value, dict) and i + 1 < len(loc):
            best = _Target(loc[: i + 2], current.entries[name].label)
            nxt, node, i = current.entries[name], value.get(loc[i + 1]), i + 2
        elif name in current.scalar_lists and isinstance(value, list) and i + 1 < len(loc) \
                and isinstance(loc[i + 1], int):
            best = _Target(loc[: i + 2], "list element")
            break
        else:
            break
        current = nxt
    return best


def _prune(work: dict[Any, Any], targets: dict[tuple[Any, ...], _Target], loaded: LoadedYaml) -> list[InvalidItem]:
    """Remove every target from ``work`` (deepest and last first); describe what went."""
    chosen = [t for t in targets.values()
              if not any(other != t.loc and t.loc[: len(other)] == other for other in targets)]
    described: list[InvalidItem] = []
    parents: dict[tuple[Any, ...], Any] = {}
    for t in chosen:
        parent = _get(work, t.loc[:-1])
        value = _get(work, t.loc)
        src = _source_loc(work, t.loc)
        ident = value.get("id") if isinstance(value, dict) else None
        if ident is None and t.kind not in ("field", "list element") and isinstance(t.loc[-1], str):
            ident = t.loc[-1]
        line, col = loaded.position(src, key=t.kind == "field")
        described.append(InvalidItem(t.kind, "" if ident is None else str(ident), src, line, col,
                                     tuple(f.code for f in t.findings), tuple(f.message for f in t.findings)))
        parents[t.loc] = parent
    for t in sorted(chosen, key=lambda t: _sort_key(t.loc), reverse=True):
        parent = parents[t.loc]
        last = t.loc[-1]
        if isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
            del parent[last]
        elif isinstance(parent, dict):
            parent.pop(last, None)
    described.sort(key=lambda d: (d.line, d.col))
    return described


def _get(node: Any, loc: tuple[Any, ...]) -> Any:
    for part in loc:
        node = node[part]
    return node


def _sort_key(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in loc)


