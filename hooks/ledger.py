"""The spec ledger: stories -> requirements -> acceptance criteria -> test mappings.

The models accept ledgers written for the Rust service template govcell
descends from exactly as they are (``adr`` as a string or a list,
``must_have_ac`` defaulting to true) and reject unknown keys.  ``check`` adds
what a schema cannot say: ID patterns, IDs unique across the whole cell and
non-empty text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from hooks.diagnostics import Diagnostic, diag
from hooks.models import StrictModel, StrList, Text, as_list

if TYPE_CHECKING:
    from hooks.cell import Cell

TestType = Literal["unit", "bdd", "integration", "ci", "manual", "docs"]
AUTOMATED_TYPES: frozenset[str] = frozenset({"unit", "bdd", "integration"})
Status = Literal["draft", "active", "deprecated"]


class TestMapping(StrictModel):
    """How an AC is proven: a scenario tag, a unit test name, a CI job, a manual step..."""

    type: TestType = Field(description="unit | bdd | integration (automated) | ci | manual | docs")
    tag: Text | None = Field(None, description="scenario tag (@AC-...) or test name")
    file: Text | None = Field(None, description="file holding the test or scenario, relative to the repo")
    module: Text | None = Field(None, description="test module or namespace (e.g. app::tests)")
    name: Text | None = Field(None, description="human-readable name of the test")
    command: Text | None = Field(None, description="command that runs it (ci/manual)")
    note: Text | None = None

    @property
    def automated(self) -> bool:
        return self.type in AUTOMATED_TYPES


class AcceptanceCriterion(StrictModel):
    """One testable statement; a *kernel* AC must be proven by an automated test."""

    id: Text = Field(description="AC-... identifier, unique in the cell")
    text: Text = Field(description="what must hold, in one sentence")
    tags: StrList = Field(default_factory=list)
    must_have_ac: bool = Field(True, description="false marks an AC that need not be proven by a test")
    status: Status = "active"
    owner: Text | None = None
    note: Text | None = None
    adr: Text | list[Text] | None = Field(None, description="ADR-NNNN or a list of them")
    depends_on: StrList = Field(default_factory=list)
    tests: list[TestMapping] = Field(default_factory=list)

    @property
    def adrs(self) -> list[str]:
        return as_list(self.adr)


class Requirement(StrictModel):
    """A requirement of a story; with ``must_have_ac`` it needs at least one AC."""

    id: Text = Field(description="REQ-... identifier, unique in the cell")
    title: Text
    description: Text | None = None
    tags: StrList = Field(default_factory=list)
    must_have_ac: bool = True
    status: Status = "active"
    owner: Text | None = None
    adr: Text | list[Text] | None = None
    docs: StrList = Field(default_factory=list, description="documentation files that describe it")
    ci_workflows: StrList = Field(default_factory=list)
    rationale: Text | None = None
    depends_on: StrList = Field(default_factory=list)
    acceptance_criteria: list[AcceptanceCriterion] = Field(default_factory=list)

    @property
    def adrs(self) -> list[str]:
        return as_list(self.adr)


class Story(StrictModel):
    """A user story grouping requirements."""

    id: Text = Field(description="US-... identifier, unique in the cell")
    title: Text
    description: Text | None = None
    adr: Text | list[Text] | None = None
    status: Status = "active"
    owner: Text | None = None
    tags: StrList = Field(default_factory=list)
    depends_on: StrList = Field(default_factory=list)
    requirements: list[Requirement] = Field(default_factory=list)

    @property
    def adrs(self) -> list[str]:
        return as_list(self.adr)


class Metadata(StrictModel):
    schema_version: Text = "1.0"
    template_version: Text | None = None
    last_updated: Text | None = None
    title: Text | None = None
    description: Text | None = None
    owner: Text | None = None
    adrs: StrList = Field(default_factory=list)


class Ledger(StrictModel):
    """``specs/spec_ledger.yaml``."""

    metadata: Metadata = Field(default_factory=Metadata)
    stories: list[Story] = Field(default_factory=list)

    def iter_requirements(self) -> Iterator[tuple[Story, Requirement]]:
        for story in self.stories:
            for req in story.requirements:
                yield story, req

    def iter_acs(self) -> Iterator[tuple[Story, Requirement, AcceptanceCriterion]]:
        for story in self.stories:
            for req in story.requirements:
                for ac in req.acceptance_criteria:
                    yield story, req, ac


def is_kernel(req: Requirement, ac: AcceptanceCriterion) -> bool:
    """A kernel AC is one both its requirement and itself say must be proven."""
    return req.must_have_ac and ac.must_have_ac


def check(cell: Cell) -> list[Diagnostic]:
    """Schema, ID patterns, duplicate IDs and empty text of the ledger.

    The optional ``tasks`` and ``flows`` files are schema-checked here too: they
    are spec files, and their cross-references are the governance graph's job.
    """
    loaded = cell.ledger
    found = list(loaded.diagnostics) + cell.tasks.diagnostics + cell.flows.diagnostics
    if not loaded.present:
        found.append(diag("ledger.missing", f"no spec ledger at {loaded.path}", loaded.path,
                          hint="create it (see `govcell schema ledger`) or set paths.ledger in .govcell.yaml"))
        return found
    if isinstance(loaded.raw.data, dict):
        found.extend(_check_ids(cell, loaded.raw.data))
    return found


_LEVELS = (("stories", "story", "story"), ("requirements", "requirement", "requirement"),
           ("acceptance_criteria", "ac", "acceptance criterion"))


def _check_ids(cell: Cell, data: dict[str, Any]) -> list[Diagnostic]:
    """Walk the raw data (so this works even when the schema failed elsewhere)."""
    raw = cell.ledger.raw
    found: list[Diagnostic] = []
    patterns: dict[str, re.Pattern[str]] = {}
    for _, key, _ in _LEVELS:
        source = getattr(cell.config.ids, key)
        try:
            patterns[key] = re.compile(source)
        except re.error as exc:
            found.append(diag("config.bad-pattern", f"ids.{key} is not a valid regular expression: {exc}",
                              cell.config_source or ".govcell.yaml", 1, 1))
    seen: dict[str, tuple[int, int]] = {}

    def walk(items: Any, path: tuple[Any, ...], depth: int) -> None:
        if depth >= len(_LEVELS) or not isinstance(items, list):
            return
        child_key, kind, label = _LEVELS[depth]
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            here = path + (i,)
            ident = item.get("id")
            if isinstance(ident, str):
                line, col = raw.position(here + ("id",))
                pattern = patterns.get(kind)
                if pattern is not None and not pattern.fullmatch(ident):
                    found.append(diag("ledger.id-pattern", f"{label} ID '{ident}' does not match {pattern.pattern}",
                                      raw.path, line, col, hint=f"rename it, or change ids.{kind} in the config"))
                if ident in seen:
                    first = seen[ident]
                    found.append(diag("ledger.duplicate-id", f"ID '{ident}' is already used on line {first[0]}",
                                      raw.path, line, col, hint="every story, requirement and AC ID must be unique"))
                else:
                    seen[ident] = (line, col)
            text_key = "text" if kind == "ac" else "title"
            text = item.get(text_key)
            if isinstance(text, str) and not text.strip():
                line, col = raw.position(here + (text_key,))
                found.append(diag("ledger.empty-text", f"{label} {ident or '#' + str(i)} has an empty {text_key}",
                                  raw.path, line, col, hint=f"say what the {label} is"))
            if depth + 1 < len(_LEVELS):
                walk(item.get(_LEVELS[depth + 1][0]), here + (_LEVELS[depth + 1][0],), depth + 1)

    walk(data.get("stories"), ("stories",), 0)
    return found
