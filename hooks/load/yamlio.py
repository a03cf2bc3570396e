"""Safe, located YAML loading: every value keeps its line and column.

Plain ``yaml.safe_load`` loses positions, silently keeps the last of two
duplicate keys and happily expands a "billion laughs" document until memory
runs out.  Here a plain document (mappings, sequences, untagged scalars) is
built straight from libyaml's events (:mod:`govcell.load.yaml_events`); any
other is composed into a node graph by the C composer (libyaml, when present)
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
from pathlib import Path
from typing import Any

from govcell.diagnostics import Diagnostic, diag
from govcell.load.text import DEFAULT_MAX_BYTES, ReadResult, read_text
from govcell.load.yaml_events import from_events
from govcell.load.yaml_loader import COLLECTION_TAGS, MAX_DEPTH, MERGE, SCALAR_TAGS, STR, TIMESTAMP, fast_loader

Path_ = tuple[str | int, ...]

#: How many nodes aliases may add on top of the document's own size.
ALIAS_BUDGET = 100_000


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

    loader = fast_loader()
    fast = from_events(text, loader)
    if fast is not None:
        data, marks, key_marks = fast
        return LoadedYaml(rel, data, marks, key_marks)
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

    loader = fast_loader()
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
            if tag == STR or tag == TIMESTAMP:  # noqa: SIM109 - hot path: no tuple built
                return node.value
            return self._scalar(node)
        if depth > MAX_DEPTH:
            raise _Abort(diag("yaml.too-deep", f"YAML nesting deeper than {MAX_DEPTH} levels", self.rel,
                              mark.line + 1, mark.column + 1))
        if node.tag not in COLLECTION_TAGS:
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
        if tag == STR or tag == TIMESTAMP:  # noqa: SIM109 - hot path: no tuple built
            return node.value
        fn = self._scalars.get(tag) if tag in SCALAR_TAGS else None
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
            if key_node.tag == MERGE:
                self._merge(value_node, path, depth, merged)
                continue
            if type(key_node) is not self._Scalar:
                line, col = self._pos(key_node)
                self.diagnostics.append(diag("yaml.complex-key", "mapping keys must be plain scalars",
                                             self.rel, line, col))
                continue
            key = key_node.value if key_node.tag == STR else self._scalar(key_node)
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
