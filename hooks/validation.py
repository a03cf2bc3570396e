"""Validate located YAML against a pydantic model and map errors back to lines.

Pydantic reports errors by ``loc`` (a path of keys and indexes); the YAML
loader recorded the position of every path, so each error becomes a finding at
the line of the offending value (or key, for unknown keys).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from hooks.diagnostics import Diagnostic, diag, did_you_mean
from hooks.yamlio import LoadedYaml

M = TypeVar("M", bound=BaseModel)


@dataclasses.dataclass
class Loaded(Generic[M]):
    """A file of the cell: its located raw data, its model (if valid) and findings."""

    raw: LoadedYaml
    model: M | None
    diagnostics: list[Diagnostic]

    @property
    def path(self) -> str:
        return self.raw.path

    @property
    def present(self) -> bool:
        return self.raw.present


def validate(model_cls: type[M], loaded: LoadedYaml, prefix: str, *, empty_ok: bool = False) -> Loaded[M]:
    """Validate ``loaded`` with ``model_cls``; every error is a ``prefix.*`` finding."""
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
                          f"not {_kind(data)}", loaded.path, line, col))
        return Loaded(loaded, None, found)
    try:
        model = model_cls.model_validate(data)
    except ValidationError as exc:
        found.extend(map_errors(exc, model_cls, loaded, prefix))
        return Loaded(loaded, None, found)
    return Loaded(loaded, model, found)


def map_errors(exc: ValidationError, model_cls: type[BaseModel], loaded: LoadedYaml, prefix: str) -> list[Diagnostic]:
    """Turn pydantic errors into findings at the YAML position of each ``loc``."""
    out: list[Diagnostic] = []
    for err in exc.errors(include_url=False):
        loc = _data_loc(err["loc"], loaded)
        dotted = _dotted(loc)
        etype = err["type"]
        if etype == "extra_forbidden":
            key = str(loc[-1]) if loc else "?"
            parent = _model_at(model_cls, loc[:-1])
            allowed = sorted(parent.model_fields) if parent else []
            hint = did_you_mean(key, allowed) or (f"allowed keys: {', '.join(allowed)}" if allowed else "")
            line, col = loaded.position(loc, key=True)
            out.append(diag(f"{prefix}.unknown-key", f"unknown key '{key}' at {_dotted(loc[:-1]) or 'top level'}",
                            loaded.path, line, col, hint=hint))
        elif etype == "missing":
            line, col = loaded.position(loc[:-1])
            out.append(diag(f"{prefix}.missing-field", f"missing required field '{loc[-1]}' at {_dotted(loc[:-1]) or 'top level'}",
                            loaded.path, line, col, hint=f"add '{loc[-1]}'"))
        else:
            line, col = loaded.position(loc)
            got = err.get("input")
            shown = _short(got)
            out.append(diag(f"{prefix}.type", f"{dotted or 'top level'}: {err['msg']} (got {shown})",
                            loaded.path, line, col, hint=_type_hint(model_cls, loc)))
    return out


def _data_loc(loc: tuple[Any, ...], loaded: LoadedYaml) -> tuple[Any, ...]:
    """Drop pydantic's union-branch labels (``'str'``, ``'list[str]'``) from a loc."""
    out: list[Any] = []
    for part in loc:
        candidate = tuple(out) + (part,)
        if candidate in loaded.marks or candidate in loaded.key_marks or isinstance(part, int):
            out.append(part)
        elif not out or tuple(out) in loaded.marks:
            # could be a missing or extra key (not in marks) or a union label
            if isinstance(part, str) and ("[" in part or part in _UNION_LABELS or part.startswith("function-")):
                continue
            out.append(part)
    return tuple(out)


_UNION_LABELS = {"str", "int", "float", "bool", "list", "dict", "none", "literal", "constrained-str"}


def _dotted(loc: tuple[Any, ...]) -> str:
    s = ""
    for part in loc:
        s += f"[{part}]" if isinstance(part, int) else (f".{part}" if s else str(part))
    return s


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _unwrap(annotation: Any) -> list[Any]:
    """All concrete types inside Optional/Union/list/Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list, tuple, set, dict):
        out: list[Any] = []
        for arg in typing.get_args(annotation):
            out.extend(_unwrap(arg))
        return out
    return [annotation]


def _model_at(model_cls: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that describes the object at ``loc`` (for key hints).

    List indexes and the keys of ``dict[str, Model]`` fields do not change the
    model; a field name moves to that field's model.
    """
    annotation: Any = model_cls
    for part in loc:
        models = [t for t in _unwrap(annotation) if isinstance(t, type) and issubclass(t, BaseModel)]
        if isinstance(part, str) and models and part in models[0].model_fields:
            annotation = models[0].model_fields[part].annotation
    models = [t for t in _unwrap(annotation) if isinstance(t, type) and issubclass(t, BaseModel)]
    return models[0] if models else None


def _type_hint(model_cls: type[BaseModel], loc: tuple[Any, ...]) -> str:
    parent = _model_at(model_cls, loc[:-1]) if loc else None
    if parent and loc and isinstance(loc[-1], str) and loc[-1] in parent.model_fields:
        field = parent.model_fields[loc[-1]]
        if field.description:
            return f"{loc[-1]}: {field.description}"
    return "see the JSON Schema (`govcell schema`) for the expected type"
