"""Executes features/suspect.feature on real git repositories with several commits."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml
from pytest_bdd import given, parsers, scenarios, then, when

from tests.conftest import (PAY_FEATURE, PAY_LEDGER, REPO_ROOT, CellBuilder, Result, commit, edit, init_git,
                            result_of, run_command)

scenarios("suspect.feature")

#: PAY_LEDGER with a unit test as a second proof of AC-A-001.
LEDGER = PAY_LEDGER.replace("            text: A payment by card is accepted\n", """\
            text: A payment by card is accepted
            tests:
              - {type: unit, tag: test_pay, file: tests/test_pay.py}
""")


def _ok(result: Result) -> Result:
    assert result.code == 0 and "Traceback" not in result.output, result.output
    return result


# --------------------------------------------------------------------------- givens


@given("a git cell whose first commit has two ACs with proofs", target_fixture="cell")
def _base(cell: CellBuilder) -> CellBuilder:
    init_git(cell.root)
    cell.ledger(LEDGER)
    cell.write("features/pay.feature", PAY_FEATURE)
    cell.write("tests/test_pay.py", "def test_pay():\n    pass\n")
    commit(cell.root, "base")
    return cell


@given("a git cell whose ACs' proofs were reviewed in a second commit", target_fixture="cell")
def _reviewed(cell: CellBuilder) -> CellBuilder:
    _base(cell)
    _ok(run_command("govcell review --all", cell.root))
    assert (cell.root / "specs/reviews.yaml").is_file()
    commit(cell.root, "review every AC")
    return cell


@given("a third commit that rewrites the text of AC-A-001")
def _rewrite(cell: CellBuilder) -> None:
    edit(cell.root, "specs/spec_ledger.yaml", "A payment by card is accepted",
         "A payment by card or by wallet is accepted")
    commit(cell.root, "rewrite AC-A-001")


@given("a third commit that renames AC-A-002 to AC-A-012 and re-wraps the text of AC-A-001")
def _rename(cell: CellBuilder) -> None:
    edit(cell.root, "specs/spec_ledger.yaml", "- id: AC-A-002", "- id: AC-A-012")
    edit(cell.root, "specs/spec_ledger.yaml", "text: A payment by card is accepted",
          "text: >-\n              A payment  by card\n              is accepted")
    edit(cell.root, "features/pay.feature", "@AC-A-002", "@AC-A-012")
    commit(cell.root, "rename AC-A-002, re-wrap AC-A-001")


# --------------------------------------------------------------------------- whens


@when("the text of AC-A-012 is rewritten")
def _rewrite_renamed(cell: CellBuilder) -> None:
    edit(cell.root, "specs/spec_ledger.yaml", "A refund is accepted", "A refund is accepted within a day")


@when("AC-A-001 and its scenario are deleted and committed")
def _delete(cell: CellBuilder) -> None:
    path = cell.root / "specs/spec_ledger.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    acs = data["stories"][0]["requirements"][0]["acceptance_criteria"]
    data["stories"][0]["requirements"][0]["acceptance_criteria"] = [a for a in acs if a["id"] != "AC-A-001"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    edit(cell.root, "features/pay.feature", "  @AC-A-001\n  Scenario: Pay\n    Given a card\n\n", "")
    commit(cell.root, "delete AC-A-001")


# --------------------------------------------------------------------------- thens


def _status(ctx: dict[str, object]) -> dict[str, Any]:
    doc = json.loads(result_of(ctx).stdout)
    assert doc["schema"] == "govcell.status/1"
    return doc  # type: ignore[no-any-return]


@then(parsers.parse('the status says {ident} is suspect with the state "{state}"'))
def _status_suspect(ctx: dict[str, object], ident: str, state: str) -> None:
    doc = _status(ctx)
    entry = doc["ac_status"][ident]
    assert entry["suspect"] is True and entry["state"] == state, entry
    assert doc["ac_states"]["suspect"] == 1 and doc["acs"]["all"]["suspect"] == 1, doc["ac_states"]
    assert any(r["code"] == "suspect-ac" for r in doc["verdict"]["reasons"]), doc["verdict"]
    assert doc["requirements"]["REQ-A-PAY"] == "suspect"


@then(parsers.parse("the status says {ident} is not suspect"))
def _status_not_suspect(ctx: dict[str, object], ident: str) -> None:
    doc = _status(ctx)
    entry = doc["ac_status"][ident]
    assert entry["suspect"] is False and entry["state"] != "suspect", entry
    assert doc["ac_states"]["suspect"] == 0


@then("the status JSON is valid against its published schema")
def _status_schema(ctx: dict[str, object]) -> None:
    import jsonschema

    schema = json.loads((REPO_ROOT / "docs/schema/status.json").read_text())
    jsonschema.validate(_status(ctx), schema)


@then(parsers.parse('the file "{rel}" contains "{text}"'))
def _file_contains(cell: CellBuilder, rel: str, text: str) -> None:
    content = (cell.root / rel).read_text(encoding="utf-8")
    assert text in content, content


@then(parsers.parse("the diff lists {ident} going from not suspect to suspect"))
def _diff_suspect(ctx: dict[str, object], ident: str) -> None:
    doc = json.loads(result_of(ctx).stdout)
    assert doc["diagnostics"] == [], doc["diagnostics"]
    rows = [a for a in doc["acs"] if a["id"] == ident]
    assert rows and rows[0]["before"]["suspect"] is False and rows[0]["after"]["suspect"] is True, doc["acs"]
    assert "suspect" in rows[0]["fields"]
    assert any(d["code"] == "coverage.suspect" and ident in d["message"] for d in doc["findings"]["introduced"])


@then(parsers.parse("the story page of {story} marks {ident} as suspect"))
def _site_story(cell: CellBuilder, story: str, ident: str) -> None:
    page = (cell.root / "site" / "stories" / story / "index.html").read_text(encoding="utf-8")
    assert re.search(rf'data-ac="{ident}" data-status="suspect"', page), page[:2000]
    assert "gc-suspect-note" in page and f"govcell review {ident}" in page


@then(parsers.parse('the dashboard lists the reason "{reason}"'))
def _site_dashboard(cell: CellBuilder, reason: str) -> None:
    page = (cell.root / "site" / "index.html").read_text(encoding="utf-8")
    assert f'data-reason="{reason}"' in page


def _reviews(cell: CellBuilder) -> str:
    return (cell.root / "specs/reviews.yaml").read_text(encoding="utf-8")


@then("the reviews file is valid against its published schema")
def _reviews_schema(cell: CellBuilder) -> None:
    import jsonschema

    schema = json.loads((REPO_ROOT / "docs/schema/reviews.json").read_text())
    jsonschema.validate(yaml.safe_load(_reviews(cell)), schema)


@then("the reviews file lists its proofs sorted, one per line")
def _reviews_sorted(cell: CellBuilder) -> None:
    text = _reviews(cell)
    records = [line for line in text.splitlines() if line.startswith("  - {ac: ")]
    assert len(records) == 3 and records == sorted(records), text
    doc = yaml.safe_load(text)
    assert doc["format"] == "govcell.reviews/1"
    assert [(r["ac"], r["proof"]) for r in doc["reviews"]] == [
        ("AC-A-001", "scenario features/pay.feature: Pay"), ("AC-A-001", "unit tests/test_pay.py::test_pay"),
        ("AC-A-002", "scenario features/pay.feature: Refund")]


@then(parsers.parse('the file "{rel}" does not contain "{text}"'))
def _file_lacks(cell: CellBuilder, rel: str, text: str) -> None:
    content = (cell.root / rel).read_text(encoding="utf-8")
    assert text not in content, content


@then(parsers.parse('the manifest of "{rel}" names the ACs "{ids}"'))
def _manifest_acs(cell: CellBuilder, rel: str, ids: str) -> None:
    doc = json.loads((cell.root / f"{rel}.manifest.json").read_text(encoding="utf-8"))
    assert [a["id"] for a in doc["acs"]] == ids.split(", "), doc["acs"]
    assert doc["kind"] == "changes" and doc["sections"] == ["Governance diff"], doc


@then(parsers.parse('the files "{a}" and "{b}" are identical'))
def _identical(cell: CellBuilder, a: str, b: str) -> None:
    assert (cell.root / a).read_bytes() == (cell.root / b).read_bytes()


@then(parsers.parse('the file "{rel}" has at most {n:d} bytes'))
def _at_most(cell: CellBuilder, rel: str, n: int) -> None:
    size = (cell.root / rel).stat().st_size
    assert size <= n, size
