"""govcell.load.regex_safety: the safety of a configured pattern is decided from its parse tree alone."""

from __future__ import annotations

import time

import pytest

from govcell.load.regex_safety import unsafe_reason

#: Patterns that backtrack catastrophically (or polynomially) on hostile IDs and tags: refused.
HOSTILE = {
    "(A+)+X": "nests one repetition",  # the hostile corpus's ids.ac
    "US-(A+)+X": "nests one repetition",  # features/hostile.feature
    "US-[A-Z]*[A-Z]*[A-Z]*x": "two repeats",  # cubic: the hostile corpus's ids.story
    "@(a|a)*b": "repeats an alternation",  # the hostile corpus's ac_tags.pattern
    "@(a|ab)*b": "repeats an alternation",
    "(?:[A-Z]+-?)*": "nests one repetition",
    r"(\w+\s?)+$": "nests one repetition",
    r"\w+_?\w+": "two repeats",  # an optional separator does not separate
    ".*=.*": "two repeats",  # the separator is one of the characters both repeats match
    "(?:x[A-Z]*)[A-Z]*": "two repeats",  # a group that ends in a repeat competes with what follows it
    "[A-Z]{0,100}[A-Z]{0,100}": "two repeats",  # bounded, but by far more than a few
    "@ac-[a-z]*[A-Z]*": "two repeats",  # tags are also searched ignoring case
    r"(a)\1": "backreference",
    "a*b*c*d*e*": "5 unbounded repeats",
}

#: Patterns the defaults, the docs, the scenarios and the reference cell's ID styles use: accepted.
ORDINARY = [
    "US-[A-Z0-9][A-Z0-9-]*", "REQ-[A-Z0-9][A-Z0-9-]*", "AC-[A-Z0-9][A-Z0-9-]*", "ADR-[0-9]{4}",  # defaults, docs
    "@AC-[A-Z0-9][A-Z0-9-]*",  # the default AC tag
    "@req:(?P<id>AC-[A-Z0-9-]+)",  # features/ac_tags.feature (the scenario whose timing probe flaked)
    "STORY-[0-9]+", "US-[A-Z0-9-]+", "AC-B[0-9]+-1[0-9]+",  # tests' configs
    r"^AC-[A-Z]+-\d{3}$", "[A-Z]+-[A-Z0-9-]+", r"@(?:ac|AC)-(?P<id>[0-9]+)",
    "AC-[A-Z0-9]{1,3}[A-Z0-9-]*",  # a short choice then a repeat: a constant factor
    "AC-(?:TPL|EXAMPLE)-[A-Z0-9-]+",  # the reference cell's AC-TPL-… and AC-EXAMPLE-001
]


@pytest.mark.parametrize("pattern", sorted(HOSTILE))
def test_hostile_patterns_are_refused(pattern: str) -> None:
    why = unsafe_reason(pattern)
    assert why is not None and HOSTILE[pattern] in why


@pytest.mark.parametrize("pattern", ORDINARY)
def test_ordinary_patterns_are_accepted(pattern: str) -> None:
    assert unsafe_reason(pattern) is None


def test_invalid_patterns_are_left_to_re() -> None:
    assert unsafe_reason("US-[(") is None  # config.bad-pattern says why


def test_the_verdict_does_not_depend_on_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """No timing: a clock that jumps by an hour at every reading changes nothing."""
    ticks = iter(range(0, 10**9, 3600))
    monkeypatch.setattr(time, "perf_counter", lambda: float(next(ticks)))
    monkeypatch.setattr(time, "monotonic", lambda: float(next(ticks)))
    assert [unsafe_reason(p) for p in ORDINARY] == [None] * len(ORDINARY)
    assert all(unsafe_reason(p) for p in HOSTILE)
