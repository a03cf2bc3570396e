"""The input documents policies judge: JSON or YAML files (every document of a stream), with positions.

Fixtures, glob targets and composed inputs (``govcell.derive.policy.inputs``)
all read their files here, through the kernel's one text reader and one YAML
loader, so a bad file is the same finding wherever it is read.
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

from govcell.diagnostics import Diagnostic, Severity, diag

if TYPE_CHECKING:
    from govcell.cell import Cell


@dataclasses.dataclass
class Document:
    """One input document with the positions of its values (for located messages)."""

    data: Any
    line: int
    marks: dict[tuple[Any, ...], tuple[int, int]] = dataclasses.field(default_factory=dict)

    def position(self, loc: Any) -> tuple[int, int]:
        """(line, col) of the deepest known prefix of ``loc`` (a list of keys and indexes)."""
        if isinstance(loc, list):
            key = tuple(loc)
            while key:
                if key in self.marks:
                    return self.marks[key]
                key = key[:-1]
        return (self.line, 1)


def parse_documents(text: str, rel: str, code: str) -> tuple[list[Document], list[Diagnostic]]:
    """JSON (one document) or YAML (every document of the stream), with located errors under ``code``."""
    if rel.endswith(".json"):
        try:
            return [Document(json.loads(text), 1)], []
        except json.JSONDecodeError as exc:
            return [], [diag(code, f"{rel} is not valid JSON: {exc.msg}", rel, exc.lineno, exc.colno,
                             hint="fix the JSON syntax")]
        except RecursionError:
            return [], [diag(code, f"{rel} is nested too deeply", rel, 1, 1)]
    from govcell.load.yamlio import parse_yaml_stream

    loaded, lost = parse_yaml_stream(text, rel)
    docs: list[Document] = []
    found = [_as(code, rel, d) for d in lost]
    for one in loaded:
        found.extend(_as(code, rel, d) for d in one.diagnostics if d.severity is Severity.ERROR)
        docs.append(Document(one.data, one.marks.get((), (1, 1))[0], one.marks))
    return docs, found


def _as(code: str, rel: str, d: Diagnostic) -> Diagnostic:
    """A YAML finding as one of this input's: its code, and the file named in the message."""
    message = d.message if d.code != "yaml.syntax" else f"{rel} is not valid YAML: {d.message}"
    return dataclasses.replace(d, code=code, message=message)


def read_documents(cell: Cell, rel: str, found: list[Diagnostic], code: str, *,
                   strict: bool = True) -> list[Document] | None:
    """The documents of input file ``rel`` (findings into ``found``, under ``code``).

    None when the file cannot be read, or (``strict``) when any document has a
    syntax error; otherwise the documents that could be read.
    """
    from govcell.load.text import read_text

    read = read_text(cell.root, rel, max_bytes=cell.config.limits.max_file_bytes, code="file")
    if read.text is None:
        found.extend(read.diagnostics)
        return None
    docs, problems = parse_documents(read.text, rel, code)
    found.extend(problems)
    return None if problems and strict else docs


@dataclasses.dataclass
class BuiltinInput:
    """What one built-in input holds: the one definition ``policy.targets`` and ``policy.inputs`` both use."""

    ok: bool  #: False: it could not be made (its findings say why)
    data: Any  #: None: an absent optional file
    path: str  #: where a policy's messages on it are reported
    file: str | None  #: the cell file it was read from (None: derived, or absent)
    line: int = 1
    marks: dict[tuple[Any, ...], tuple[int, int]] = dataclasses.field(default_factory=dict)


def builtin_input(cell: Cell, name: str, found: list[Diagnostic]) -> BuiltinInput:
    """The built-in input ``name`` (``changes``, ``features``, or a spec file: ``ledger``, ``tasks``, ...)."""
    if name == "changes":
        from govcell.derive.scope import cell_changes

        doc, problems = cell_changes(cell)
        found.extend(d for d in problems if d not in found)
        return BuiltinInput(doc is not None and not problems, doc, ".", None, line=0)
    if name == "features":
        records = features_input(cell)
        where = records["features"][0]["path"] if records["features"] else \
            (cell.config.paths.features or ["features"])[0]
        return BuiltinInput(True, records, where, None)
    raw = getattr(cell, name).raw
    if not raw.present:
        return BuiltinInput(True, None, raw.path, None)
    return BuiltinInput(True, raw.data, raw.path, raw.path, marks=raw.marks)


def features_input(cell: Cell) -> dict[str, Any]:
    """The built-in ``features`` input: every feature file's record and the ledger's AC IDs."""
    ledger = cell.ledger.model
    ac_ids = sorted(ac.id for _, _, ac in ledger.iter_acs()) if ledger else []
    return {"features": feature_records(cell), "ledger_ac_ids": ac_ids}


def feature_records(cell: Cell) -> list[dict[str, Any]]:
    """Feature files as ``{path, name, tags, scenarios: [{name, file, line, tags, ac_ids}]}``.

    Built from the cell's one Gherkin parse (``Cell.features``), so policies see
    exactly the scenarios and inherited tags the ``ac-tags`` check sees.
    """
    records: list[dict[str, Any]] = []
    for ff in cell.features.files:
        records.append({
            "path": ff.path,
            "name": ff.name,
            "tags": sorted(ff.tags),
            "scenarios": [{"name": sc.name, "file": sc.file, "line": sc.line, "tags": sorted(sc.tags),
                           "ac_ids": sorted(sc.ac_ids)} for sc in ff.scenarios],
        })
    return records


# --------------------------------------------------------------------------- the run
