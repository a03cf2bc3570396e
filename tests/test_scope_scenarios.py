"""Executes features/scope.feature (protected paths, declared scopes, the ``changes`` input) on real git repos."""

from __future__ import annotations


import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from tests.conftest import PAY_LEDGER, CellBuilder, Result, commit, edit, git, init_git

scenarios("scope.feature")

GUARD = """\
package main

import rego.v1

deny contains msg if {
    some f, _ in input.protected_files
    not input.scope_declared
    msg := sprintf("protected %s changed without a scope", [f])
}
"""


@pytest.fixture(autouse=True)
def _no_ci_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("GOVCELL_SCOPE", "GOVCELL_SCOPE_FILE", "PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF",
                "GOVCELL_BASE_BRANCH", "GITHUB_BASE_REF"):
        monkeypatch.delenv(var, raising=False)


@given("a git cell with a ledger and a README, committed on main")
def _cell(cell: CellBuilder) -> None:
    init_git(cell.root)
    cell.ledger(PAY_LEDGER)
    cell.write("README.md", "# Payments\n")
    commit(cell.root, "base")


@given("the ledger changed and staged")
def _ledger_changed(cell: CellBuilder) -> None:
    edit(cell.root, "specs/spec_ledger.yaml", "by card is", "by card or wallet is")
    git(cell.root, "add", "-A")


@given("the README changed and staged")
def _readme_changed(cell: CellBuilder) -> None:
    path = cell.root / "README.md"
    path.write_text(path.read_text() + "More.\n")
    git(cell.root, "add", "-A")


@given(parsers.parse('the commit message "{subject}"'))
def _message(cell: CellBuilder, subject: str) -> None:
    (cell.root / ".git/MSG").write_text(f"{subject}\n\n# Please enter the commit message\n")


@given(parsers.parse('the commit message "{subject}" with the trailer "{trailer}"'))
def _message_trailer(cell: CellBuilder, subject: str, trailer: str) -> None:
    (cell.root / ".git/MSG").write_text(f"{subject}\n\nWhy it changed.\n\n{trailer}\n")


@given(parsers.parse('the configuration protects "{path}" as well'))
def _protect(cell: CellBuilder, path: str) -> None:
    cell.write(".govcell.yaml", f"scope:\n  also_protected: [{path}]\n")
    commit(cell.root, "config")


@given(parsers.parse('a branch "{branch}" with a commit that changes the ledger without a trailer and one that '
                     'changes the README'))
def _branch(cell: CellBuilder, branch: str) -> None:
    git(cell.root, "checkout", "-q", "-b", branch)
    _ledger_changed(cell)
    commit(cell.root, "ledger without trailer")
    _readme_changed(cell)
    commit(cell.root, "readme")


@given(parsers.parse('a policy "{name}" on the input changes that denies protected files without a declared scope'))
def _guard(cell: CellBuilder, name: str) -> None:
    cell.write(f"policy/{name}.rego", GUARD)
    cell.write(".govcell.yaml", f"policy:\n  targets:\n    {name}: [changes]\n")
    commit(cell.root, "guard")


@when(parsers.parse('the pull request\'s description "{text}" is in the file "{rel}"'))
def _pr_file(cell: CellBuilder, text: str, rel: str) -> None:
    cell.write(rel, text.replace("\\n", "\n"))


@when(parsers.parse('GOVCELL_SCOPE is "{value}"'))
def _scope_env(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("GOVCELL_SCOPE", value)


@then(parsers.parse('the changes input declares the scope "{kind}" and lists the changed files "{files}"'))
def _changes_doc(ctx: dict[str, object], kind: str, files: str) -> None:
    import json

    result = ctx["result"]
    assert isinstance(result, Result) and result.code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["scope_declared"] is True and doc["declared_type"] == kind, doc["scope"]
    assert doc["changed_files"] == files.split(", ")
    assert doc["protected_files"] == {"specs/spec_ledger.yaml": "specs/spec_ledger.yaml"}
    assert [c["subject"] for c in doc["commits"]] == ["ledger without trailer", "readme"]
