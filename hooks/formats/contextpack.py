"""``.llm/contextpack.yaml``: bounded context bundles for LLM agents.

The common form is ``tasks: {NAME: {description, max_bytes, include, prompt}}``;
``exclude``, ``max_files``, ``acs`` and ``requirements`` are optional
additions.  Budgets must be positive: a zero budget is a typo, not a policy.
Contextpacks written for the Rust template govcell descends from spell the
patterns ``include_globs`` and name an ``output`` file; both are accepted as
they are, so such a file validates unchanged.

This module is only the model; resolving, checking and rendering bundles lives
in ``govcell.derive.bundles``.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, model_validator

from govcell.formats.base import FormatModel, StrList, Text


class BundleTask(FormatModel):
    """One bundle an agent can ask for."""

    item_label: ClassVar[str] = "bundle"
    description: Text = Field(description="what the bundle is for")
    max_bytes: int = Field(gt=0, description="budget of the rendered bundle, in bytes")
    include: StrList = Field(default_factory=list,
                             description="glob patterns of files, in order (** spans directories)")
    include_globs: StrList = Field(default_factory=list,
                                   description="the Rust template's name for include; both may be given")
    exclude: StrList = Field(default_factory=list, description="glob patterns removed from the includes")
    prompt: Text | None = Field(None, description="instructions placed at the top of the bundle")
    output: Text | None = Field(None, description="where `govcell bundle NAME` writes by default "
                                                  "(default: <bundles.output_dir>/NAME.md)")
    max_files: int | None = Field(None, gt=0, description="upper bound on the number of files")
    acs: StrList = Field(default_factory=list, description="AC-... IDs this bundle serves")
    requirements: StrList = Field(default_factory=list, description="REQ-... IDs this bundle serves")
    allow_secrets: StrList = Field(default_factory=list,
                                   description="exact paths allowed in despite looking like secrets "
                                               "(test fixtures); globs are not accepted here")

    @model_validator(mode="after")
    def _needs_a_pattern(self) -> BundleTask:
        if not self.include and not self.include_globs:
            raise ValueError("a bundle needs at least one include pattern")
        return self

    @property
    def patterns(self) -> list[str]:
        """Every include pattern, ``include`` first, in the order written."""
        return [*self.include, *self.include_globs]


class ContextPack(FormatModel):
    """The whole contextpack file."""

    item_label: ClassVar[str] = "contextpack"
    version: Text | None = None
    tasks: dict[str, BundleTask] = Field(default_factory=dict)
