"""Plain YAML built straight from libyaml's events: the fast path of every govcell file.

See :func:`from_events`; everything it leaves (returns None for) is composed
and converted by :mod:`govcell.load.yamlio`, which owns the findings.
"""

from __future__ import annotations

from typing import Any

from govcell.load.yaml_loader import MAX_DEPTH, PLAIN_TAGS, STR, TIMESTAMP, WORD_SCALARS

#: ``path -> (line, col)`` of every value (or every mapping key), 1-based.
Marks = dict[tuple[str | int, ...], tuple[int, int]]
#: A document's plain data, the marks of its values and the marks of its keys.
Built = tuple[Any, Marks, Marks]


class Exotic(Exception):
    """The document uses something the event path leaves to the composer (see :func:`_from_events`)."""


def from_events(text: str, loader_cls: type) -> Built | None:
    """Plain YAML built straight from libyaml's events; None where the composer must do it.

    Composing a node graph and then converting it costs twice what building
    values from the parser's events does (0.13 s against 0.06 s for a 2,000-item
    ledger).  Governance files are plain YAML: mappings, sequences and untagged
    scalars.  Anything else -- an anchor or alias, an explicit tag, a merge or
    complex key, a duplicate key, a second document, deep nesting, a syntax
    error -- makes this return None, and :func:`govcell.load.yamlio.parse_yaml` composes the
    document as before, so every finding and value is exactly the composer's.
    """
    import yaml

    loader = loader_cls(text)
    try:
        return _EventBuilder(loader).build()
    except (Exotic, yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()


class _EventBuilder:
    """One document's values, marks and key marks, in the order the converter records them."""

    def __init__(self, loader: Any) -> None:
        import yaml
        import yaml.constructor

        self.loader = loader
        self.data: Any = None
        self.marks: Marks = {}
        self.key_marks: Marks = {}
        self._ctor = yaml.constructor.SafeConstructor()
        self._scalars = yaml.constructor.SafeConstructor.yaml_constructors
        self._Node = yaml.ScalarNode

    def build(self) -> Built:  # long: one loop over the event stream, the hot path of every load
        import yaml

        get = self.loader.get_event
        marks, key_marks = self.marks, self.key_marks
        scalar_ev, alias_ev = yaml.ScalarEvent, yaml.AliasEvent
        map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
        map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
        doc_start, stream_end = yaml.DocumentStartEvent, yaml.StreamEndEvent
        value, first, words = self._value, self.loader.implicit_first_not_words, WORD_SCALARS
        # A frame: [container, its path, the key awaiting its value (mappings), is a mapping].
        stack: list[list[Any] | None] = []
        frame: list[Any] | None = None
        documents = 0
        while True:
            ev = get()
            kind = type(ev)
            if kind is scalar_ev:
                if ev.anchor is not None or ev.tag is not None:
                    raise Exotic
                v = ev.value
                # Else a string (see yaml_loader.fast_loader): most scalars are settled here, without a call.
                if ev.implicit[0] and (not v or v[0] in first or v in words):
                    v = value(ev)
                opens = False
            elif kind is map_start or kind is seq_start:
                if ev.anchor is not None or ev.tag is not None or len(stack) >= MAX_DEPTH - 1:
                    raise Exotic
                v = {} if kind is map_start else []
                opens = True
            elif kind is map_end or kind is seq_end:
                frame = stack.pop()
                continue
            elif kind is alias_ev:
                raise Exotic
            elif kind is doc_start:
                documents += 1
                if documents > 1:
                    raise Exotic  # the composer says "expected a single document"
                continue
            elif kind is stream_end:
                return self.data, marks, key_marks
            else:
                continue
            # The value (a scalar, or a collection just opened) takes its place: the document, a key, a value.
            m = ev.start_mark
            if frame is None:
                sub: tuple[str | int, ...] = ()
                self.data = v
            else:
                container, path, key, is_map = frame
                if is_map and key is _NO_KEY:
                    if opens:
                        raise Exotic  # a complex key
                    if v in container:
                        raise Exotic  # a duplicate key: the composer path reports it
                    frame[2] = v
                    key_marks[path + (v,)] = (m.line + 1, m.column + 1)
                    continue
                if is_map:
                    sub = path + (key,)
                    container[key] = v
                    frame[2] = _NO_KEY
                else:
                    sub = path + (len(container),)
                    container.append(v)
            marks[sub] = (m.line + 1, m.column + 1)
            if opens:
                stack.append(frame)  # None: the document level
                frame = [v, sub, _NO_KEY, kind is map_start]

    def _value(self, ev: Any) -> Any:
        """An untagged scalar's value, resolved as PyYAML resolves it (str, int, float, bool, None)."""
        resolved = self.loader.resolve(self._Node, ev.value, ev.implicit)
        if resolved == STR or resolved == TIMESTAMP:  # noqa: SIM109 - hot path: no tuple built
            return ev.value
        if resolved not in PLAIN_TAGS:
            raise Exotic  # a merge key, '=' and the like: the converter reports them
        node = self._Node(resolved, ev.value, ev.start_mark, ev.end_mark, ev.style)
        try:
            return self._scalars[resolved](self._ctor, node)
        except Exception:  # noqa: BLE001 - as the converter: keep the text, the schema will judge
            return ev.value


#: The key slot of a mapping frame between a value and the next key.
_NO_KEY = object()
