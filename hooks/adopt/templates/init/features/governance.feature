# Scenarios prove the ACs of specs/spec_ledger.yaml through their @AC-... tags.
# Run them with your BDD runner (pytest-bdd, behave, cucumber, godog, ...).
Feature: Governed changes
  Commits keep the ledger and the scenarios that prove it in agreement.

  @AC-CELL-001
  Scenario: A scenario naming an unknown AC is refused
    Given the ledger holds the AC "AC-CELL-001"
    When a scenario is tagged "@AC-CELL-999"
    Then the commit is refused with "ac.orphaned-tag"

  @AC-CELL-002
  Scenario: An AC without a proof is reported
    Given the ledger holds an AC that no scenario is tagged with
    When the hooks run
    Then the AC is reported with "ac.uncovered-kernel"
