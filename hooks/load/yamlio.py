"""Safe, located YAML loading: every value keeps its line and column.

Plain ``yaml.safe_load`` loses positions, silently keeps the last of two
duplicate keys and happily expands a "billion laughs" document until memory
runs out.  Here the C composer (libyaml, when present) builds the node graph,
and a small converter turns nodes into plain Python values while

* recording ``path -> (line, col)`` for every value and every mapping key,
* reporting duplicate keys instead of overwriting them,
* bounding the number of nodes an alias may expand into, and
* refusing non-UTF-8, binary, oversized, missing and non-regular files
  (read by ``govcell.load.text``, the one reader of every cell file),

so every problem becomes a finding with a position, never a traceback.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any

from govcell.diagnostics import Diagnostic, diag
from govcell.load.text import DEFAULT_MAX_BYTES, ReadResult, read_text

Path_ = tuple[str | int, ...]

#: How many nodes aliases may add on top of the document's own size.
ALIAS_BUDGET = 100_000
MAX_DEPTH = 200


@dataclasses.dataclass
class LoadedYaml:
    """Plain data plus the position of every node, and what went wrong."""

    path: str
    data: Any = None
    marks: dict[Path_, tuple[int, int]] = dataclasses.field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = dataclasses.field(default_factory=dict)
    diagnostics: list[Diagnostic] = dataclasses.field(default_factory=list)
    present: bool = True

    @property
    def ok(self) -> bool:
        return self.present and not any(d.severity.value == "error" for d in self.diagnostics)

    def position(self, loc: Path_, *, key: bool = False) -> tuple[int, int]:
        """Best (line, col) for ``loc``: the deepest known prefix of it."""
        loc = tuple(loc)
        if key and loc in self.key_marks:
            return self.key_marks[loc]
        while loc:
            if loc in self.marks:
                return self.marks[loc]
            if loc in self.key_marks:
                return self.key_marks[loc]
            loc = loc[:-1]
        return self.marks.get((), (1, 1))


def load_yaml(root: Path, rel: str, *, max_bytes: int = DEFAULT_MAX_BYTES, required: bool = True) -> LoadedYaml:
    """Read and parse one YAML file of the cell.  Never raises for bad input."""
    return yaml_from_read(read_text(root, rel, max_bytes=max_bytes), rel, required=required)


def yaml_from_read(read: ReadResult, rel: str, *, required: bool = True) -> LoadedYaml:
    """Parse what a reader returned (from the working tree or a git revision); an absent optional file is absent."""
    if read.text is None:
        missing = any(d.code == "file.missing" for d in read.diagnostics)
        if missing and not required:
            return LoadedYaml(rel, present=False)
        return LoadedYaml(rel, diagnostics=read.diagnostics, present=not missing)
    return parse_yaml(read.text, rel)


def parse_yaml(text: str, rel: str) -> LoadedYaml:
    """Parse YAML text (one document) into located plain data."""
    import yaml

    loader = _fast_loader()
    fast = _from_events(text, rel, loader)
    if fast is not None:
        return fast
    out = LoadedYaml(rel)
    try:
        node = yaml.compose(text, Loader=loader)
    except (yaml.YAMLError, RecursionError) as exc:
        out.diagnostics.append(syntax_error(exc, text, rel, loader))
        return out
    if node is None:
        return out
    _convert_into(out, node, text)
    return out


def parse_yaml_stream(text: str, rel: str) -> tuple[list[LoadedYaml], list[Diagnostic]]:
    """Every document of a YAML stream, located, and the findings of those that could not be read.

    A document that cannot be converted (an alias bomb, too deep) is left out
    with its finding; a syntax error ends the stream, the documents before it stay.
    """
    import yaml

    loader = _fast_loader()
    docs: list[LoadedYaml] = []
    lost: list[Diagnostic] = []
    try:
        for node in yaml.compose_all(text, Loader=loader):
            if node is None:
                continue
            doc = LoadedYaml(rel)
            if _convert_into(doc, node, text):
                docs.append(doc)
            else:
                lost.append(doc.diagnostics[-1])
    except (yaml.YAMLError, RecursionError) as exc:
        lost.append(syntax_error(exc, text, rel, loader))
    return docs, lost


def _convert_into(out: LoadedYaml, node: Any, text: str) -> bool:
    """Convert ``node`` into ``out``; False when the conversion stopped (its finding is the last one)."""
    conv = _Converter(out.path, budget=len(text) + ALIAS_BUDGET)
    converted = True
    try:
        out.data = conv.convert(node, ())
    except _Abort as stop:
        out.data = None
        conv.diagnostics.append(stop.diagnostic)
        converted = False
    out.marks = conv.marks
    out.key_marks = conv.key_marks
    out.diagnostics.extend(conv.diagnostics)
    return converted


def syntax_error(exc: BaseException, text: str, rel: str, loader: type) -> Diagnostic:
    """The one mapping of a PyYAML error (or a document too deep to compose) to a located finding."""
    import yaml

    if isinstance(exc, RecursionError):
        return diag("yaml.too-deep", "YAML nesting is too deep to load", rel, 1, 1)
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        full = f"{problem} {exc.context or ''}"
        bad_line = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
        hint = "fix the YAML syntax"
        if "\t" in bad_line[: max(col, len(bad_line) - len(bad_line.lstrip()))]:
            hint = "YAML forbids tabs for indentation: indent with spaces"
        elif "single document" in full:
            hint = "this file must hold exactly one YAML document"
        return diag("yaml.syntax", f"{problem}" + (f" ({exc.context})" if exc.context else ""), rel, line, col,
                    hint=hint)
    if isinstance(exc, yaml.reader.ReaderError):
        # A character YAML forbids (control characters, for one): point at it, not at line 1.
        before = text.encode("utf-8")[: exc.position].decode("utf-8", "replace") if _is_c(loader) \
            else text[: exc.position]
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        return diag("yaml.syntax", f"unacceptable character #x{exc.character:04x}: {exc.reason}"
                    if isinstance(exc.character, int) else str(exc).splitlines()[0], rel, line, col,
                    hint="remove the character, or write it as an escape in a double-quoted string")
    return diag("yaml.syntax", str(exc).splitlines()[0] if str(exc) else "invalid YAML", rel, 1, 1)


@functools.cache
def _fast_loader() -> type:
    """The safe loader (libyaml's when present) with a cheaper implicit-tag resolver.

    libyaml composes nodes in C but asks PyYAML's Python resolver for the tag of
    every scalar, and that resolver runs regular expressions on each plain
    scalar; on a ledger, which is mostly IDs and prose, that was a third of the
    load time.  Only a plain scalar whose first character can start an implicit
    type (a digit, sign, dot, ``~``, the first letter of true/false/yes/no/on/
    off/null, ``<<``, ``=``) or an empty one can resolve to anything but a
    string, so every other scalar is a string at once and the rest go through
    PyYAML's own resolver: the tags are exactly PyYAML's.  Of those, a scalar
    that starts with a letter can only be one of YAML 1.1's boolean and null
    words (:data:`WORD_SCALARS`; the letters' resolvers are bool and null only,
    and both match whole words), so ``title`` or ``features/x.feature`` -- keys
    and paths, half the scalars of a ledger -- skip the regular expressions too.
    """
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    first = frozenset(k for k in base.yaml_implicit_resolvers if k)
    words_only = frozenset(k for k, found in base.yaml_implicit_resolvers.items()
                           if k.isalpha() and {tag for tag, _ in found} <= _WORD_TAGS)
    resolve_exact = base.resolve
    scalar, sequence = yaml.ScalarNode, yaml.SequenceNode
    seq_tag, map_tag = base.DEFAULT_SEQUENCE_TAG, base.DEFAULT_MAPPING_TAG

    def resolve(self: Any, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is scalar:
            if implicit[0] and (not value or value[0] in first):
                if value and value[0] in words_only and value not in WORD_SCALARS:
                    return _STR
                tag: str = resolve_exact(self, kind, value, implicit)
                return tag
            return _STR
        return seq_tag if kind is sequence else map_tag

    def ignore_path(self: Any, *args: Any) -> None:
        """The safe loader has no path resolvers: nothing to track per node."""

    assert not base.yaml_path_resolvers
    return type("GovcellLoader", (base,), {"resolve": resolve, "descend_resolver": ignore_path,
                                            "ascend_resolver": ignore_path, "implicit_first": first})


class _Exotic(Exception):
    """The document uses something the event path leaves to the composer (see :func:`_from_events`)."""


def _from_events(text: str, rel: str, loader_cls: type) -> LoadedYaml | None:
    """Plain YAML built straight from libyaml's events; None where the composer must do it.

    Composing a node graph and then converting it costs twice what building
    values from the parser's events does (0.13 s against 0.06 s for a 2,000-item
    ledger).  Governance files are plain YAML: mappings, sequences and untagged
    scalars.  Anything else -- an anchor or alias, an explicit tag, a merge or
    complex key, a duplicate key, a second document, deep nesting, a syntax
    error -- makes this return None, and :func:`parse_yaml` composes the
    document as before, so every finding and value is exactly the composer's.
    """
    import yaml

    loader = loader_cls(text)
    try:
        return _EventBuilder(loader, rel).build()
    except (_Exotic, yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()


class _EventBuilder:
    """One document's values, marks and key marks, in the order the converter records them."""

    def __init__(self, loader: Any, rel: str) -> None:
        import yaml
        import yaml.constructor

        self.loader = loader
        self.out = LoadedYaml(rel)
        self._ctor = yaml.constructor.SafeConstructor()
        self._scalars = yaml.constructor.SafeConstructor.yaml_constructors
        self._Node = yaml.ScalarNode

    def build(self) -> LoadedYaml:  # long: one loop over the event stream, the hot path of every load
        import yaml

        get, out = self.loader.get_event, self.out
        marks, key_marks = out.marks, out.key_marks
        scalar_ev, alias_ev = yaml.ScalarEvent, yaml.AliasEvent
        map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
        map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
        doc_start, stream_end = yaml.DocumentStartEvent, yaml.StreamEndEvent
        value, first = self._value, self.loader.implicit_first
        # A frame: [container, its path, the key awaiting its value (mappings), is a mapping].
        stack: list[list[Any] | None] = []
        frame: list[Any] | None = None
        documents = 0
        while True:
            ev = get()
            kind = type(ev)
            if kind is scalar_ev:
                if ev.anchor is not None or ev.tag is not None:
                    raise _Exotic
                m = ev.start_mark
                v = ev.value
                if ev.implicit[0] and (not v or v[0] in first):  # else a string (see _fast_loader)
                    v = value(ev)
                if frame is None:
                    out.data = v
                    marks[()] = (m.line + 1, m.column + 1)
                    continue
                container, path, key, is_map = frame
                if is_map and key is _NO_KEY:
                    key = v
                    if key in container:
                        raise _Exotic  # a duplicate key: the composer path reports it
                    frame[2] = key
                    key_marks[path + (key,)] = (m.line + 1, m.column + 1)
                    continue
                if is_map:
                    sub = path + (key,)
                    container[key] = v
                    frame[2] = _NO_KEY
                else:
                    sub = path + (len(container),)
                    container.append(v)
                marks[sub] = (m.line + 1, m.column + 1)
            elif kind is map_start or kind is seq_start:
                if ev.anchor is not None or ev.tag is not None or len(stack) >= MAX_DEPTH - 1:
                    raise _Exotic
                new: Any = {} if kind is map_start else []
                if frame is None:
                    sub = ()
                    out.data = new
                else:
                    container, path, key, is_map = frame
                    if is_map:
                        if key is _NO_KEY:
                            raise _Exotic  # a complex key
                        sub = path + (key,)
                        container[key] = new
                        frame[2] = _NO_KEY
                    else:
                        sub = path + (len(container),)
                        container.append(new)
                m = ev.start_mark
                marks[sub] = (m.line + 1, m.column + 1)
                stack.append(frame)  # None: the document level
                frame = [new, sub, _NO_KEY, kind is map_start]
            elif kind is map_end or kind is seq_end:
                frame = stack.pop()
            elif kind is alias_ev:
                raise _Exotic
            elif kind is doc_start:
                documents += 1
                if documents > 1:
                    raise _Exotic  # the composer says "expected a single document"
            elif kind is stream_end:
                return out

    def _value(self, ev: Any) -> Any:
        """An untagged scalar's value, resolved as PyYAML resolves it (str, int, float, bool, None)."""
        resolved = self.loader.resolve(self._Node, ev.value, ev.implicit)
        if resolved == _STR or resolved == _TIMESTAMP:  # noqa: SIM109 - hot path: no tuple built
            return ev.value
        if resolved not in _PLAIN_TAGS:
            raise _Exotic  # a merge key, '=' and the like: the converter reports them
        node = self._Node(resolved, ev.value, ev.start_mark, ev.end_mark, ev.style)
        try:
            return self._scalars[resolved](self._ctor, node)
        except Exception:  # noqa: BLE001 - as the converter: keep the text, the schema will judge
            return ev.value


