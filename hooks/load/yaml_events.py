"""Plain YAML built straight from libyaml's events: the fast path of every govcell file.

See :func:`from_events`; everything it leaves (returns None for) is composed
and converted by :mod:`govcell.load.yamlio`, which owns the findings.
"""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Callable
from typing import Any

from govcell.load.yaml_loader import MAX_DEPTH, PLAIN_TAGS, STR, TIMESTAMP, WORD_SCALARS

#: ``path -> (line, col)`` of every value (or every mapping key), 1-based.
Marks = dict[tuple[str | int, ...], tuple[int, int]]
#: A document's plain data, the marks of its values and the marks of its keys.
Built = tuple[Any, Marks, Marks]


class Exotic(Exception):
    """The document uses something the event path leaves to the composer (see :func:`_from_events`)."""


def from_events(text: str, loader_cls: type, *, compiled: bool = True) -> Built | None:
    """Plain YAML built straight from libyaml's events; None where the composer must do it.

    Composing a node graph and then converting it costs twice what building
    values from the parser's events does (0.13 s against 0.06 s for a 2,000-item
    ledger).  Governance files are plain YAML: mappings, sequences and untagged
    scalars.  Anything else -- an anchor or alias, an explicit tag, a merge or
    complex key, a duplicate key, a second document, deep nesting, a syntax
    error -- makes this return None, and :func:`govcell.load.yamlio.parse_yaml` composes the
    document as before, so every finding and value is exactly the composer's.

    ``compiled``: build in C (``govcell.load._yaml_build``, compiled at install
    where a C compiler and libyaml's headers are; the same values, marks and
    refusals, in half the time) when it is installed and ``GOVCELL_PURE_YAML``
    is not ``1``; else in Python (:class:`_EventBuilder`).
    """
    import yaml

    build = _compiled_builder(loader_cls) if compiled else None
    if build is not None:
        return build(text)
    try:
        loader = loader_cls(text)
    except UnicodeEncodeError:  # lone surrogates: the composer says what becomes of them
        return None
    try:
        return _EventBuilder(loader).build()
    except (Exotic, yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()


@functools.cache
def _compiled_builder(loader_cls: type) -> Callable[[str], Built | None] | None:
    """The C builder bound to ``loader_cls``' resolver, or None when it is not installed (or turned off)."""
    if os.environ.get("GOVCELL_PURE_YAML") == "1":
        return None
    try:
        native = importlib.import_module("govcell.load._yaml_build")
    except ImportError:
        return None
    first = "".join(sorted(getattr(loader_cls, "implicit_first_not_words")))  # noqa: B009 - set by fast_loader
    value = _PlainValue(loader_cls(""))

    def build(text: str) -> Built | None:
        built: Built | None = native.build(text, first, WORD_SCALARS, value)
        return built

    return build


class _PlainValue:
    """An untagged plain scalar's value, resolved as PyYAML resolves it (str, int, float, bool, None).

    Raises :class:`Exotic` for a scalar only the converter may judge (a merge key, ``=``).
    Both builders call it for the scalars that may be more than a string.
    """

    def __init__(self, loader: Any) -> None:
        import yaml
        import yaml.constructor

        self._resolve = loader.resolve
        self._ctor = yaml.constructor.SafeConstructor()
        self._scalars = yaml.constructor.SafeConstructor.yaml_constructors
        self._Node = yaml.ScalarNode

    def __call__(self, value: str, start: Any = None, end: Any = None, style: Any = None) -> Any:
        resolved = self._resolve(self._Node, value, (True, False))
        if resolved == STR or resolved == TIMESTAMP:  # noqa: SIM109 - hot path: no tuple built
            return value
        if resolved not in PLAIN_TAGS:
            raise Exotic  # a merge key, '=' and the like: the converter reports them
        node = self._Node(resolved, value, start, end, style)
        try:
            return self._scalars[resolved](self._ctor, node)
        except Exception:  # noqa: BLE001 - as the converter: keep the text, the schema will judge
            return value


class _EventBuilder:
    """One document's values, marks and key marks, in the order the converter records them.

    A mapping or sequence is built by its own call (:meth:`_mapping`, :meth:`_sequence`)
    that reads events until its end: a key and its value share one path tuple, and no
    frame stack is kept.  The nesting limit bounds the recursion.
    """

    def __init__(self, loader: Any) -> None:
        import yaml

        self.get = loader.get_event
        self.loader = loader
        self.marks: Marks = {}
        self.key_marks: Marks = {}
        self._plain = _PlainValue(loader)
        self._first = loader.implicit_first_not_words
        self._scalar, self._alias = yaml.ScalarEvent, yaml.AliasEvent
        self._map, self._seq = yaml.MappingStartEvent, yaml.SequenceStartEvent
        self._map_end, self._seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent

    def build(self) -> Built:
        import yaml

        get, marks = self.get, self.marks
        data: Any = None
        documents = 0
        while True:
            ev = get()
            kind = type(ev)
            if kind is yaml.StreamEndEvent:
                return data, marks, self.key_marks
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise Exotic  # the composer says "expected a single document"
            elif kind is self._scalar or kind is self._map or kind is self._seq:
                m = ev.start_mark
                marks[()] = (m.line + 1, m.column + 1)
                data = self._node(ev, kind, (), 1)
            elif kind is self._alias:
                raise Exotic

    def _node(self, ev: Any, kind: type, path: tuple[str | int, ...], depth: int) -> Any:
        """The value that ``ev`` (a scalar or a collection's start, already marked at ``path``) begins."""
        if ev.anchor is not None or ev.tag is not None:
            raise Exotic
        if kind is self._scalar:
            v = ev.value
            # Else a string (see yaml_loader.fast_loader): most scalars are settled here, without a call.
            if ev.implicit[0] and (not v or v[0] in self._first or v in WORD_SCALARS):
                return self._value(ev)
            return v
        if depth >= MAX_DEPTH:
            raise Exotic
        return self._mapping(path, depth + 1) if kind is self._map else self._sequence(path, depth + 1)

    def _mapping(self, path: tuple[str | int, ...], depth: int) -> dict[Any, Any]:
        """A mapping's keys and values up to its end.  A key, and a plain scalar value, are settled here as
        :meth:`_node` settles a scalar (written out: this runs for most events of a file)."""
        get, marks, key_marks, first = self.get, self.marks, self.key_marks, self._first
        scalar, alias = self._scalar, self._alias
        out: dict[Any, Any] = {}
        while True:
            ev = get()
            kind = type(ev)
            if kind is not scalar:
                if kind is self._map_end:
                    return out
                raise Exotic  # a complex key, or an alias as a key
            if ev.anchor is not None or ev.tag is not None:
                raise Exotic
            key = ev.value
            if ev.implicit[0] and (not key or key[0] in first or key in WORD_SCALARS):
                key = self._value(ev)
            if key in out:
                raise Exotic  # a duplicate key: the composer path reports it
            m = ev.start_mark
            sub = path + (key,)
            key_marks[sub] = (m.line + 1, m.column + 1)
            ev = get()
            kind = type(ev)
            if kind is alias:
                raise Exotic
            m = ev.start_mark
            marks[sub] = (m.line + 1, m.column + 1)
            if kind is scalar and ev.anchor is None and ev.tag is None:
                v = ev.value
                if ev.implicit[0] and (not v or v[0] in first or v in WORD_SCALARS):
                    v = self._value(ev)
                out[key] = v
            else:
                out[key] = self._node(ev, kind, sub, depth)

    def _sequence(self, path: tuple[str | int, ...], depth: int) -> list[Any]:
        get, marks = self.get, self.marks
        out: list[Any] = []
        while True:
            ev = get()
            kind = type(ev)
            if kind is self._seq_end:
                return out
            if kind is self._alias:
                raise Exotic
            sub = path + (len(out),)
            m = ev.start_mark
            marks[sub] = (m.line + 1, m.column + 1)
            out.append(self._node(ev, kind, sub, depth))

    def _value(self, ev: Any) -> Any:
        """An untagged plain scalar's value (see :class:`_PlainValue`)."""
        return self._plain(ev.value, ev.start_mark, ev.end_mark, ev.style)
