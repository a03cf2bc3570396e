"""``specs/devex_flows.yaml``: named developer commands and the flows that chain them.

A command marked ``required`` must be reached by some flow (checked by the
governance graph), so documented workflows cannot silently drop a step.
"""

from __future__ import annotations

from pydantic import Field

from hooks.models import StrictModel, StrList, Text


class Command(StrictModel):
    """One command a developer or CI runs."""

    run: Text = Field(description="the shell command line")
    description: Text | None = None
    required: bool = Field(False, description="must be a step of at least one flow")
    tags: StrList = Field(default_factory=list)


class Flow(StrictModel):
    """An ordered list of command names."""

    description: Text | None = None
    steps: StrList = Field(description="command names, in order")


class FlowsFile(StrictModel):
    """The whole devex flows file."""

    metadata: dict[str, Text] = Field(default_factory=dict)
    commands: dict[str, Command] = Field(default_factory=dict)
    flows: dict[str, Flow] = Field(default_factory=dict)
