"""Composed policy inputs (``policy.inputs``): one input document built from several sources.

CI pipelines often build the document a policy judges: ``yq -o=json a.yaml`` merged
with part of ``b.yaml`` (``jq -s '.[0] * {rollouts: .[1].environments}'``), or a
list of every ``features/*.yaml`` beside the ledger's AC IDs.  A composed input
says the same in configuration, so govcell feeds the policy what CI feeds it::

    policy:
      inputs:
        flags_and_rollouts:
          merge: [{file: flags/registry.yaml}]
          keys:
            rollouts: {file: flags/rollouts.yaml, key: environments}
      targets:
        flags: [flags_and_rollouts]

A source is one ``file`` (its first document), every file of a glob (``files``:
the list of their documents, in path order; none is an empty list) or a ``builtin`` input; ``key``
takes one (dotted) key of it, ``null`` when absent, as jq's ``.key`` does.
``merge`` sources are deep-merged in order (jq's ``*``), then ``keys`` are set.
Messages of a composed input are reported at its first file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from govcell.diagnostics import Diagnostic, diag

if TYPE_CHECKING:
    from govcell.cell import Cell
    from govcell.load.config import ComposedInput, InputSource
    from govcell.derive.policy.documents import Document

#: (diagnostic sink, position of a config key) of the policy run that asks.
Position = Callable[[tuple[Any, ...]], tuple[int, int]]


def ledger_ac_ids(data: Any) -> list[str]:
    """``[.stories[].requirements[].acceptance_criteria[].id]`` of a raw ledger, skipping what is malformed."""
    out: list[str] = []
    for story in _items(data.get("stories") if isinstance(data, dict) else None):
        for req in _items(story.get("requirements")):
            for ac in _items(req.get("acceptance_criteria")):
                if isinstance(ac.get("id"), str):
                    out.append(ac["id"])
    return out


def _items(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def deep_merge(left: Any, right: Any) -> Any:
    """jq's ``left * right``: objects merge recursively, anything else is replaced by ``right``."""
    if isinstance(left, dict) and isinstance(right, dict):
        out = dict(left)
        for key, value in right.items():
            out[key] = deep_merge(out[key], value) if key in out else value
        return out
    return right


class Composer:
    """Builds the composed inputs of one policy run; findings go to ``found``."""

    def __init__(self, cell: Cell, found: list[Diagnostic], config_path: str, position: Position) -> None:
        self.cell = cell
        self.found = found
        self.config_path = config_path
        self.position = position
        self._done: dict[str, list[tuple[str, list[Document]]]] = {}

    def compose(self, name: str, spec: ComposedInput) -> list[tuple[str, list[Document]]]:
        """The one document of input ``name`` and the file it is reported at; none when a source failed.

        Each input is built once per run, however many policies judge it, so its findings are reported once.
        """
        if name not in self._done:
            self._done[name] = list(self._compose(name, spec))
        return self._done[name]

    def _compose(self, name: str, spec: ComposedInput) -> Iterator[tuple[str, list[Document]]]:
        from govcell.derive.policy.documents import Document

        files: list[str] = []
        ok = True
        doc: Any = {}
        for index, source in enumerate(spec.merge):
            where = ("policy", "inputs", name, "merge", index)
            got, value = self._value(source, where, files)
            if not got:
                ok = False
                continue
            if not isinstance(value, dict):
                self.found.append(diag("policy.input-type", f"policy input '{name}': merge source "
                                       f"{self._describe(source)} is not a mapping", self.config_path,
                                       *self.position(where), hint="merge only mappings (jq's * joins objects); "
                                       "put other values under keys:"))
                ok = False
                continue
            doc = deep_merge(doc, value)
        for key, source in spec.keys.items():
            got, value = self._value(source, ("policy", "inputs", name, "keys", key), files)
            ok = ok and got
            doc[key] = value
        if ok:
            yield (files[0] if files else self.config_path), [Document(doc, 1)]

    @staticmethod
    def _describe(source: InputSource) -> str:
        what = source.file or source.files or f"builtin {source.builtin}"
        return what + (f" (key {source.key})" if source.key else "")

    def _value(self, source: InputSource, where: tuple[Any, ...], files: list[str]) -> tuple[bool, Any]:
        if source.builtin is not None:
            got, value = self._builtin(source.builtin, files)
        elif source.file is not None:
            got, value = self._file(source.file, where, files)
        else:
            got, value = self._glob(source.files or "", files)
        if got and source.key:
            for part in source.key.split("."):
                if value is None:
                    break
                if not isinstance(value, dict):
                    self.found.append(diag("policy.input-type", f"{self._describe(source)}: key '{source.key}' "
                                           "of a value that is not a mapping", self.config_path,
                                           *self.position(where), hint="take key: of mappings only"))
                    return False, None
                value = value.get(part)
        return got, value

    def _builtin(self, name: str, files: list[str]) -> tuple[bool, Any]:
        from govcell.derive.policy.documents import builtin_input

        got = builtin_input(self.cell, "ledger" if name == "ledger_ac_ids" else name, self.found)
        if got.file is not None:
            files.append(got.file)
        return got.ok, ledger_ac_ids(got.data) if name == "ledger_ac_ids" else got.data

    def _documents(self, rel: str) -> list[Any] | None:
        from govcell.derive.policy.documents import read_documents
        from govcell.derive.policy.model import FIXTURE_SUFFIXES

        if not rel.endswith(FIXTURE_SUFFIXES):
            self.found.append(diag("policy.target-format", f"input file {rel} is not .json, .yaml or .yml", rel,
                                   hint="policies read JSON or YAML inputs"))
            return None
        docs = read_documents(self.cell, rel, self.found, "policy.target-syntax")
        return None if docs is None else [d.data for d in docs]

    def _file(self, rel: str, where: tuple[Any, ...], files: list[str]) -> tuple[bool, Any]:
        path = self.cell.root / rel
        if not path.is_file():
            self.found.append(diag("policy.target-no-match", f"input file {rel} does not exist", self.config_path,
                                   *self.position(where), hint="fix the path (relative to the repository root)"))
            return False, None
        docs = self._documents(rel)
        if docs is None:
            return False, None
        files.append(rel)
        return True, docs[0] if docs else None

    def _glob(self, pattern: str, files: list[str]) -> tuple[bool, Any]:
        from govcell.load.globs import on_disk

        matches = on_disk(self.cell.root, pattern)
        out: list[Any] = []  # no match is an empty list, as a nullglob shell loop gives
        for rel in matches:
            docs = self._documents(rel)
            if docs is None:
                return False, None
            out.extend(docs)
        files.extend(matches)
        return True, out
