"""Executes features/changes.feature on real git repositories with several commits."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from tests.conftest import PAY_LEDGER, PAY_MORE, CellBuilder, commit, edit, git, init_git, result_of

scenarios("changes.feature")

#: PAY_LEDGER with PAY_MORE's AC-A-003 and a fourth AC, which the head commit removes.
BASE_LEDGER = PAY_LEDGER + PAY_MORE + """\
          - id: AC-A-004
            text: An old refund is accepted
"""

BASE_FEATURE = """\
Feature: Pay

  @AC-A-001
  Scenario: Pay
    Given a card

  @AC-A-002
  Scenario: Refund
    Given a payment

  @AC-A-004
  Scenario: Old refund
    Given an old payment

  @wip
  Scenario: Smoke
    Given nothing

  Scenario: Untagged
    Given nothing at all
"""

CONTEXTPACK = """\
tasks:
  pay:
    description: Everything about payments
    max_bytes: 100000
    include: [specs/spec_ledger.yaml, features/]
"""

HEAD_LEDGER = """\
stories:
  - id: US-A-001
    title: Payments
    requirements:
      - id: REQ-A-PAY
        title: Pay by card
        acceptance_criteria:
          - id: AC-A-001
            text: A payment by card or by wallet is accepted
          - id: AC-A-012
            text: A refund is accepted
          - id: AC-A-003
            text: A receipt is sent
  - id: US-B-001
    title: Invoices
    requirements:
      - id: REQ-B-NEW
        title: Send invoices
        acceptance_criteria:
          - id: AC-B-001
            text: An invoice is sent every month
"""

HEAD_FEATURE = """\
Feature: Pay

  @AC-A-001
  Scenario: Pay
    Given a card

  @AC-A-012
  Scenario: Refund
    Given a payment

  @AC-A-003
  Scenario: Receipt
    Given a payment

  @wip
  Scenario: Smoke
    Given nothing

  Scenario: Untagged
    Given nothing at all
