"""govcell.load.gherkin_fast: gherkin's grammar driven cheaply gives the index exactly what gherkin's AST gives.

Each case parses a text twice through :func:`govcell.load.features.parse_feature`:
once with the skeleton parser (the fast path) and once with gherkin-official's
own parser (:func:`parse_stock`).  The feature files, scenarios, tags, positions
and findings must be equal, and where the text is valid the fast path must not
have given up (else it would be a slow path that merely agrees).
"""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govcell.diagnostics import Diagnostic
from govcell.load import gherkin_fast
from govcell.load.feature_index import FeatureFile
from govcell.load.features import parse_feature
from tests.test_robustness import VALID_FEATURE

LINES = ["Feature: F", "Rule: R", "Background:", "Scenario: S", "Example: E", "Scenario Outline: O <x>",
         "Scenario Template: T", "Examples:", "Scenarios: more", "Given a", "When b", "Then c", "And d", "But e",
         "* e", "Given", "| x |", "| 1 |", "| 1 | 2 |", "|", '"""', '""" json', "```", "``` text", "@AC-A-001",
         "@AC-A-404 @wip", "@a @b # a comment", "@a b", "@", "# language: fr", "# language: xx", "#language:de",
         "Fonctionnalité: F", "Scénario: S", "Soit x", "Funktionalität: F", "# comment", "", "  ", "Feature:F",
         "Feature : F", "Rule:", "Scenario:", "plain text", "Given: colon", "Examples: <x>", "\\\"\\\"\\\""]


Parsed = tuple[FeatureFile | None, list[Diagnostic]]


def _both(text: str) -> tuple[Parsed, Parsed, int]:
    """(fast result, stock result, how often the fast path gave up) for ``text``."""
    gave_up = 0
    stock = gherkin_fast.parse_stock

    def counting(source: str) -> object:
        nonlocal gave_up
        gave_up += 1
        return stock(source)

    with mock.patch.object(gherkin_fast, "parse_stock", counting):
        fast = parse_feature(text, "x.feature")
    with mock.patch.object(gherkin_fast, "parse", stock):
        slow = parse_feature(text, "x.feature")
    return fast, slow, gave_up


def _assert_same(text: str) -> None:
    fast, slow, gave_up = _both(text)
    assert fast == slow
    valid = not slow[1]
    if valid and slow[0] is not None:
        assert gave_up == 0, "the fast path gave up on a file gherkin parses"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(LINES), max_size=30), st.lists(st.integers(0, 6), max_size=30),
       st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_generated_files_index_alike(lines: list[str], indents: list[int], newline: str, final: bool) -> None:
    text = newline.join(" " * (indents[i] if i < len(indents) else 0) + line for i, line in enumerate(lines))
    _assert_same(text + (newline if final else ""))


# A valid document, built from gherkin's grammar, with comments, empty lines and odd indents anywhere.
_pad = st.sampled_from(["", "", "", "# note", "  #  indented note", "   ", "# language: fr"])
_tags = st.lists(st.sampled_from(["@AC-A-001", "@AC-B-002 @wip", "@t", "@a @b # trailing"]), max_size=2)
_desc = st.lists(st.sampled_from(["Some words.", "Given looks like a step", "| looks | like a row |",
                                  "Scenario without colon", "  indented words"]), max_size=2)
_table = st.integers(1, 3).flatmap(lambda n: st.lists(st.just("| " + " | ".join(["c"] * n) + " |"),
                                                       min_size=1, max_size=3))
_docstring = st.sampled_from(['"""', "```", '""" json']).flatmap(
    lambda sep: st.lists(st.sampled_from(["text", "@not-a-tag", "Scenario: not one", "# not a comment",
                                          "", '\\"\\"\\"', "```" if sep.startswith('"') else '"""']),
                         max_size=3).map(lambda body: [sep, *body, sep[:3]]))
_step = st.tuples(st.sampled_from(["Given a", "When b", "Then c", "And d", "But e", "* f"]),
                  st.one_of(st.just([]), _table, _docstring)).map(lambda t: [t[0], *t[1]])
