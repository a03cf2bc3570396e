Feature: Protected governance paths: a change touches them only with a declared scope
  The ledger, tasks, flows, policies, CI workflows, the feature status report and
  agent instruction files are the kernel's own files. A commit that changes one says
  so in a Governance-Scope trailer (checked at the commit-msg stage); in CI a pull
  request declares its scope in its description. A cell writes its own Rego rules
  about changes on the built-in policy input `changes`. Real git repositories.

  @AC-CHG-050
  Scenario: A commit that touches a protected file needs a Governance-Scope trailer
    Given a git cell with a ledger and a README, committed on main
    And the ledger changed and staged
    And the commit message "Reword the ledger"
    When I run "govcell-governance-scope .git/MSG"
    Then the exit code is 1
    And the output contains "scope.undeclared"
    And the output contains "specs/spec_ledger.yaml"
    And the output contains "Governance-Scope: governance: why"
    Given the commit message "Reword the ledger" with the trailer "Governance-Scope: governance: clearer AC text"
    When I run "govcell-governance-scope .git/MSG"
    Then the exit code is 0
    And the output is empty
    Given the commit message "Reword the ledger" with the trailer "Governance-Scope: whim"
    When I run "govcell-governance-scope .git/MSG"
    Then the exit code is 1
    And the output contains "scope.unknown-type"

  @AC-CHG-050
  Scenario: Files outside the protected paths need no declaration, and the paths are configurable
    Given a git cell with a ledger and a README, committed on main
    And the README changed and staged
    And the commit message "Typo"
    When I run "govcell-governance-scope .git/MSG"
    Then the exit code is 0
    Given the configuration protects "README.md" as well
    And the README changed and staged
    When I run "govcell-governance-scope .git/MSG"
    Then the exit code is 1
    And the output contains "protected path README.md changed"

  @AC-CHG-051
  Scenario: In CI each commit of a branch is judged by its trailer unless the pull request declares the scope
    Given a git cell with a ledger and a README, committed on main
    And a branch "feature" with a commit that changes the ledger without a trailer and one that changes the README
    When I run "govcell scope main"
    Then the exit code is 1
    And the output contains "scope.undeclared"
    And the output contains "ledger without trailer"
    When the pull request's description "## Scope\nType: governance\nIntent: reword\n" is in the file "pr.md"
    And I run "govcell scope main --scope-file pr.md"
    Then the exit code is 0
    When GOVCELL_SCOPE is "governance: reword"
    And I run "govcell scope main"
    Then the exit code is 0

  @AC-CHG-051
  Scenario: A shallow clone that lacks the base is a clear finding, not a crash
    Given a git cell with a ledger and a README, committed on main
    And a branch "feature" with a commit that changes the ledger without a trailer and one that changes the README
    And a shallow clone of it with one commit
    When I run "govcell scope HEAD~1 HEAD"
    Then the exit code is 1
    And the output contains "diff.base-missing"
    And the output contains "fetch-depth: 0"
    And the output has no traceback
    When I run "govcell scope main"
    Then the exit code is 1
    And the output contains "diff.base-missing"
    And the output has no traceback

  @AC-CHG-052
  Scenario: A cell's own Rego rule judges the change through the built-in input changes
    Given a git cell with a ledger and a README, committed on main
    And a policy "guard" on the input changes that denies protected files without a declared scope
    And a branch "feature" with a commit that changes the ledger without a trailer and one that changes the README
    When I run "govcell check policy-test"
    Then the exit code is 1
    And the output contains "specs/spec_ledger.yaml: error: policy.violation: protected specs/spec_ledger.yaml changed without a scope"
    When GOVCELL_SCOPE is "governance: reword"
    And I run "govcell check policy-test"
    Then the exit code is 0
    When I run "govcell scope main --input"
    Then the changes input declares the scope "governance" and lists the changed files "README.md, specs/spec_ledger.yaml"
