"""Documents and CI workflows in the graph: the doc index, and references to a doc or workflow by path or ID.

A requirement, task or flow names a document either by path (checked to exist
inside the repository) or by a doc-index ID; a CI workflow by file name (looked
up in ``paths.workflows``) or by ID.  These nodes are made on first use, and
each use of a missing one is a finding at the place that names it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from govcell.derive.graph.builder import Builder, unique
from govcell.derive.graph.model import key
from govcell.diagnostics import diag

if TYPE_CHECKING:
    from govcell.cell import Cell


def looks_like_path(ref: str) -> bool:
    """A doc reference with a directory or an extension is a path; otherwise it is a doc ID."""
    return "/" in ref or "\\" in ref or "." in ref.rsplit("/", 1)[-1]


def doc_node(b: Builder, doc: str, file: str, line: int, col: int, referrer: str) -> str:
    """The node of a document named by path or by doc-index ID (a missing one is a finding, once per use)."""
    entry = _doc_index(b).get(doc)
    if entry is not None:
        return key(_entry_kind(entry), doc)
    k = key("doc", doc)
    exists = looks_like_path(doc) and _inside_file_exists(b.cell, doc.split("#", 1)[0])
    if k not in b.g:
        b.add("doc", doc, doc, doc if exists else file, 0 if exists else line, 0 if exists else col, exists=exists)
    if not exists:
        src = b.g.nodes[referrer]
        if looks_like_path(doc):
            b.found.append(diag("graph.missing-doc", f"{src['kind']} {src['id']} names doc {doc}, which does not "
                                "exist", file, line, col,
                                hint="fix the path (relative to the repository root) or add the doc"))
        else:
            where = b.cell.config.paths.doc_index
            b.found.append(diag("graph.missing-doc", f"{src['kind']} {src['id']} names doc ID {doc}, which is not "
                                f"in the doc index ({where})", file, line, col,
                                hint=f"register the document in {where} (id, file), or name it by its path"))
    return k


def _inside_file_exists(cell: Cell, rel: str) -> bool:
    if not rel or rel.startswith("/") or ".." in rel.split("/"):
        return False
    return cell.source.is_file(rel)


def workflow_node(b: Builder, ref: str, file: str, line: int, col: int, referrer: str) -> str:
    """A CI workflow named by file (``ci-lints.yml``, a path) or by doc-index ID (``CI-NIX``)."""
    entry = _doc_index(b).get(ref)
    if entry is not None:
        return key(_entry_kind(entry), ref)
    target = None
    if target is None and looks_like_path(ref):
        candidates = [ref] + [f"{d.rstrip('/')}/{ref}" for d in b.cell.config.paths.workflows]
        target = next((c for c in candidates if _inside_file_exists(b.cell, c)), None)
    k = key("workflow", ref)
    if k not in b.g:
        exists = target is not None and _inside_file_exists(b.cell, target)
        b.add("workflow", ref, ref, target or file,
              0 if exists else line, 0 if exists else col, exists=exists)
    if not b.g.nodes[k]["exists"]:
        src = b.g.nodes[referrer]
        dirs = ", ".join(b.cell.config.paths.workflows) or "paths.workflows"
        b.found.append(diag("graph.missing-workflow", f"{src['kind']} {src['id']} names CI workflow {ref}, which "
                            f"is neither a workflow file (in {dirs}) nor a doc index ID", file, line, col,
                            hint="fix the name, add the workflow, or register it in "
                                 f"{b.cell.config.paths.doc_index}"))
    return k


def _entry_kind(entry: Any) -> str:
    """A doc-index entry of type ci_workflow is a workflow node; any other, a doc node."""
    return "workflow" if entry.doc_type == "ci_workflow" else "doc"


def _doc_index(b: Builder) -> dict[str, Any]:
    """Doc-index entries by ID, built once per graph."""
    if b.doc_ids is None:
        model = b.cell.doc_index.model
        b.doc_ids = model.by_id() if model is not None else {}
    return b.doc_ids



def add_doc_index(b: Builder) -> None:
    """Registered documents: a node per ID, its file checked, its links resolved."""
    loaded = b.cell.doc_index
    model = loaded.model
    if model is None:
        return
    raw = loaded.raw
    path = loaded.path
    for entry, line, col in unique(b, loaded, model.docs, "doc"):
        exists = _inside_file_exists(b.cell, entry.file)
        kind = _entry_kind(entry)
        node = b.add(kind, entry.id, entry.title or entry.id, path, line, col, exists=exists, file_path=entry.file)
        if not exists:
            fl, fc = raw.position(entry.loc + ("file",))
            b.found.append(diag("graph.missing-doc", f"doc index entry {entry.id} names {entry.file}, which does "
                                "not exist", path, fl, fc, hint="fix the path or remove the entry"))
        for field, kinds in (("stories", "story"), ("requirements", "requirement"), ("acs", "ac"), ("adrs", "adr")):
            b.refs(node, getattr(entry, field), loaded, entry.loc + (field,), kinds,
                   "decided_by" if field == "adrs" else "documents")
