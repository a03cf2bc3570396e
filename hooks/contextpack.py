"""``.llm/contextpack.yaml``: bounded context bundles for LLM agents.

The common form is ``tasks: {NAME: {description, max_bytes, include, prompt}}``;
``exclude``, ``max_files``, ``acs`` and ``requirements`` are optional
additions.  Budgets must be positive: a zero budget is a typo, not a policy.
"""

from __future__ import annotations

from pydantic import Field

from hooks.models import StrictModel, StrList, Text


class BundleTask(StrictModel):
    """One bundle an agent can ask for."""

    description: Text = Field(description="what the bundle is for")
    max_bytes: int = Field(gt=0, description="budget of the rendered bundle, in bytes")
    include: StrList = Field(min_length=1, description="glob patterns of files, in order")
    exclude: StrList = Field(default_factory=list, description="glob patterns removed from the includes")
    prompt: Text | None = Field(None, description="instructions placed at the top of the bundle")
    max_files: int | None = Field(None, gt=0, description="upper bound on the number of files")
    acs: StrList = Field(default_factory=list, description="AC-... IDs this bundle serves")
    requirements: StrList = Field(default_factory=list, description="REQ-... IDs this bundle serves")
    allow_secrets: StrList = Field(default_factory=list,
                                   description="paths allowed in despite looking like secrets")


class ContextPack(StrictModel):
    """The whole contextpack file."""

    version: Text | None = None
    tasks: dict[str, BundleTask] = Field(default_factory=dict)
