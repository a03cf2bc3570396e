Feature: One command-line convention
  Every govcell command spells its shared options the same way, writes -o where
  the user stands, speaks one vocabulary of formats for findings, and ends with
  an exit code that means the same in every command.

  @AC-ARCH-010
  Scenario: -o is relative to the working directory, not to --root, in every command
    Given a cell with the ledger:
      """
      stories:
        - id: US-A-001
          title: A story
          requirements:
            - id: REQ-A-ONE
              title: A requirement
              acceptance_criteria:
                - id: AC-A-001
                  text: Something holds
      """
    And a working directory beside the cell
    When I run "govcell check spec-ledger --root ../cell --format json -o reports/check.json" in the working directory
    Then the exit code is 0
    And the working directory has the file "reports/check.json"
    And the cell has no file "reports/check.json"
    When I run "govcell graph --root ../cell -o graph.json" in the working directory
    Then the exit code is 0
    And the working directory has the file "graph.json"
    When I run "govcell status --root ../cell --json -o -" in the working directory
    Then the exit code is 0
    And the output contains "govcell.status/1"
    When I run "govcell status --root ../cell -o ../cell/specs/spec_ledger.yaml" in the working directory
    Then the exit code is 1
    And the output contains "write."
    And the cell's ledger is unchanged

  @AC-ARCH-011
  Scenario: A usage error is argparse's, with exit code 2, for an unknown option and an unknown check alike
    Given a cell with the ledger:
      """
      stories: []
      """
    When I run "govcell check --colour"
    Then the exit code is 2
    And the error output starts with "usage: govcell check"
    And the output contains "unrecognized arguments: --colour"
    When I run "govcell check no-such-check"
    Then the exit code is 2
    And the error output starts with "usage: govcell check"
    And the output contains "unknown check 'no-such-check'"
    When I run "govcell next --limit -3"
    Then the exit code is 2
    And the output contains "argument --limit: must be 0 or more"
    And the output has no traceback

  @AC-ARCH-012
  Scenario: A failing policy fixture is a finding in SARIF, GitHub annotations and Code Climate
    Given an empty directory
    And the file "policy/pods.rego":
      """
      package main
      import rego.v1

      deny contains "no pods" if input.kind == "Pod"
      """
    And the file "policy/testdata/pods_valid.json":
      """
      {"kind": "Pod"}
      """
    When I run "govcell policy test --format sarif"
    Then the exit code is 1
    And the SARIF results name "policy.fixture-unexpected-failure"
    When I run "govcell policy test --format github"
    Then the exit code is 1
    And the output contains "::error file=policy/testdata/pods_valid.json"
    When I run "govcell policy test --format codeclimate"
    Then the exit code is 1
    And the output contains "policy.fixture-unexpected-failure"
