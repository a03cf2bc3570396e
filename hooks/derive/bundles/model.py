"""What a resolved bundle is: its files, its ledger links, its findings, and its size against the budget.

Plain dataclasses shared by resolution, the budget and the renderer, so the
renderer needs nothing but these types.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from govcell.diagnostics import Diagnostic, Severity
from govcell.load.secrets import SecretHit

if TYPE_CHECKING:
    from govcell.formats.ledger import AcceptanceCriterion, Requirement, Story


#: Codes whose error findings refuse to render a bundle at all.
SAFETY_CODES = frozenset({"bundle.path-escape", "bundle.symlink-escape", "bundle.secret-file",
                          "bundle.secret-content"})
#: git's own binary heuristic: a NUL byte in the first 8000 bytes.
BINARY_SNIFF = 8000
#: A bundle name becomes a file name: no separators, and no leading '.' or '-' (hidden files, option-like names).
TASK_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


# --------------------------------------------------------------------------- data


@dataclasses.dataclass
class FileInfo:
    """One repository file as the bundler judged it (read at most once per cell)."""

    path: str
    size: int = 0
    text: str | None = None
    #: why the file cannot go into a bundle (binary, not UTF-8, ...); None when it can
    skip: str | None = None
    #: the short skip category used for grouping findings
    skip_kind: str | None = None
    #: where a symlink points when that is outside the repository
    escape: str | None = None
    secret_file: str | None = None
    hits: list[SecretHit] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Scenario:
    """A Gherkin scenario that proves an AC: its name and where it starts."""

    name: str
    file: str
    line: int


@dataclasses.dataclass
class LinkedAC:
    ac: AcceptanceCriterion
    scenarios: list[Scenario]
    status: str


@dataclasses.dataclass
class LinkedRequirement:
    story: Story
    requirement: Requirement
    acs: list[LinkedAC]


@dataclasses.dataclass
class Bundle:
    """A resolved bundle, ready to render: what goes in, what does not, and why."""

    name: str
    description: str
    prompt: str | None
    max_bytes: int
    commit: str | None
    in_git: bool
    links: list[LinkedRequirement]
    #: IDs the bundle names that the ledger does not hold
    missing_ids: list[str]
    files: list[FileInfo]
    #: (path, reason) of files matched but not included
    skipped: list[tuple[str, str]]
    findings: list[Diagnostic]
    #: (path, bytes, reason) of files left out to respect max_bytes/max_files
    omitted: list[tuple[str, int, str]] = dataclasses.field(default_factory=list)
    kind: str = "task"
    #: the safety findings of ``findings`` that are about a file, each with its message without the bundle's
    #: name (a file picked by several bundles is reported once, naming them all)
    shared: list[tuple[Diagnostic, str]] = dataclasses.field(default_factory=list)
    #: (title, Markdown) parts of the header after the prompt (the governance diff of a change bundle)
    sections: list[tuple[str, str]] = dataclasses.field(default_factory=list)

    @property
    def refused(self) -> bool:
        """True when a safety finding forbids rendering this bundle."""
        return any(d.code in SAFETY_CODES and d.severity is Severity.ERROR for d in self.findings)


@dataclasses.dataclass
class BundleBudget:
    """A bundle's size against its budget, for the site and ``govcell bundle --list``."""

    name: str
    description: str
    max_bytes: int
    bytes: int
    #: (path, bytes) of every file the bundle carries, in bundle order
    files: list[tuple[str, int]]
    #: (path, reason) of files matched but not carried
    skipped: list[tuple[str, str]]
    over: bool
