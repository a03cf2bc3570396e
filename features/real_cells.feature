Feature: Real cells: the Rust template's files load as they are, in part when broken, never silently off
  govcell descends from a public Rust service template whose ledger, tasks, devex flows,
  contextpack and doc index are the formats its users already have. govcell loads every
  version of them as they are, keeps keys it does not know, lets one bad item invalidate
  only itself, and says so whenever it could not read something.

  @AC-REAL-001
  Scenario: The Rust template's own cell loads whole, with no format error
    Given the reference cell of the Rust template
    When I run "govcell status --json"
    Then the exit code is 0
    And the status counts 5 stories, 55 requirements, 134 ACs and 288 scenarios in 25 feature files
    And the status counts 0 orphaned scenarios
    When I run "govcell check spec-ledger"
    Then the output has no finding ending in ".type", ".missing-field" or ".unknown-key"

  @AC-REAL-002
  Scenario: Links the template's fields carry are checked like every other reference
    Given a cell with the ledger:
      """
      stories:
        - id: US-A-001
          title: A story
          requirements:
            - id: REQ-A-ONE
              title: A requirement
              docs: [{design_doc: docs/design/a.md}, DESIGN-A-001, DESIGN-NOPE-001]
              ci_workflows: [CI-A, ci-gone.yml]
              acceptance_criteria:
                - id: AC-A-001
                  text: Something holds
                  tests:
                    - {type: ci, tag: lint, workflow: ci-lint.yml}
      """
    And the file "docs/design/a.md":
      """
      # A
      """
    And the file ".github/workflows/ci-lint.yml":
      """
      on: push
      """
    And the file "specs/doc_index.yaml":
      """
      schema_version: "1.0"
      docs:
        - {id: DESIGN-A-001, file: docs/design/a.md, doc_type: design_doc, requirements: [REQ-A-ONE]}
        - {id: CI-A, file: .github/workflows/ci-lint.yml, doc_type: ci_workflow, acs: [AC-A-404]}
      """
    And the file "specs/tasks.yaml":
      """
      schema_version: "1.0"
      template_version: "3.3.15"
      tasks:
        - id: TASK-1
          title: Do it
          requirement: REQ-A-ONE
          acs: [AC-A-001]
          status: Todo
          summary: Do the thing
          docs: {design: [DESIGN-A-001, docs/design/missing.md], plan: []}
          recommended_flows: [ac_first, no_such_flow]
      """
    And the file "specs/devex_flows.yaml":
      """
      schema_version: "1.0"
      commands:
        check: {category: onboarding, summary: Fast loop, required: true, docs: {readme_table: true}}
      flows:
        ac_first:
          name: AC first
          description: Add behaviour
          required: true
          documented_in: [CONTRIBUTING.md]
          steps: [check, bdd]
      """
    When I run "govcell check spec-ledger governance-graph"
    Then the exit code is 1
    And the output contains "specs/spec_ledger.yaml:7:62: error: graph.missing-doc: requirement REQ-A-ONE names doc ID DESIGN-NOPE-001, which is not in the doc index (specs/doc_index.yaml)"
    And the output contains "specs/spec_ledger.yaml:8:30: error: graph.missing-workflow: requirement REQ-A-ONE names CI workflow ci-gone.yml"
    And the output contains "specs/doc_index.yaml:4:82: error: graph.dangling-ref: workflow CI-A documents AC-A-404, but no AC has that ID"
    And the output contains "specs/tasks.yaml:10:35: error: graph.missing-doc: task TASK-1 names doc docs/design/missing.md, which does not exist"
    And the output contains "specs/tasks.yaml:11:35: error: graph.dangling-ref: task TASK-1 follows no_such_flow, but no flow has that ID"
    And the output contains "specs/devex_flows.yaml:9:21: error: graph.missing-doc: flow ac_first names doc CONTRIBUTING.md, which does not exist"
    And the output contains "specs/devex_flows.yaml:10:20: error: graph.dangling-ref: flow ac_first executes bdd, but no command has that ID"
    And the output does not contain "ci-lint.yml"
    And the output does not contain "DESIGN-A-001"
    And the output does not contain "unknown-key"

  @AC-REAL-010
  Scenario: A misspelt key is an error with "did you mean"; any other unknown key is an extension field
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
                  txet: Something holds
                  risk: high
                - id: AC-A-002
                  text: Something else holds
                  risk: low
      """
    When I run "govcell check spec-ledger"
    Then the exit code is 1
    And the output contains "specs/spec_ledger.yaml:9:13: error: ledger.unknown-key: unknown key 'txet' at stories[0].requirements[0].acceptance_criteria[0]"
    And the output contains "did you mean 'text'?"
    And the output contains "specs/spec_ledger.yaml:10:13: info: ledger.extension-key: key 'risk' of an acceptance criterion is not part of the format; kept as an extension field (2 places)"
    Given the config:
      """
      severity: {ledger.extension-key: error, ledger.unknown-key: warning}
      """
    When I run "govcell check spec-ledger"
    Then the output contains "specs/spec_ledger.yaml:10:13: error: ledger.extension-key"
    And the output contains "specs/spec_ledger.yaml:9:13: warning: ledger.unknown-key"

  @AC-REAL-020
  Scenario: One bad item invalidates only itself; everything else loads and is counted
    Given a cell with the ledger:
      """
      stories:
        - id: US-A-001
          title: A story
          requirements:
            - id: REQ-A-ONE
              title: A requirement
              must_have_ac: perhaps
              acceptance_criteria:
                - id: AC-A-001
                  text: [not, a, sentence]
                - id: AC-A-002
                  text: Something holds
                  tests: [{type: unit, tag: test_it, file: tests/test_it.py}, {tag: no-type}]
        - id: [US-A-002]
          title: A story with a bad ID
      """
    And the file "tests/test_it.py":
      """
      def test_it(): pass
      """
    When I run "govcell check spec-ledger"
    Then the exit code is 1
    And the output contains "specs/spec_ledger.yaml:7:23: error: ledger.type: stories[0].requirements[0].must_have_ac"
    And the output contains "specs/spec_ledger.yaml:10:19: error: ledger.type: stories[0].requirements[0].acceptance_criteria[0].text"
    And the output contains "specs/spec_ledger.yaml:13:73: error: ledger.missing-field: missing required field 'type'"
    And the output contains "specs/spec_ledger.yaml:14:9: error: ledger.type"
    When I run "govcell status --json"
    Then the status counts 1 stories, 1 requirements, 1 ACs and 0 scenarios in 0 feature files
    And the status lists 4 invalid items in "specs/spec_ledger.yaml"

  @AC-REAL-021
  Scenario: A file that cannot be read at all is the one cause every hook reports
    Given a cell with the ledger:
      """
      stories:
        - id: US-A-001
          title: [unclosed
      """
    And the file "features/a.feature":
      """
      Feature: A
        @AC-A-001
        Scenario: One
          Given a thing
      """
    And the file "docs/feature_status.md":
      """
      the committed report
      """
    When I run "govcell-ac-tags"
    Then the exit code is 1
    And the output contains "specs/spec_ledger.yaml:4:1: error: yaml.syntax"
    And the output does not contain "orphaned"
    When I run "govcell-feature-status"
    Then the exit code is 1
    And the output contains "yaml.syntax"
    And the file "docs/feature_status.md" still reads "the committed report"
    When I run "govcell status"
    Then the output contains "UNREADABLE specs/spec_ledger.yaml"
    When I run "govcell next"
    Then the output line 1 contains "unreadable-file"

  @AC-REAL-022 @slow
  Scenario: The site of a template cell with one broken AC still has every story and lists what was left out
    Given the reference cell of the Rust template
    And one AC of its ledger is broken
    When I run "govcell site build --out site"
    Then the exit code is 0
    And the site has a page for each of the 5 stories
    And the site's findings page lists "AC-TPL-001" among the items left out
