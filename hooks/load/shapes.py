"""What ``govcell.load.validate`` knows of a model: its shape, its unknown keys, and the words of its findings.

A ``Shape`` is the tree of a pydantic model's fields that hold other models
(one, a list of them, a mapping of them), computed once per model; the key
report turns unknown keys into near-miss errors or extension-key notes; the
wording helpers name a place (``stories[2].title``) and a value in a finding.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import types
import typing
from typing import Any

from pydantic import BaseModel

from govcell.diagnostics import Diagnostic, Severity, diag, did_you_mean
from govcell.formats.base import LOC_KEY
from govcell.load.yamlio import LoadedYaml

#: How close an unknown key must be to a known one to be taken for a typo of it.
NEAR_MISS = 0.8


@dataclasses.dataclass
class Shape:
    """What the loader needs to know of a model: its keys, and which hold items."""

    model: type[BaseModel]
    label: str
    known: dict[str, str]  #: key as written (name or alias) -> field name
    required: frozenset[str]  #: fields whose error invalidates the item (required or essential)
    strict: bool
    one: dict[str, Shape] = dataclasses.field(default_factory=dict)  #: field -> model held directly
    items: dict[str, Shape] = dataclasses.field(default_factory=dict)  #: field -> model of list elements
    entries: dict[str, Shape] = dataclasses.field(default_factory=dict)  #: field -> model of dict values
    scalar_lists: frozenset[str] = frozenset()


@functools.cache
def shape_of(model_cls: type[BaseModel]) -> Shape:
    """The (cached) shape of ``model_cls`` and of every model inside it."""
    label = getattr(model_cls, "item_label", None) or model_cls.__name__
    shape = Shape(model_cls, str(label), {}, frozenset(), model_cls.model_config.get("extra") == "forbid")
    required: set[str] = set()
    scalar_lists: set[str] = set()
    for name, field in model_cls.model_fields.items():
        shape.known[name] = name
        if field.alias:
            shape.known[field.alias] = name
        extra = field.json_schema_extra
        if field.is_required() or (isinstance(extra, dict) and extra.get("x-govcell-essential")):
            required.add(name)  # an error here invalidates the item, not just the field
        for kind, inner in _containers(field.annotation):
            if kind == "one":
                shape.one[name] = shape_of(inner)
            elif kind == "list":
                shape.items[name] = shape_of(inner)
            elif kind == "dict":
                shape.entries[name] = shape_of(inner)
            elif kind == "scalars":
                scalar_lists.add(name)
    shape.required = frozenset(required)
    shape.scalar_lists = frozenset(scalar_lists)
    return shape


def _containers(annotation: Any) -> list[tuple[str, Any]]:
    """How a field holds models: directly, as list elements, as dict values, or a list of scalars."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _containers(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        out: list[tuple[str, Any]] = []
        for arg in typing.get_args(annotation):
            out.extend(_containers(arg))
        return out
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [("one", annotation)]
    if origin is list:
        (inner,) = typing.get_args(annotation) or (Any,)
        models = [t for t in _flat(inner) if isinstance(t, type) and issubclass(t, BaseModel)]
        return [("list", models[0])] if models else [("scalars", None)]
    if origin is dict:
        args = typing.get_args(annotation)
        models = [t for t in _flat(args[1]) if isinstance(t, type) and issubclass(t, BaseModel)] if args else []
        return [("dict", models[0])] if models else []
    return []


def _flat(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _flat(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _flat(arg)]
    return [annotation]


# ----------------------------------------------------------------------------- unknown keys


class KeyReport:
    """Unknown keys found while preparing the data: typos now, extensions once per key."""

    def __init__(self, loaded: LoadedYaml, prefix: str) -> None:
        self.loaded = loaded
        self.prefix = prefix
        self.typos: list[Diagnostic] = []
        self.extensions: dict[tuple[str, str], list[tuple[Any, ...]]] = {}

    def unknown(self, shape: Shape, key: str, loc: tuple[Any, ...]) -> bool:
        """Record ``key`` found at ``loc``; True when it is an error (dropped before validation)."""
        meant = _near_miss(key, shape.known)
        where = dotted(loc) or "top level"
        line, col = self.loaded.position(loc + (key,), key=True)
        if meant or shape.strict:
            allowed = sorted(k for k, n in shape.known.items() if k == n)
            hint = f"did you mean '{meant}'?" if meant else (did_you_mean(key, allowed)
                                                          or f"allowed keys: {', '.join(allowed)}")
            self.typos.append(diag(f"{self.prefix}.unknown-key", f"unknown key '{key}' at {where}",
                                   self.loaded.path, line, col, hint=hint))
            return True
        self.extensions.setdefault((shape.label, key), []).append(loc + (key,))
        return False

    def findings(self) -> list[Diagnostic]:
        out = list(self.typos)
        for (label, key), locs in self.extensions.items():
            line, col = self.loaded.position(locs[0], key=True)
            more = f" ({len(locs)} places)" if len(locs) > 1 else ""
            out.append(diag(f"{self.prefix}.extension-key",
                            f"key '{key}' of {_article(label)} is not part of the format; kept as an extension "
                            f"field{more}", self.loaded.path, line, col, severity=Severity.INFO,
                            hint=f"extension fields are shown on the site and given to policies; if '{key}' is a "
                                 f"mistake, remove it (set severity {self.prefix}.extension-key: error to refuse "
                                 "extensions)"))
        return out


def _near_miss(key: str, known: dict[str, str]) -> str:
    """The known key ``key`` is most likely a typo of, or ""."""
    if not isinstance(key, str):
        return ""
    norm = key.lower().replace("-", "_")
    for k in known:
        if k.lower().replace("-", "_") == norm and k != key:
            return k
    if len(norm) >= 3:  # one letter off, or two swapped: `tasg`, `tyep`
        close = sorted(k for k in known if _one_edit(norm, k.lower()))
        if close:
            return close[0]
    match = difflib.get_close_matches(key, list(known), n=1, cutoff=NEAR_MISS)
    return match[0] if match else ""


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one insertion, deletion, substitution or swap of neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                   and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = next((i for i in range(len(short)) if short[i] != long_[i]), len(short))
    return short[i:] == long_[i + 1:]


def _article(label: str) -> str:
    return ("an " if label[:1].lower() in "aeiou" else "a ") + label


def dotted(loc: tuple[Any, ...]) -> str:
    s = ""
    for part in loc:
        s += f"[{part}]" if isinstance(part, int) else (f".{part}" if s else str(part))
    return s


def kind_of(value: Any) -> str:
    return {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


def short(value: Any) -> str:
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if k != LOC_KEY}
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def shape_at(shape: Shape | None, loc: tuple[Any, ...]) -> Shape | None:
    """The shape of the mapping at ``loc`` (list indexes and dict keys of items step into them)."""
    i = 0
    while shape is not None and i < len(loc):
        name = shape.known.get(loc[i]) if isinstance(loc[i], str) else None
        if name in shape.one:
            shape, i = shape.one[name], i + 1
        elif name in shape.items or name in shape.entries:
            shape, i = (shape.items.get(name) or shape.entries[name]), i + 2
        else:
            return None
    return shape


def type_hint(model_cls: type[BaseModel], loc: tuple[Any, ...]) -> str:
    shape = shape_at(shape_of(model_cls), loc[:-1]) if loc else None
    name = shape.known.get(loc[-1]) if shape and isinstance(loc[-1], str) else None
    if shape and name:
        field = shape.model.model_fields[name]
        if field.description:
            return f"{loc[-1]}: {field.description}"
    return "see the JSON Schema (`govcell schema`) for the expected type"
