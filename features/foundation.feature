Feature: Foundation: the spec ledger hook, located findings and safe loading
  govcell validates a repository's spec ledger on every commit and reports
  every problem at once, each at its file, line and column.

  @AC-FND-001 @slow
  Scenario: A consumer installs the spec-ledger hook through pre-commit
    Given a git repository whose pre-commit config uses govcell's spec-ledger hook
    And the repository has a valid ledger
    When pre-commit runs the hook through try-repo
    Then pre-commit reports the hook passed
    When the ledger gains a misspelt key and pre-commit runs the hook again
    Then pre-commit reports the hook failed with "ledger.unknown-key"

  @AC-FND-002
  Scenario: The CLI reports its version and publishes JSON Schemas
    Given an empty directory
    When I run "govcell --version"
    Then the exit code is 0
    And the output matches "govcell \d+\.\d+\.\d+"
    When I run "govcell schema ledger"
    Then the exit code is 0
    And the output is a JSON Schema describing "stories"

  @AC-FND-010
  Scenario: A ledger written for the Rust template is accepted as it is
    Given a cell with the ledger:
      """
      metadata: {schema_version: "1.0", template_version: "3.3.15", last_updated: 2025-12-22,
                 description: "Service template", adrs: [ADR-0002]}
      stories:
        - id: US-TPL-001
          title: Service Core Capabilities
          adr: ADR-0001
          requirements:
            - id: REQ-TPL-HEALTH
              title: Health Check Endpoint
              tags: [platform]
              docs: [docs/health.md]
              ci_workflows: [.github/workflows/ci.yml]
              rationale: Orchestrators need it.
              acceptance_criteria:
                - id: AC-TPL-001
                  text: GET /health returns 200
                  tags: [kernel]
                  adr: [ADR-0001, ADR-0002]
                  tests:
                    - {type: bdd, tag: "@AC-TPL-001", file: specs/features/core.feature}
                    - {type: unit, tag: test_health_ok, module: "app::tests", file: src/lib.rs}
                - id: AC-TPL-002
                  text: The health body names the version
                  must_have_ac: false
                  note: informational
      """
    When I run "govcell check spec-ledger"
    Then the exit code is 0
    And the output is empty

  @AC-FND-011
  Scenario: An unknown key is reported with a "did you mean" hint
    Given a cell with the ledger:
      """
      stories:
        - id: US-A-001
          title: A story
          requirements:
            - id: REQ-A-ONE
              titel: A requirement
      """
    When I run "govcell check spec-ledger"
    Then the exit code is 1
    And the output contains "specs/spec_ledger.yaml:6:9: error: ledger.unknown-key: unknown key 'titel'"
    And the output contains "did you mean 'title'?"

  @AC-FND-012
  Scenario: Every problem of the ledger is reported in one run at its line
    Given a cell with the ledger:
      """
      stories:
        - id: US-A-001
          title: A story
          requirements:
            - id: REQ-A-ONE
              title: ""
              must_have_ac: perhaps
              acceptance_criteria:
                - id: AC-A-001
                  text: first
                - id: AC-A-001
                  text: second
                - id: ac-lower
                  tests: [{type: fuzz}]
      """
    When I run "govcell check spec-ledger"
    Then the exit code is 1
    And the output contains "specs/spec_ledger.yaml:6:16: warning: ledger.empty-text"
    And the output contains "specs/spec_ledger.yaml:7:23: error: ledger.type"
    And the output contains "specs/spec_ledger.yaml:11:17: error: ledger.duplicate-id: ID 'AC-A-001' is already used on line 9"
    And the output contains "specs/spec_ledger.yaml:13:17: error: ledger.id-pattern"
    And the output contains "specs/spec_ledger.yaml:13:13: warning: ledger.empty-text: acceptance criterion ac-lower has no text"
    And the output contains "specs/spec_ledger.yaml:14:28: warning: ledger.unknown-test-type: test type 'fuzz'"

  @AC-FND-020
  Scenario: A duplicate mapping key is a finding, not a silent overwrite
    Given a cell with the ledger:
      """
      stories:
        - id: US-A-001
          title: A story
          title: Another title
      """
    When I run "govcell check spec-ledger"
    Then the exit code is 1
    And the output contains "specs/spec_ledger.yaml:4:5: error: yaml.duplicate-key: duplicate key 'title' (first defined on line 3)"

  @AC-FND-021
  Scenario Outline: Broken or hostile ledger files give a clear finding and nothing else
    Given a cell whose ledger is <content>
    When I run "govcell check spec-ledger"
    Then the exit code is 1
    And the output contains "<code>"
    And the output has no traceback
    And no file in the cell was written

    Examples:
      | content                   | code                |
      | an alias bomb             | yaml.alias-limit    |
      | indented with tabs        | yaml.syntax         |
      | invalid UTF-8             | file.encoding       |
      | binary                    | file.binary         |
      | 50 MB                     | file.too-large      |
      | empty                     | ledger.empty        |
      | missing                   | ledger.missing      |
      | a directory               | file.not-a-file     |
      | a list, not a mapping     | ledger.type         |
      | malformed YAML            | yaml.syntax         |

  @AC-FND-030
  Scenario: The text report is one located finding per line with a hint
    Given a cell with the ledger:
      """
      stories:
        - id: story-1
          title: A story
      """
    When I run "govcell check spec-ledger"
    Then the exit code is 1
    And the output line 1 is "specs/spec_ledger.yaml:2:9: error: ledger.id-pattern: story ID 'story-1' does not match US-[A-Z0-9][A-Z0-9-]*"
    And the output line 2 is "    hint: rename it, or change ids.story in the config"

  @AC-FND-032
  Scenario: Severity overrides and --strict decide what fails
    Given a cell with the ledger:
      """
      stories:
        - id: story-1
          title: A story
      """
    And the config:
      """
      severity:
        ledger.id-pattern: warning
      """
    When I run "govcell check spec-ledger"
    Then the exit code is 0
    And the output contains "warning: ledger.id-pattern"
    When I run "govcell check spec-ledger --strict"
    Then the exit code is 1
    And the output contains "error: ledger.id-pattern"

  @AC-FND-040
  Scenario: A bad config is a located finding and the defaults still apply
    Given a cell with the ledger:
      """
      stories:
        - id: story-1
          title: A story
      """
    And the config:
      """
      paths:
        ledgr: specs/other.yaml
      """
    When I run "govcell check"
    Then the exit code is 1
    And the output contains ".govcell.yaml:2:3: error: config.unknown-key: unknown key 'ledgr'"
    And the output contains "did you mean 'ledger'?"
    And the output contains "ledger.id-pattern"

  @AC-FND-042
  Scenario: A bad [tool.govcell] table is reported as a bad .govcell.yaml is, at the key's line
    Given a cell with the ledger:
      """
      stories:
        - id: story-1
          title: A story
      """
    And the file "pyproject.toml":
      """
      [project]
      name = "x"

      [tool.govcell.paths]
      ledgr = "specs/other.yaml"

      [tool.govcell]
      strict = [1]
      """
    When I run "govcell check"
    Then the exit code is 1
    And the output contains "pyproject.toml:5:1: error: config.unknown-key: unknown key 'ledgr' at paths"
    And the output contains "did you mean 'ledger'?"
    And the output contains "pyproject.toml:8:10: error: config.type: strict: Input should be a valid boolean"
    And the output contains "error: ledger.id-pattern"
