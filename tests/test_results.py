"""govcell.load.results readers and govcell.derive.coverage matching/roll-ups, on edge cases."""

from __future__ import annotations

from govcell.derive.coverage import mapping_matches, natural_key, worst
from govcell.formats.ledger import TestMapping as Mapping
from govcell.load.results import TestResult as Result
from govcell.load.results import parse_results


def test_junit_outcomes_properties_and_nesting() -> None:
    xml = """<testsuites><testsuite name="outer"><testsuite name="inner">
      <testcase classname="a.B" name="t1"><failure/></testcase>
      <testcase classname="a.B" name="t2"><error/></testcase>
      <testcase classname="a.B" name="t3"><skipped/></testcase>
      <testcase classname="a.B" name="t4[x]"><properties><property name="acs" value="AC-A-1, AC-A-2"/>
      </properties></testcase>
    </testsuite></testsuite></testsuites>"""
    fmt, results, found = parse_results(xml, "j.xml")
    assert fmt == "junit" and found == []
    assert [(r.name, r.outcome) for r in results] == [("t1", "failed"), ("t2", "failed"), ("t3", "skipped"),
                                                      ("t4[x]", "passed")]
    assert results[3].acs == ("AC-A-1", "AC-A-2") and results[3].base_name == "t4"


def test_cucumber_outcome_rules_and_real_cucumber_tags() -> None:
    doc = """[{"uri": "f.feature", "tags": [{"name": "@AC-A-1"}], "elements": [
      {"type": "background", "name": "", "steps": []},
      {"type": "scenario", "name": "s", "line": 3, "steps": [{"result": {"status": "undefined"}}]},
      {"type": "scenario", "name": "t", "line": 5, "steps": []}]}]"""
    fmt, results, found = parse_results(doc, "c.json")
    assert fmt == "cucumber" and found == []
    assert [(r.name, r.outcome, r.acs) for r in results] == [("s", "skipped", ("AC-A-1",)),
                                                             ("t", "skipped", ("AC-A-1",))]


def test_broken_inputs_are_findings() -> None:
    cases = {
        "   \n": "results.empty",
        "{": "results.malformed",
        "[1, 2]": "results.unknown-format",
        '{"schema": "govcell.results/1", "tests": {}}': "results.malformed",
        '{"schema": "govcell.results/1", "tests": [{"nodeid": 1}]}': "results.malformed",
        "<testsuite><testcase": "results.malformed",
        "<report/>": "results.unknown-format",
    }
    for text, code in cases.items():
        _, results, found = parse_results(text, "r")
        assert [d.code for d in found] == [code], text
        assert results == []


def _result(**kw: object) -> Result:
    base: dict[str, object] = {"source": "r", "format": "junit", "outcome": "passed", "name": "test_x"}
    base.update(kw)
    return Result(**base)  # type: ignore[arg-type]


def test_unit_mappings_match_by_name_then_module_or_file() -> None:
    by_file = Mapping(type="unit", tag="test_x", file="tests/test_mod.py")
    by_module = Mapping(type="unit", tag="test_x", module="app::tests", file="src/lib.rs")
    assert mapping_matches(by_file, _result(classname="tests.test_mod"))
    assert mapping_matches(by_file, _result(name="test_x[1]", classname="tests.test_mod"))
    assert mapping_matches(by_file, _result(format="govcell", file="tests/test_mod.py"))
    assert not mapping_matches(by_file, _result(classname="tests.test_other"))
    assert not mapping_matches(by_file, _result(name="test_y", classname="tests.test_mod"))
    assert mapping_matches(by_module, _result(classname="app::tests"))
    assert not mapping_matches(by_module, _result(classname="other::tests::deep"))


def test_roll_up_worst_wins_and_natural_order() -> None:
    assert worst(["passing", "meta", "not_run"]) == "not_run"
    assert worst(["passing", "failing", "uncovered"]) == "failing"
    assert worst(["meta", "passing"]) == "passing"
    assert worst([]) == "empty" and worst(["empty"]) == "empty"
    assert sorted(["AC-X-10", "AC-X-9", "AC-X-100"], key=natural_key) == ["AC-X-9", "AC-X-10", "AC-X-100"]
