"""The spec ledger: stories -> requirements -> acceptance criteria -> test mappings.

The models follow the ledgers the Rust service template govcell descends from
writes, at every version of its format (its ``crates/spec-ledger`` structs and
``docs/reference/spec-ledger-schema.md``): ``adr`` as a string or a list,
``must_have_ac`` defaulting to true, test mappings with ``workflow``, ``docs``
entries that are paths, doc IDs or one-key mappings (``{design_doc: path}``),
``ci_workflows`` that name workflow files or doc IDs.  Keys no version defines
are kept as extension fields (``govcell.load.validate``).  ``check`` adds what a
schema cannot say: ID patterns, IDs unique across the whole cell and non-empty
text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field

from govcell.diagnostics import Diagnostic, Severity, diag, did_you_mean
from govcell.formats.base import ESSENTIAL, FormatModel, StrList, Text, as_list

if TYPE_CHECKING:
    from govcell.cell import Cell

#: The test types govcell knows; others (older ledgers have ``snapshot``) load, with a warning.
TEST_TYPES = ("unit", "bdd", "integration", "ci", "manual", "docs")
AUTOMATED_TYPES: frozenset[str] = frozenset({"unit", "bdd", "integration"})
Status = Literal["draft", "active", "deprecated"]

#: Keys of a one-key ``docs`` mapping that name the document, most specific first.
_DOC_KEYS = ("path", "file", "doc", "id", "href", "url")


def _doc_ref(value: Any) -> Any:
    """A ``docs`` entry as a string: a path or doc ID, or the value of a ``{kind: path}`` mapping."""
    if isinstance(value, dict):
        for key in _DOC_KEYS:
            if isinstance(value.get(key), str):
                return value[key]
        strings = [v for v in value.values() if isinstance(v, str)]
        if len(strings) == 1:
            return strings[0]
    return value


DocRef = Annotated[Text, BeforeValidator(_doc_ref)]


def _doc_list(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, (str, dict)):
        return [value]
    return value


#: ``docs:`` of a requirement: one entry or a list of paths, doc IDs or ``{kind: path}`` mappings.
DocList = Annotated[list[DocRef], BeforeValidator(_doc_list)]


class TestMapping(FormatModel):
    """How an AC is proven: a scenario tag, a unit test name, a CI job, a manual step..."""

    item_label: ClassVar[str] = "test mapping"
    type: Text = Field(description="unit | bdd | integration (automated) | ci | manual | docs; another type "
                                   "loads with a warning and counts as not automated")
    tag: Text | None = Field(None, description="scenario tag (@AC-...) or test name")
    file: Text | None = Field(None, description="file holding the test or scenario, relative to the repo")
    module: Text | None = Field(None, description="test module or namespace (e.g. app::tests)")
    name: Text | None = Field(None, description="human-readable name of the test")
    command: Text | None = Field(None, description="command that runs it (ci/manual)")
    workflow: Text | None = Field(None, description="CI workflow file that runs it (ci), e.g. ci-lints.yml")
    note: Text | None = None

    @property
    def automated(self) -> bool:
        return self.type in AUTOMATED_TYPES


class AcceptanceCriterion(FormatModel):
    """One testable statement; a *kernel* AC must be proven by an automated test."""

    item_label: ClassVar[str] = "acceptance criterion"
    id: Text = Field(description="AC-... identifier, unique in the cell")
    text: Text = Field("", description="what must hold, in one sentence (an AC without one is a warning)",
                       json_schema_extra=ESSENTIAL)
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


class Requirement(FormatModel):
    """A requirement of a story; with ``must_have_ac`` it needs at least one AC."""

    item_label: ClassVar[str] = "requirement"
    id: Text = Field(description="REQ-... identifier, unique in the cell")
    title: Text = Field("", description="the requirement in a few words (one without is a warning)",
                        json_schema_extra=ESSENTIAL)
    description: Text | None = None
    tags: StrList = Field(default_factory=list)
    must_have_ac: bool = True
    status: Status = "active"
    owner: Text | None = None
    adr: Text | list[Text] | None = None
    docs: DocList = Field(default_factory=list, description="documents that describe it: paths (relative to "
                                                            "the repository), doc IDs of the doc index, or "
                                                            "one-key mappings such as {design_doc: path}")
    ci_workflows: StrList = Field(default_factory=list, description="CI workflows that enforce it: workflow file "
                                                                    "names or doc IDs of the doc index")
    rationale: Text | None = None
    depends_on: StrList = Field(default_factory=list)
    acceptance_criteria: list[AcceptanceCriterion] = Field(default_factory=list)

    @property
    def adrs(self) -> list[str]:
        return as_list(self.adr)


class Story(FormatModel):
    """A user story grouping requirements."""

    item_label: ClassVar[str] = "story"
    id: Text = Field(description="US-... identifier, unique in the cell")
    title: Text = Field("", description="the story in a few words (one without is a warning)",
                        json_schema_extra=ESSENTIAL)
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


class Metadata(FormatModel):
    """The ledger's ``metadata``: versions, a description and template-wide ADRs."""

    item_label: ClassVar[str] = "metadata"
    schema_version: Text = "1.0"
    template_version: Text | None = None
    last_updated: Text | None = None
    title: Text | None = None
    description: Text | None = None
    owner: Text | None = None
    adrs: StrList = Field(default_factory=list)


