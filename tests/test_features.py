"""govcell.load.features: gherkin parsing, inherited tags, scenario text, discovery."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govcell.cell import Cell
from govcell.load.features import TagMatcher, dedent_lines, parse_feature
from tests.conftest import CellBuilder

OUTLINE = """\
@AC-A-001 @smoke
Feature: Outline
  Scenario Outline: Sum <a>
    Given <a>

    @AC-A-002
    Examples: tagged
      | a |
      | 1 |
      | 2 |

    Examples: plain
      | a |
      | 3 |

  # a comment between scenarios
  Scenario: Next
    Given b
"""


def test_outline_examples_tags_apply_to_the_outline() -> None:
    feature, found = parse_feature(OUTLINE, "f.feature")
    assert found == [] and feature is not None
    outline, nxt = feature.scenarios
    assert outline.ac_ids == ("AC-A-001", "AC-A-002")
    assert outline.tags == ("@AC-A-001", "@AC-A-002", "@smoke")
    assert [(e.name, e.line, e.ac_ids, e.rows) for e in outline.examples] == [
        ("tagged", 7, ("AC-A-002",), 2), ("plain", 12, (), 1)]
    assert outline.keyword == "Scenario Outline" and outline.outline
    assert nxt.ac_ids == ("AC-A-001",) and not nxt.outline


def test_scenario_text_is_its_own_source() -> None:
    feature, _ = parse_feature(OUTLINE, "f.feature")
    assert feature is not None
    outline, nxt = feature.scenarios
    assert outline.text.startswith("Scenario Outline: Sum <a>\n  Given <a>")
    assert outline.text.endswith("| 3 |")
    assert "Next" not in outline.text and "comment" not in outline.text
    assert nxt.text == "Scenario: Next\n  Given b"


@given(st.lists(st.text(alphabet=" \t\u00a0\x0c#ab", max_size=8), max_size=6))
def test_scenario_text_is_dedented_as_textwrap_does(lines: list[str]) -> None:
    assert dedent_lines(lines) == textwrap.dedent("\n".join(lines))


def test_tag_refs_keep_lines_and_levels() -> None:
    feature, _ = parse_feature(OUTLINE, "f.feature")
    assert feature is not None
    assert [(r.name, r.line, r.col, r.level) for r in feature.tag_refs] == [
        ("@AC-A-001", 1, 1, "feature"), ("@smoke", 1, 11, "feature"), ("@AC-A-002", 6, 5, "examples")]


def test_tag_matcher_groups_and_near_misses() -> None:
    m = TagMatcher(r"@(?P<id>AC-[A-Z0-9-]+)")
    assert m.ac_id("@AC-X-1") == "AC-X-1" and m.ac_id("@wip") is None
    plain = TagMatcher(r"@AC-[A-Z0-9][A-Z0-9-]*")
    assert plain.ac_id("@AC-X-1") == "AC-X-1"
    assert plain.near_miss("@AC-X-1,") == "@AC-X-1"
    assert plain.near_miss("@ac-x-1") == "@AC-X-1"
    assert plain.near_miss("@wip") is None and plain.near_miss("@AC-X-1") is None


def test_syntax_errors_are_all_reported_with_lines() -> None:
    feature, found = parse_feature("Feature: x\n  Scenario: s\n    Given a\n  Scenario s2\n   Given\n", "x.feature")
    assert feature is None
    assert [(d.code, d.line, d.col) for d in found] == [("gherkin.syntax", 4, 3), ("gherkin.syntax", 5, 4)]
    assert not found[0].message.startswith("(")


def test_discovery_is_sorted_recursive_and_skips_hidden(cell: CellBuilder) -> None:
    cell.write("features/b.feature", "Feature: b\n")
    cell.write("features/sub/a.feature", "Feature: a\n")
    cell.write("features/.hidden/c.feature", "Feature: c\n")
    cell.write("specs/features/z.feature", "Feature: z\n")
    cell.write("features/notes.txt", "Feature: no\n")
    index = Cell(cell.root).features
    assert [f.path for f in index.files] == ["features/b.feature", "features/sub/a.feature",
                                             "specs/features/z.feature"]


def test_bad_tag_pattern_is_a_finding_and_the_default_applies(cell: CellBuilder) -> None:
    cell.write(".govcell.yaml", "ac_tags:\n  pattern: '@AC-('\n")
    cell.write("features/a.feature", "Feature: a\n  @AC-A-001\n  Scenario: s\n    Given x\n")
    index = Cell(cell.root).features
    assert [d.code for d in index.diagnostics] == ["config.bad-pattern"]
    assert list(index.by_ac) == ["AC-A-001"]


def test_features_are_parsed_once_per_cell(cell: CellBuilder) -> None:
    cell.write("features/a.feature", "Feature: a\n")
    c = Cell(cell.root)
    assert c.features is c.features


def test_parallel_parse_equals_serial(cell: CellBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large cells are parsed by forked workers; the index must be the same as a serial parse."""
    import govcell.load.features as features
    from govcell.cell import Cell

    count = features.PARALLEL_MIN_FILES + 4
    for i in range(count):
        text = f"@AC-A-{i:03d}\nFeature: F{i}\n  Scenario: s{i}\n    Given x\n"
        cell.write(f"features/f{i:03d}.feature", "this is not Gherkin\n" if i == 7 else text)
    c = Cell(cell.root)
    parallel = features.load_index(c.source, c.config, c.config_source)  # no cache: both really parse
    monkeypatch.setattr(features, "PARALLEL_MIN_FILES", 10**9)
    serial = features.load_index(c.source, c.config, c.config_source)
    assert parallel == serial
    assert len(parallel.files) == count - 1 and [d.path for d in parallel.diagnostics] == ["features/f007.feature"]