_steps = st.lists(_step, max_size=3).map(lambda steps: [line for step in steps for line in step])
_examples = st.tuples(_tags, st.sampled_from(["Examples:", "Scenarios: named"]), _desc,
                      st.one_of(st.just([]), _table)).map(lambda t: [*t[0], t[1], *t[2], *t[3]])
_scenario = st.tuples(_tags, st.sampled_from(["Scenario: S", "Example: E", "Scenario Outline: O <c>",
                                              "Scenario:"]), _desc, _steps,
                      st.lists(_examples, max_size=2)).map(
    lambda t: [*t[0], t[1], *t[2], *t[3], *(line for ex in t[4] for line in ex)])
_background: st.SearchStrategy[list[str]] = st.one_of(
    st.just([]), st.tuples(_desc, _steps).map(lambda t: ["Background:", *t[0], *t[1]]))
_rule = st.tuples(_tags, st.sampled_from(["Rule: R", "Rule:"]), _desc, _background,
                  st.lists(_scenario, max_size=2)).map(
    lambda t: [*t[0], t[1], *t[2], *t[3], *(line for sc in t[4] for line in sc)])
_feature = st.tuples(_tags, st.sampled_from(["Feature: F", "Ability: A", "Feature:"]), _desc, _background,
                     st.lists(_scenario, max_size=3), st.lists(_rule, max_size=2)).map(
    lambda t: [*t[0], t[1], *t[2], *t[3], *(line for sc in t[4] for line in sc),
               *(line for rule in t[5] for line in rule)])


@st.composite
def valid_documents(draw: st.DrawFn) -> str:
    lines = draw(_feature)
    out = []
    for line in lines:
        out.extend(draw(st.lists(_pad, max_size=1)))
        out.append(" " * draw(st.integers(0, 4)) + line)
    return "\n".join(out) + draw(st.sampled_from(["", "\n"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_documents())
def test_grammatical_files_index_alike(text: str) -> None:
    _assert_same(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_documents(), st.data())
def test_grammatical_files_with_one_line_changed(text: str, data: st.DataObject) -> None:
    lines = text.split("\n")
    i = data.draw(st.integers(0, len(lines) - 1))
    lines[i] = data.draw(st.sampled_from(LINES))
    _assert_same("\n".join(lines))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(VALID_FEATURE) - 1), st.integers(0, 12), st.text(max_size=8))
def test_mutated_file_indexes_alike(pos: int, cut: int, insert: str) -> None:
    _assert_same(VALID_FEATURE[:pos] + insert + VALID_FEATURE[pos + cut:])


def test_the_valid_feature_takes_the_fast_path() -> None:
    fast, slow, gave_up = _both(VALID_FEATURE)
    assert fast == slow and fast[0] is not None and gave_up == 0
    assert [s.name for s in fast[0].scenarios] and fast[0].tag_refs


@pytest.mark.parametrize("text, why", [
    ("Feature: F\n  Scenario: S\n    Given x\n      | a | b |\n      | 1 |\n", "inconsistent cells"),
    ("Feature: F\n  @a b\n  Scenario: S\n", "a tag with whitespace"),
    ("# language: xx\nFeature: F\n", "an unknown language"),
    ("Feature: F\n  Scenario: S\n    Given x\n    stray text\n", "an unexpected line"),
])
def test_errors_are_gherkins_own(text: str, why: str) -> None:
    fast, slow, gave_up = _both(text)
    assert fast == slow, why
    assert fast[0] is None and fast[1] and gave_up == 1


def test_other_languages() -> None:
    text = "# language: fr\n@t\nFonctionnalité: F\n  Règle: R\n    Scénario: S\n      Soit x\n"
    fast, slow, gave_up = _both(text)
    assert fast == slow and gave_up == 0
    assert fast[0] is not None and fast[0].language == "fr" and fast[0].scenarios[0].rule == "R"


def test_every_feature_file_of_this_repository() -> None:
    root = Path(__file__).resolve().parent.parent
    paths = sorted(root.glob("features/*.feature"))
    assert paths
    for path in paths:
        _assert_same(path.read_text(encoding="utf-8"))
