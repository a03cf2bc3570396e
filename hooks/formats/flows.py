"""``specs/devex_flows.yaml``: named developer commands and the flows that chain them.

The format is the Rust template's (``crates/spec-devex``) at every version:
top-level ``schema_version``/``template_version`` (or ``metadata``); commands
with ``category``, ``summary``, ``required`` and ``docs`` flags (where the
command must be documented) and, in govcell's own cells, the ``run`` line;
flows with ``name``, ``description``, ``required``, ``documented_in`` (files
that describe the flow) and ordered ``steps``.

A command marked ``required`` must be reached by some flow (checked by the
governance graph), so documented workflows cannot silently drop a step.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from govcell.formats.base import FormatModel, StrList, Text


class CommandDocs(FormatModel):
    """Where a command must be documented (the template's ``DocsRequirement``)."""

    item_label: ClassVar[str] = "command docs"
    readme_table: bool = Field(False, description="listed in the README's command table")
    contributing_flow: bool = Field(False, description="described in CONTRIBUTING's flow section")
    claude_golden_path: bool = Field(False, description="part of the agent instructions' golden path")


class Command(FormatModel):
    """One command a developer or CI runs."""

    item_label: ClassVar[str] = "command"
    run: Text | None = Field(None, description="the shell command line")
    category: Text | None = Field(None, description="e.g. onboarding, security, release")
    summary: Text | None = Field(None, description="what the command does, in one line")
    description: Text | None = None
    required: bool = Field(False, description="must be a step of at least one flow")
    docs: CommandDocs = Field(default_factory=CommandDocs)
    tags: StrList = Field(default_factory=list)

    @property
    def label(self) -> str:
        return self.run or self.summary or self.description or ""


class Flow(FormatModel):
    """An ordered list of command names."""

    item_label: ClassVar[str] = "flow"
    name: Text | None = Field(None, description="human-readable name")
    description: Text | None = None
    required: bool = Field(False, description="a flow every cell of the template must keep")
    documented_in: StrList = Field(default_factory=list, description="files that describe the flow")
    steps: StrList = Field(description="command names, in order")


class FlowsFile(FormatModel):
    """The whole devex flows file."""

    item_label: ClassVar[str] = "flows file"
    schema_version: Text | None = None
    template_version: Text | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    commands: dict[str, Command] = Field(default_factory=dict)
    flows: dict[str, Flow] = Field(default_factory=dict)