class Ledger(FormatModel):
    """``specs/spec_ledger.yaml``."""

    item_label: ClassVar[str] = "ledger"
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
    found = list(loaded.diagnostics) + cell.tasks.diagnostics + cell.flows.diagnostics + cell.doc_index.diagnostics
    if not loaded.present:
        found.append(diag("ledger.missing", f"no spec ledger at {loaded.path}", loaded.path,
                          hint="create it (see `govcell schema ledger`) or set paths.ledger in .govcell.yaml"))
        return found
    if isinstance(loaded.raw.data, dict):
        found.extend(_check_ids(cell, loaded.raw.data))
    return found


def _check_test_types(raw: Any, item: dict[str, Any], here: tuple[Any, ...]) -> list[Diagnostic]:
    """A test type govcell does not know loads (older ledgers use ``snapshot``) but is not counted as proof."""
    out: list[Diagnostic] = []
    tests = item.get("tests")
    for ti, test in enumerate(tests if isinstance(tests, list) else []):
        kind = test.get("type") if isinstance(test, dict) else None
        if isinstance(kind, str) and kind not in TEST_TYPES:
            line, col = raw.position(here + ("tests", ti, "type"))
            out.append(diag("ledger.unknown-test-type", f"test type '{kind}' is not one govcell knows; the "
                            "mapping loads but does not count as automated proof", raw.path, line, col,
                            severity=Severity.WARNING, hint=did_you_mean(kind, TEST_TYPES)
                            or f"use one of {', '.join(TEST_TYPES)}"))
    return out


_LEVELS = (("stories", "story", "story"), ("requirements", "requirement", "requirement"),
           ("acceptance_criteria", "ac", "acceptance criterion"))


def _check_ids(cell: Cell, data: dict[str, Any]) -> list[Diagnostic]:
    """Walk the raw data (so this works even when the schema failed elsewhere)."""
    from govcell.load.regex_safety import MAX_ID_LENGTH

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
        _child_key, kind, label = _LEVELS[depth]
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            here = path + (i,)
            ident = item.get("id")
            if isinstance(ident, (int, float)) and not isinstance(ident, bool):
                ident = str(ident)  # an unquoted number is still an ID, and must match the pattern
            if isinstance(ident, str):
                line, col = raw.position(here + ("id",))
                pattern = patterns.get(kind)
                if len(ident) > MAX_ID_LENGTH:
                    # Never run a user's pattern on it: a pattern that is fast on IDs can be slow on 100k characters.
                    found.append(diag("ledger.id-too-long", f"{label} ID '{ident[:40]}...' is {len(ident)} characters "
                                      f"long (at most {MAX_ID_LENGTH})", raw.path, line, col,
                                      hint="give it a short ID, like US-SHOP-001"))
                elif pattern is not None and not pattern.fullmatch(ident):
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
            if text is None or (isinstance(text, str) and not text.strip()):
                line, col = raw.position(here + (text_key,) if text_key in item else here)
                what = "an empty" if text_key in item else "no"
                found.append(diag("ledger.empty-text", f"{label} {ident or '#' + str(i)} has {what} {text_key}",
                                  raw.path, line, col, severity=Severity.WARNING, hint=f"say what the {label} is"))
            if kind == "ac":
                found.extend(_check_test_types(raw, item, here))
            if depth + 1 < len(_LEVELS):
                walk(item.get(_LEVELS[depth + 1][0]), here + (_LEVELS[depth + 1][0],), depth + 1)

    walk(data.get("stories"), ("stories",), 0)
    return found