"""


def _doc(ctx: dict[str, object]) -> dict[str, Any]:
    out = result_of(ctx).stdout
    doc = json.loads(out)
    assert doc["format"] == "govcell.diff/1" and doc["diagnostics"] == [], doc.get("diagnostics")
    return doc  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- givens


@given("a git cell whose first commit has a requirement with three ACs", target_fixture="cell")
def _base_cell(cell: CellBuilder) -> CellBuilder:
    init_git(cell.root)
    cell.ledger(BASE_LEDGER)
    cell.write("features/pay.feature", BASE_FEATURE)
    cell.write(".llm/contextpack.yaml", CONTEXTPACK)
    commit(cell.root, "base")
    return cell


@given("a second commit that renames AC-A-002, rewrites AC-A-001, removes AC-A-004, covers AC-A-003 and adds "
       "story US-B-001")
def _headcommit(cell: CellBuilder) -> None:
    cell.ledger(HEAD_LEDGER)
    cell.write("features/pay.feature", HEAD_FEATURE)
    commit(cell.root, "head")


@given("the ledger's AC-A-001 text is rewritten in the working tree only")
def _rewrite_worktree(cell: CellBuilder) -> None:
    edit(cell.root, "specs/spec_ledger.yaml", "A payment by card is accepted", "A payment is accepted at once")


@given(parsers.parse('a branch "{branch}" with a commit that rewrites AC-A-001'))
def _branch(cell: CellBuilder, branch: str) -> None:
    git(cell.root, "checkout", "-q", "-b", branch)
    _rewrite_worktree(cell)
    commit(cell.root, "feature work")


@given(parsers.parse('a later commit on "{branch}" that rewrites AC-A-002'))
def _later_on_main(cell: CellBuilder, branch: str) -> None:
    git(cell.root, "checkout", "-q", branch)
    edit(cell.root, "specs/spec_ledger.yaml", "A refund is accepted", "A refund is accepted within a day")
    commit(cell.root, "main moves on")
    git(cell.root, "checkout", "-q", "feature")


@given("a story inserted at the top of the ledger in the working tree, with an AC that has no test")
def _insert_story(cell: CellBuilder) -> None:
    path = cell.root / "specs/spec_ledger.yaml"
    text = path.read_text()
    story = ("  - id: US-C-001\n    title: Refund by wallet\n    requirements:\n      - id: REQ-C-W\n"
             "        title: Wallet refunds\n        acceptance_criteria:\n          - id: AC-C-001\n"
             "            text: A wallet refund is accepted\n")
    path.write_text(text.replace("stories:\n", "stories:\n" + story, 1))


# --------------------------------------------------------------------------- whens


@when("I stage everything")
def _stage(cell: CellBuilder) -> None:
    git(cell.root, "add", "-A")


@when("I commit everything")
def _commit_all(cell: CellBuilder) -> None:
    commit(cell.root, "more")


@when(parsers.parse('pre-commit sets PRE_COMMIT_FROM_REF to "{base}" and PRE_COMMIT_TO_REF to "{head}"'))
def _pre_commit_env(monkeypatch: pytest.MonkeyPatch, base: str, head: str) -> None:
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", base)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", head)


# --------------------------------------------------------------------------- thens


def _items(ctx: dict[str, object], section: str) -> list[dict[str, Any]]:
    return _doc(ctx)["items"][section]  # type: ignore[no-any-return]


_KIND = r"(?P<kind>story|requirement|ac|task|command|flow|bundle|policy|adr)"


@then(parsers.re(rf"the diff lists {_KIND} (?P<ident>\S+) as (?P<what>added|removed|changed)"))
def _listed(ctx: dict[str, object], kind: str, ident: str, what: str) -> None:
    rows = _items(ctx, what)
    assert any(r["kind"] == kind and r["id"] == ident for r in rows), rows


@then(parsers.re(rf"the diff does not list {_KIND} (?P<ident>\S+) as (?P<what>added|removed|changed)"))
def _not_listed(ctx: dict[str, object], kind: str, ident: str, what: str) -> None:
    rows = _items(ctx, what)
    assert not any(r["kind"] == kind and r["id"] == ident for r in rows), rows


@then(parsers.re(rf"the diff lists {_KIND} (?P<old>\S+) renamed to (?P<new>\S+)"))
def _renamed(ctx: dict[str, object], kind: str, old: str, new: str) -> None:
    rows = _items(ctx, "renamed")
    assert any(r["kind"] == kind and r["from"] == old and r["to"] == new for r in rows), rows


@then(parsers.re(rf'the diff lists {_KIND} (?P<ident>\S+) changed in "(?P<fields>[^"]+)"'))
def _changed(ctx: dict[str, object], kind: str, ident: str, fields: str) -> None:
    rows = [r for r in _items(ctx, "changed") if r["kind"] == kind and r["id"] == ident]
    assert rows and rows[0]["fields"] == fields.split(", "), _items(ctx, "changed")


@then("the diff lists nothing")
def _nothing(ctx: dict[str, object]) -> None:
    doc = _doc(ctx)
    assert all(v == 0 for v in doc["summary"].values()), doc["summary"]


@then(parsers.parse("the diff lists AC {ident} going from {before} to {after}"))
def _ac_state(ctx: dict[str, object], ident: str, before: str, after: str) -> None:
    rows = [a for a in _doc(ctx)["acs"] if a["id"] == ident]
    assert rows, _doc(ctx)["acs"]
    was, now = rows[0]["before"], rows[0]["after"]
    assert (was["coverage"] if was else "absent", now["coverage"] if now else "absent") == (before, after), rows


@then(parsers.parse('the diff lists the scenario "{name}" as {what}'))
def _scenario(ctx: dict[str, object], name: str, what: str) -> None:
    rows = _doc(ctx)["scenarios"][what]
    assert any(s["name"] == name for s in rows), rows


@then(parsers.parse('the diff lists the finding "{code}" about {ident} as {what}'))
def _finding(ctx: dict[str, object], code: str, ident: str, what: str) -> None:
    rows = _doc(ctx)["findings"][what]
    assert any(d["code"] == code and ident in d["message"] for d in rows), rows
    other = "resolved" if what == "introduced" else "introduced"
    assert not any(d["code"] == code and ident in d["message"] for d in _doc(ctx)["findings"][other])


@then(parsers.parse('the diff lists a change of the bundle "{name}"'))
def _bundle(ctx: dict[str, object], name: str) -> None:
    rows = [b for b in _doc(ctx)["bundles"] if b["name"] == name]
    assert rows and rows[0]["before"] != rows[0]["after"] and rows[0]["max_bytes"] == 100000, rows


@then("the diff JSON is valid against its published schema")
def _schema_valid(ctx: dict[str, object]) -> None:
    import jsonschema

    from tests.conftest import REPO_ROOT

    schema = json.loads((REPO_ROOT / "docs/schema/diff.json").read_text())
    jsonschema.validate(_doc(ctx), schema)


@then("the diff's head is the working tree")
def _head_worktree(ctx: dict[str, object]) -> None:
    head = _doc(ctx)["head"]
    assert head["kind"] == "worktree" and head["commit"] is None, head


@then(parsers.parse('the diff\'s base was chosen by "{how}"'))
def _base_how(ctx: dict[str, object], how: str) -> None:
    base = _doc(ctx)["base"]
    assert base["how"] == how and base["kind"] == "revision" and len(base["commit"]) == 40, base


@then(parsers.parse('the file "{rel}" holds {n:d} findings'))
def _baseline_holds(cell: CellBuilder, rel: str, n: int) -> None:
    doc = json.loads((cell.root / rel).read_text())
    assert doc["format"] == "govcell.baseline/1" and len(doc["findings"]) == n, doc
