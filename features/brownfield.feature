Feature: Adopting govcell in a repository that already governs itself
  govcell init in an existing cell writes only configuration that fits what is
  there, feeds each policy the input its CI feeds it, says what it does to
  tracked files before it does it, and never rewrites a file in another format
  without being told to.

  Background:
    Given a git repository with a cell of its own, committed

  @AC-ADOPT-040
  Scenario: init finds the cell and plans before it writes
    When I run "govcell init --dry-run"
    Then the exit code is 0
    And the output contains "govcell init: an existing cell in"
    And the output contains "ledger specs/spec_ledger.yaml"
    And the output contains "1 decision record(s) in docs/adr (ADR-0001 to ADR-0001)"
    And the output contains "3 policies in policy/ (package main), 6 fixture(s) in policy/testdata"
    And the output contains "policy flags judges flags/registry.yaml merged with {rollouts: flags/rollouts.yaml .environments}"
    And the output contains "policy features judges {features: [features/*.yaml], ledger_ac_ids}"
    And the output contains "policy ledger judges the spec ledger (specs/spec_ledger.yaml)"
    And the output contains "tracked file .pre-commit-config.yaml will be merged (govcell's hooks added, comments and order kept)"
    And the output contains "would create: .govcell.yaml"
    And the output contains "would skip: docs/adr/0001-record-architecture-decisions.md (docs/adr already holds 1 decision record(s); the starter's would be a second ADR-0001)"
    And the output contains "would skip: policy/ (25 files of the scaffold) (policy/ holds your own policies and fixtures"
    And the output contains "govcell init --dry-run: nothing was written"
    And no file in the cell was written

  @AC-ADOPT-040
  Scenario: init writes only configuration that fits the cell, and its policies are fed as CI feeds them
    When I run "govcell init"
    Then the exit code is 0
    And the output contains "created: .govcell.yaml"
    And the output contains "merged: .pre-commit-config.yaml (govcell's hooks added; its comments, order and other hooks kept)"
    And the output contains "hooks: repo: local with language: system"
    And the only files init added are ".govcell.yaml", ".gitignore" and the JSON Schemas
    And no tracked file changed but ".pre-commit-config.yaml"
    And the file ".pre-commit-config.yaml" contains "entry: govcell-spec-ledger"
    When I run "govcell check"
    Then the exit code is 0
    When the file "flags/rollouts.yaml" is:
      """
      environments:
        prod: {new_ui: 150, old_ui: 10}
      """
    And I run "govcell check policy-test"
    Then the exit code is 1
    And the output contains "flags/registry.yaml:1:1: error: policy.violation: Flag new_ui in prod has invalid percentage 150 (> 100) [policy flags]"
    And the output contains "flags/registry.yaml:1:1: error: policy.violation: Rollout for old_ui in prod references unknown flag [policy flags]"
    When the file "features/FT-PAY.yaml" is:
      """
      id: FT-PAY
      acceptance_criteria: [AC-PAY-001, AC-PAY-404]
      """
    And I run "govcell check policy-test"
    Then the output contains "features/FT-PAY.yaml:1:1: error: policy.violation: Feature FT-PAY references unknown AC AC-PAY-404 [policy features]"

  @AC-ADOPT-040
  Scenario: init twice changes nothing
    When I run "govcell init"
    And I run "govcell init"
    Then the exit code is 0
    And the output contains "govcell init: 0 created, 0 overwritten, 7 already as scaffolded"
    And the output contains "tracked files: none will be changed"

  @AC-ADOPT-041
  Scenario: A composed input builds what a policy judges from several files
    Given the config:
      """
      policy:
        inputs:
          joined:
            merge: [{file: flags/registry.yaml}, {file: flags/extra.yaml}]
            keys:
              rollouts: {file: flags/rollouts.yaml, key: environments}
              ids: {builtin: ledger_ac_ids}
              manifests: {files: "features/*.yaml"}
              nothing: {files: "nowhere/*.yaml"}
        targets:
          shape: [joined]
      """
    And the file "flags/extra.yaml":
      """
      flags:
        - {key: extra, owner: team}
      more: {deep: true}
      """
    And the file "policy/shape.rego":
      """
      package main

      deny[msg] {
          msg := sprintf("flags=%v rollouts=%v ids=%v manifests=%v nothing=%v more=%v", [count(input.flags), count(input.rollouts), input.ids, count(input.manifests), input.nothing, input.more.deep])
      }
      """
    When I run "govcell check policy-test"
    Then the output contains "flags/registry.yaml:1:1: error: policy.violation: flags=1 rollouts=1 ids=["AC-PAY-001"] manifests=1 nothing=[] more=true [policy shape]"

  @AC-ADOPT-041
  Scenario: A composed input with a missing file or a value that cannot merge is a located finding
    Given the config:
      """
      policy:
        inputs:
          broken:
            merge: [{file: features/FT-PAY.yaml, key: acceptance_criteria}]
            keys:
              gone: {file: flags/gone.yaml}
        targets:
          ledger: [broken]
      """
    When I run "govcell check policy-test"
    Then the exit code is 1
    And the output contains ".govcell.yaml:4:15: error: policy.input-type: policy input 'broken': merge source features/FT-PAY.yaml (key acceptance_criteria) is not a mapping"
    And the output contains ".govcell.yaml:6:15: error: policy.target-no-match: input file flags/gone.yaml does not exist"
    And the output has no traceback

  @AC-ADOPT-042
  Scenario: An xtask ac-status report is kept in its format and governed in it
    When I run "govcell init"
    Then the output contains "docs/feature_status.md: the report of `cargo xtask ac-status`"
    And the output contains "skipped: docs/feature_status.md (in the format of `cargo xtask ac-status`: kept in that format (feature_status.format: xtask)"
    And the file ".govcell.yaml" contains "  format: xtask"
    When I run "govcell feature-status --check"
    Then the exit code is 0
    When the ledger gains the AC "AC-PAY-002" with a bdd test
    And I run "govcell check feature-status"
    Then the exit code is 1
    And the output contains "docs/feature_status.md: error: feature-status.stale"
    When I run "govcell feature-status"
    Then the exit code is 1
    And the file "docs/feature_status.md" contains "| AC-PAY-001 | US-PAY-001 | REQ-PAY-CARD | [PASS] pass | 1 |"
    And the file "docs/feature_status.md" contains "| AC-PAY-002 | US-PAY-001 | REQ-PAY-CARD | [UNKNOWN] unknown | 1 |"
    And the file "docs/feature_status.md" contains "- AC-PAY-002: Refunds reach the card"
    And the file "docs/feature_status.md" does not contain "Generated by govcell"

  @AC-ADOPT-043
  Scenario: A report in another format is never rewritten without --convert
    Given the file "docs/feature_status.md":
      """
      # Feature status

      Written by hand.
      """
    And the config:
      """
      results:
        files: []
      """
    When I run "govcell check feature-status"
    Then the exit code is 1
    And the output contains "docs/feature_status.md:1:1: error: feature-status.foreign-format: docs/feature_status.md is a file govcell does not write, not govcell's report (feature_status.format: govcell); govcell does not rewrite it"
    When I run "govcell-feature-status"
    Then the exit code is 1
    And the file "docs/feature_status.md" contains "Written by hand."
    When I run "govcell feature-status --convert"
    Then the exit code is 1
    And the output contains "docs/feature_status.md: converted from a file govcell does not write to govcell's report"
    And the file "docs/feature_status.md" contains "Generated by govcell"

  @AC-ADOPT-043
  Scenario: init converts a report in another format only when told to, and says so first
    When I run "govcell init --convert-feature-status"
    Then the exit code is 0
    And the output contains "tracked file docs/feature_status.md will be converted to govcell's report"
    And the output contains "overwritten: docs/feature_status.md"
    And the file ".govcell.yaml" does not contain "format: xtask"
    And the file "docs/feature_status.md" contains "Generated by govcell"
    When I run "govcell check feature-status"
    Then the exit code is 0
