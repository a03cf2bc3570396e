"""The index of a cell's scenarios: what parsing its feature files gives, and how AC tags are told.

Plain frozen dataclasses (pickled by their fields into the shared cache and from
a child process that parsed them, :func:`govcell.load.features.fast_pickled`)
and the :class:`TagMatcher` of the configured AC tag pattern.  Parsing is
:mod:`govcell.load.features`.
"""

from __future__ import annotations

import dataclasses
import re

from govcell.diagnostics import Diagnostic

DEFAULT_AC_TAG = r"@AC-[A-Z0-9][A-Z0-9-]*"


@dataclasses.dataclass(frozen=True, slots=True)
class TagRef:
    """One tag as written in a file: where it is and what it is attached to."""

    name: str  #: with '@'
    line: int
    col: int
    level: str  #: feature | rule | scenario | examples


@dataclasses.dataclass(frozen=True, slots=True)
class Examples:
    """An Examples table of a Scenario Outline; its tags apply to its rows."""

    name: str
    line: int
    tags: tuple[str, ...]
    ac_ids: tuple[str, ...]
    rows: int


@dataclasses.dataclass(frozen=True, slots=True)
class Scenario:
    """A Scenario or Scenario Outline with its effective tags.

    ``tags`` are the effective tags (Feature, Rule, Scenario and, for an outline,
    its Examples' tags), with '@', sorted; ``ac_ids`` are the AC IDs among them.
    """

    name: str
    keyword: str
    file: str
    line: int
    tags: tuple[str, ...]
    ac_ids: tuple[str, ...]
    rule: str | None
    text: str
    column: int = 1
    own_tags: tuple[str, ...] = ()
    examples: tuple[Examples, ...] = ()

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def outline(self) -> bool:
        return bool(self.examples)


@dataclasses.dataclass(frozen=True, slots=True)
class FeatureFile:
    """One parsed ``.feature`` file (``name`` is empty when it holds no Feature)."""

    path: str
    name: str
    line: int
    language: str
    tags: tuple[str, ...]
    scenarios: list[Scenario]
    keyword: str = "Feature"
    tag_refs: tuple[TagRef, ...] = ()


@dataclasses.dataclass
class FeatureIndex:
    """Every feature file of the cell, the parse findings, and scenarios by AC ID."""

    files: list[FeatureFile]
    diagnostics: list[Diagnostic]
    by_ac: dict[str, list[Scenario]]
    pattern: str = DEFAULT_AC_TAG

    @property
    def scenarios(self) -> list[Scenario]:
        return [s for f in self.files for s in f.scenarios]

    def file(self, path: str) -> FeatureFile | None:
        for f in self.files:
            if f.path == path:
                return f
        return None


#: Longest tag matched against the AC tag pattern: an ID of govcell.load.regex_safety.MAX_ID_LENGTH, '@' and a prefix.
_MAX_TAG = 256


class TagMatcher:
    """Decides which tags are AC tags and which AC ID each names."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.regex = re.compile(pattern)
        self.loose = re.compile(pattern.lstrip("^").rstrip("$"), re.IGNORECASE)

    def ac_id(self, tag: str) -> str | None:
        """The AC ID a tag names, or None when it is not an AC tag (nor one that is over-long)."""
        if len(tag) > _MAX_TAG:
            return None
        m = self.regex.fullmatch(tag)
        if m is None:
            return None
        if "id" in self.regex.groupindex and m.group("id"):
            return m.group("id")
        if self.regex.groups and m.group(1):
            return m.group(1)
        return tag[1:] if tag.startswith("@") else tag

    def near_miss(self, tag: str) -> str | None:
        """For a tag that *almost* is an AC tag (case, stray comma), the tag meant."""
        if len(tag) > _MAX_TAG or self.regex.fullmatch(tag):
            return None
        m = self.loose.search(tag)
        if m is None:
            return None
        guess = m.group(0)
        if not guess.startswith("@"):
            guess = "@" + guess
        upper = guess.upper()
        if self.regex.fullmatch(guess):
            return guess
        if self.regex.fullmatch(upper):
            return upper
        return None


#: The dataclasses of a feature index: pickled by their fields (``govcell.load.cache.fast_pickle``).
INDEX_CLASSES: tuple[type, ...] = (FeatureFile, Scenario, Examples, TagRef)
