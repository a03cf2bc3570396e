"""The spec ledger: stories -> requirements -> acceptance criteria -> test mappings.

The models follow the ledgers the Rust service template govcell descends from
writes, at every version of its format (its ``crates/spec-ledger`` structs and
``docs/reference/spec-ledger-schema.md``): ``adr`` as a string or a list,
``must_have_ac`` defaulting to true, test mappings with ``workflow``, ``docs``
entries that are paths, doc IDs or one-key mappings (``{design_doc: path}``),
``ci_workflows`` that name workflow files or doc IDs.  Keys no version defines
are kept as extension fields (``govcell.load.validate``).  The ``spec-ledger``
check (``govcell.checks.spec_ledger``) adds what a schema cannot say: ID
patterns, IDs unique across the whole cell and non-empty text.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field

from govcell.formats.base import ESSENTIAL, FormatModel, StrList, Text, as_list

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
