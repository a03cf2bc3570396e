Feature: Change governance: what a commit or pull request did to the cell
  A reviewer of a change (a person or an agent) reads what it did to the cell's
  stories, requirements, ACs, scenarios, bundles and findings instead of raw YAML
  diffs, and a brownfield repository gates only on the findings a change introduced.
  Everything is read from git without a checkout, in real repositories with history.

  @AC-CHG-001
  Scenario: The diff between two commits names items added, removed, changed and renamed
    Given a git cell whose first commit has a requirement with three ACs
    And a second commit that renames AC-A-002, rewrites AC-A-001, removes AC-A-004, covers AC-A-003 and adds story US-B-001
    When I run "govcell diff HEAD~1 HEAD --format json"
    Then the exit code is 0
    And the diff lists story US-B-001 as added
    And the diff lists requirement REQ-B-NEW as added
    And the diff lists ac AC-A-004 as removed
    And the diff lists ac AC-A-002 renamed to AC-A-012
    And the diff lists ac AC-A-001 changed in "text"
    And the diff does not list ac AC-A-012 as added
    When I run "govcell diff HEAD~1 HEAD"
    Then the output contains "renamed  ac AC-A-002 -> AC-A-012"
    And the output contains "changed  ac AC-A-001: text"

  @AC-CHG-002
  Scenario: The diff reports AC coverage, scenarios and findings the change introduced and resolved
    Given a git cell whose first commit has a requirement with three ACs
    And a second commit that renames AC-A-002, rewrites AC-A-001, removes AC-A-004, covers AC-A-003 and adds story US-B-001
    When I run "govcell diff HEAD~1 HEAD --format json"
    Then the diff lists AC AC-A-003 going from uncovered to covered
    And the diff lists AC AC-B-001 going from absent to uncovered
    And the diff lists the scenario "Receipt" as added
    And the diff lists the scenario "Old refund" as removed
    And the diff lists the scenario "Refund" as retagged
    And the diff lists the finding "ac.uncovered-kernel" about AC-B-001 as introduced
    And the diff lists the finding "ac.uncovered-kernel" about AC-A-003 as resolved
    And the diff lists a change of the bundle "pay"
    And the diff JSON is valid against its published schema

  @AC-CHG-003
  Scenario: The diff compares with the working tree, the staged index and pre-commit's refs, also in Markdown
    Given a git cell whose first commit has a requirement with three ACs
    And the ledger's AC-A-001 text is rewritten in the working tree only
    When I run "govcell diff --format json"
    Then the diff lists ac AC-A-001 changed in "text"
    And the diff's head is the working tree
    When I run "govcell diff --staged --format json"
    Then the diff lists nothing
    When I stage everything
    And I run "govcell diff HEAD INDEX --format markdown"
    Then the output contains "## Governance diff"
    And the output contains "| changed | ac | AC-A-001 | text |"
    When I commit everything
    And pre-commit sets PRE_COMMIT_FROM_REF to "HEAD~1" and PRE_COMMIT_TO_REF to "HEAD"
    And I run "govcell diff --format json"
    Then the diff lists ac AC-A-001 changed in "text"
    And the diff's base was chosen by "PRE_COMMIT_FROM_REF"

  @AC-CHG-003
  Scenario: Without arguments the base is the merge base with the default branch
    Given a git cell whose first commit has a requirement with three ACs
    And a branch "feature" with a commit that rewrites AC-A-001
    And a later commit on "main" that rewrites AC-A-002
    When I run "govcell diff --format json"
    Then the diff lists ac AC-A-001 changed in "text"
    And the diff does not list ac AC-A-002 as changed
    And the diff's base was chosen by "merge base with main"

  @AC-CHG-004
  Scenario: A base missing from a shallow clone is a clear finding, never a crash
    Given a git cell whose first commit has a requirement with three ACs
    And a second commit that renames AC-A-002, rewrites AC-A-001, removes AC-A-004, covers AC-A-003 and adds story US-B-001
    And a shallow clone of it with one commit
    When I run "govcell diff HEAD~1 HEAD"
    Then the exit code is 1
    And the output contains "diff.base-missing"
    And the output contains "fetch-depth: 0"
    And the output has no traceback
    When I run "govcell check --new-since HEAD~1"
    Then the exit code is 1
    And the output contains "diff.base-missing"
    And the output has no traceback

  @AC-CHG-010
  Scenario: check --new-since fails only on findings the change introduced, whatever moved
    Given a git cell whose first commit has a requirement with three ACs
    And a second commit that renames AC-A-002, rewrites AC-A-001, removes AC-A-004, covers AC-A-003 and adds story US-B-001
    And a story inserted at the top of the ledger in the working tree, with an AC that has no test
    When I run "govcell check"
    Then the exit code is 1
    And the output contains "AC-B-001"
    When I run "govcell check --new-since HEAD"
    Then the exit code is 1
    And the output contains "AC-C-001"
    And the output does not contain "AC-B-001"
    And the output contains "2 finding(s) already present in HEAD"
    When I run "govcell-ac-tags --new-since HEAD"
    Then the exit code is 1
    And the output contains "AC-C-001"
    And the output does not contain "AC-B-001"

  @AC-CHG-011
  Scenario: A committed baseline file accepts today's findings, for CI without history
    Given a git cell whose first commit has a requirement with three ACs
    When I run "govcell baseline"
    Then the exit code is 0
    And the file ".govcell-baseline.json" holds 2 findings
    When I run "govcell check --baseline .govcell-baseline.json"
    Then the exit code is 0
    And the output contains "already present in baseline .govcell-baseline.json"
    Given a story inserted at the top of the ledger in the working tree, with an AC that has no test
    When I run "govcell-governance-selftest --baseline .govcell-baseline.json"
    Then the exit code is 1
    And the output contains "AC-C-001"
    And the output does not contain "AC-A-003"
    When I run "govcell check --baseline missing.json"
    Then the exit code is 1
    And the output contains "baseline.missing"
