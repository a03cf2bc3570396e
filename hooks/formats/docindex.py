"""``specs/doc_index.yaml``: the registry of a cell's serious documents, by ID.

The Rust template keeps one (``docs: [{id, file, doc_type, title, stories,
requirements, acs, adrs}]``) so the ledger and the tasks can name documents by
ID (``docs: [DESIGN-TPL-GRAPH-INVARIANTS-001]``, ``ci_workflows: [CI-NIX]``).
The file is optional; where it exists, every ID it defines resolves, and the
links it carries (file, stories, requirements, ACs, ADRs) are graph edges
checked like every other reference.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from govcell.formats.base import FormatModel, StrList, Text


class DocEntry(FormatModel):
    """One registered document."""

    item_label: ClassVar[str] = "doc index entry"
    id: Text = Field(description="the document's ID, e.g. DESIGN-TPL-HEALTH-001 or CI-NIX")
    file: Text = Field(description="the document's path, relative to the repository")
    doc_type: Text | None = Field(None, description="e.g. design_doc, impl_plan, ci_workflow, how_to, adr")
    title: Text | None = None
    stories: StrList = Field(default_factory=list, description="US-... the document covers")
    requirements: StrList = Field(default_factory=list, description="REQ-... the document covers")
    acs: StrList = Field(default_factory=list, description="AC-... the document covers")
    adrs: StrList = Field(default_factory=list, description="ADR-... the document cites")


class DocIndex(FormatModel):
    """The whole doc index file."""

    item_label: ClassVar[str] = "doc index"
    schema_version: Text | None = None
    template_version: Text | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    docs: list[DocEntry] = Field(default_factory=list)

    def by_id(self) -> dict[str, DocEntry]:
        """The first entry of every ID (a repeated ID is the graph's finding)."""
        out: dict[str, DocEntry] = {}
        for entry in self.docs:
            out.setdefault(entry.id, entry)
        return out