#: The key slot of a mapping frame between a value and the next key.
_NO_KEY = object()


def _is_c(loader: type) -> bool:
    """libyaml reports byte offsets, the pure-Python reader character offsets."""
    try:
        from yaml._yaml import CParser
    except ImportError:  # no libyaml: the pure-Python reader
        return False
    return issubclass(loader, CParser)


class _Abort(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


_MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_COLLECTION_TAGS = frozenset({"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"})
#: Scalar types a govcell file may hold; ``!!binary`` (bytes) and the rest are refused as ``yaml.tag``.
_SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp"))
#: Every plain scalar starting with a letter that YAML 1.1 (PyYAML's resolver) reads as a bool or null.
WORD_SCALARS = frozenset(
    f(w) for w in ("yes", "no", "true", "false", "on", "off", "null") for f in (str.lower, str.capitalize, str.upper))
_WORD_TAGS = frozenset({"tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"})
_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("int", "float", "bool", "null"))


class _Converter:
    """Turn a composed node graph into plain values, recording positions."""

    def __init__(self, rel: str, budget: int) -> None:
        import yaml.constructor

        self.rel = rel
        self.budget = budget
        self.visited = 0
        self.marks: dict[Path_, tuple[int, int]] = {}
        self.key_marks: dict[Path_, tuple[int, int]] = {}
        self.diagnostics: list[Diagnostic] = []
        self._ctor = yaml.constructor.SafeConstructor()
        self._scalars = yaml.constructor.SafeConstructor.yaml_constructors
        self._Scalar = yaml.ScalarNode
        self._Sequence = yaml.SequenceNode
        self._Mapping = yaml.MappingNode

    def _pos(self, node: Any) -> tuple[int, int]:
        return (node.start_mark.line + 1, node.start_mark.column + 1)

    def convert(self, node: Any, path: Path_, depth: int = 0) -> Any:
        """Hot path (tens of thousands of nodes per ledger): keep it lean."""
        self.visited += 1
        if self.visited > self.budget:
            line, col = self._pos(node)
            raise _Abort(diag("yaml.alias-limit",
                              "document expands into too many nodes (alias bomb?)", self.rel, line, col,
                              hint="remove the nested aliases; govcell bounds alias expansion"))
        mark = node.start_mark
        self.marks[path] = (mark.line + 1, mark.column + 1)
        kind = type(node)
        if kind is self._Scalar:
            tag = node.tag
            if tag == _STR or tag == _TIMESTAMP:  # noqa: SIM109 - hot path: no tuple built
                return node.value
            return self._scalar(node)
        if depth > MAX_DEPTH:
            raise _Abort(diag("yaml.too-deep", f"YAML nesting deeper than {MAX_DEPTH} levels", self.rel,
                              mark.line + 1, mark.column + 1))
        if node.tag not in _COLLECTION_TAGS:
            self.diagnostics.append(diag("yaml.tag", f"unsupported YAML tag {node.tag}", self.rel,
                                         mark.line + 1, mark.column + 1,
                                         hint="govcell files use plain YAML: remove the tag"))
        if kind is self._Sequence:
            convert = self.convert
            depth += 1
            return [convert(child, path + (i,), depth) for i, child in enumerate(node.value)]
        if kind is self._Mapping:
            return self._mapping(node, path, depth)
        raise _Abort(diag("yaml.syntax", "unsupported YAML node", self.rel, *self._pos(node)))

    def _scalar(self, node: Any) -> Any:
        tag = node.tag
        if tag == _STR or tag == _TIMESTAMP:  # noqa: SIM109 - hot path: no tuple built
            return node.value
        fn = self._scalars.get(tag) if tag in _SCALAR_TAGS else None
        if fn is None:
            line, col = self._pos(node)
            self.diagnostics.append(diag("yaml.tag", f"unsupported YAML tag {tag}", self.rel, line, col,
                                         hint="govcell files use plain YAML: remove the tag"))
            return node.value
        try:
            return fn(self._ctor, node)
        except Exception:  # noqa: BLE001 - a malformed int/float etc.: keep the text, the schema will judge
            return node.value

    def _merge(self, value_node: Any, path: Path_, depth: int, merged: dict[Any, Any]) -> None:
        """A merge key (``<<``): its mappings count against the alias budget and the depth limit.

        Merging aliases of *empty* mappings converts no value at all, so without
        counting each merged mapping as a node, 600 bytes of nested merges take
        forever; a value that is not a mapping (``<<: 5``) is refused.
        """
        sources = value_node.value if type(value_node) is self._Sequence else [value_node]
        for src in sources:
            self.visited += 1
            line, col = self._pos(src)
            if self.visited > self.budget:
                raise _Abort(diag("yaml.alias-limit", "document expands into too many nodes (merge-key bomb?)",
                                  self.rel, line, col,
                                  hint="remove the nested merge keys (<<); govcell bounds alias expansion"))
            if depth > MAX_DEPTH:
                raise _Abort(diag("yaml.too-deep", f"YAML nesting deeper than {MAX_DEPTH} levels (through merge "
                                  "keys)", self.rel, line, col))
            if type(src) is not self._Mapping:
                self.diagnostics.append(diag("yaml.merge-value", "a merge key (<<) takes a mapping or a list of "
                                             "mappings", self.rel, line, col,
                                             hint="merge a mapping (<<: *anchor), or write the keys out"))
                continue
            for k, v in self._mapping(src, path, depth + 1).items():
                merged.setdefault(k, v)

    def _mapping(self, node: Any, path: Path_, depth: int) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        key_marks = self.key_marks
        convert = self.convert
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                self._merge(value_node, path, depth, merged)
                continue
            if type(key_node) is not self._Scalar:
                line, col = self._pos(key_node)
                self.diagnostics.append(diag("yaml.complex-key", "mapping keys must be plain scalars",
                                             self.rel, line, col))
                continue
            key = key_node.value if key_node.tag == _STR else self._scalar(key_node)
            try:
                hash(key)
            except TypeError:
                key = key_node.value
            kmark = key_node.start_mark
            kpos = (kmark.line + 1, kmark.column + 1)
            sub = path + (key,)
            if key in out:
                first = key_marks.get(sub, kpos)
                self.diagnostics.append(diag(
                    "yaml.duplicate-key", f"duplicate key '{key}' (first defined on line {first[0]})",
                    self.rel, kpos[0], kpos[1],
                    hint="YAML keeps only one of them: remove or rename the duplicate"))
                continue
            key_marks[sub] = kpos
            out[key] = convert(value_node, sub, depth + 1)
        for k, v in merged.items():
            out.setdefault(k, v)
        return out
