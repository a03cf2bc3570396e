Feature: AC tags, AC status from test results, feature status and next work
  Scenarios prove acceptance criteria through @AC-… tags; test result files say
  whether those proofs pass; govcell reports both, ranks the work left, and
  keeps docs/feature_status.md in step with the cell.

  Background:
    Given a cell with the ledger:
      """
      stories:
        - id: US-S-001
          title: Shop
          requirements:
            - id: REQ-S-PAY
              title: Payments
              acceptance_criteria:
                - id: AC-S-001
                  text: A card is charged once
                  tests:
                    - {type: bdd, tag: "@AC-S-001", file: features/pay.feature}
                - id: AC-S-002
                  text: A refund is recorded
                  tests:
                    - {type: unit, tag: test_refund, file: tests/test_refund.py}
            - id: REQ-S-OLD
              title: Legacy
              acceptance_criteria:
                - id: AC-S-003
                  text: Cheques are accepted
                  status: deprecated
                - id: AC-S-004
                  text: Receipts look nice
                  must_have_ac: false
                  tests:
                    - {type: manual, name: eyeball the receipt}
      """
    And the file "features/pay.feature":
      """
      Feature: Pay
        @AC-S-001
        Scenario: Charge a card
          Given a card
          Then it is charged once
      """
    And the file "tests/test_refund.py":
      """
      def test_refund():
          assert True
      """

  @AC-TAG-001
  Scenario: Feature, Rule and Examples tags are inherited, in any Gherkin language
    Given the file "features/rules.feature":
      """
      @AC-S-001
      Feature: Rules
        Background:
          Given a shop

        Scenario Outline: Pay <amount>
          Given <amount>

          @AC-S-004
          Examples: small
            | amount |
            | 1      |

        @AC-S-002
        Rule: Refunds
          Scenario: Refund a card
            Given a charge
      """
    And the file "features/fr.feature":
      """
      # language: fr
      Fonctionnalité: Paiement
        @AC-S-002
        Scénario: Rembourser
          Soit une carte
      """
    When I run "govcell check ac-tags"
    Then the exit code is 0
    And the scenario "Refund a card" of "features/rules.feature" proves "AC-S-001 AC-S-002"
    And the scenario "Pay <amount>" of "features/rules.feature" proves "AC-S-001 AC-S-004"
    And the scenario "Rembourser" of "features/fr.feature" proves "AC-S-002"
    And the tag "@AC-S-002" of "features/rules.feature" is on line 14

  @AC-TAG-002
  Scenario Outline: A broken feature file is a located finding, never a traceback
    Given a feature file "features/bad.feature" that is <content>
    When I run "govcell check ac-tags"
    Then the exit code is <exit>
    And the output contains "<finding>"
    And the output has no traceback

    Examples:
      | content                  | exit | finding                                             |
      | not Gherkin              | 1    | features/bad.feature:1:1: error: gherkin.syntax     |
      | broken after line 3      | 1    | features/bad.feature:4:3: error: gherkin.syntax     |
      | in an unknown language   | 1    | features/bad.feature:1:1: error: gherkin.unknown-language |
      | empty                    | 0    | warning: gherkin.no-feature                         |
      | binary                   | 1    | error: file.binary                                  |
      | invalid UTF-8            | 1    | error: file.encoding                                |

  @AC-TAG-003
  Scenario: The AC tag pattern is configurable
    Given the config:
      """
      ac_tags:
        pattern: "@req:(?P<id>AC-[A-Z0-9-]+)"
      """
    And the file "features/other.feature":
      """
      Feature: Other
        @req:AC-S-002
        Scenario: Refund by tag pattern
          Given a charge
      """
    When I run "govcell status --json"
    Then the JSON value "ac_status.AC-S-002.scenarios.0" is "features/other.feature:3"
    When I run "govcell check ac-tags"
    Then the output contains "features/pay.feature:3:3: warning: ac.untagged-scenario"

  @AC-TAG-010
  Scenario: Orphaned and deprecated tags are reported at the tag
    Given the file "features/extra.feature":
      """
      Feature: Extra
        @AC-S-01   @AC-S-003
        Scenario: Old ways
          Given a cheque
      """
    When I run "govcell check ac-tags"
    Then the exit code is 1
    And the output contains "features/extra.feature:2:3: error: ac.orphaned-tag: tag '@AC-S-01' names no AC of the ledger"
    And the output contains "did you mean 'AC-S-001'?"
    And the output contains "features/extra.feature:2:14: warning: ac.deprecated-tag"

  @AC-TAG-011
  Scenario: A kernel AC without a scenario or an automated test is uncovered
    Given a cell with the ledger:
      """
      stories:
        - id: US-U-001
          title: Uncovered
          requirements:
            - id: REQ-U-ONE
              title: One
              acceptance_criteria:
                - id: AC-U-001
                  text: Nothing proves this
                - id: AC-U-002
                  text: Only CI proves this
                  tests: [{type: ci, name: nightly}]
                - id: AC-U-003
                  text: Still a draft
                  status: draft
                - id: AC-U-004
                  text: Need not be proven
                  must_have_ac: false
      """
    When I run "govcell check ac-tags"
    Then the exit code is 1
    And the output contains "specs/spec_ledger.yaml:8:17: error: ac.uncovered-kernel: kernel AC AC-U-001 has no scenario and no automated test"
    And the output contains "error: ac.uncovered-kernel: kernel AC AC-U-002 has only ci mappings"
    And the output contains "warning: ac.uncovered-kernel: kernel AC AC-U-003"
    And the output does not contain "AC-U-004"

  @AC-TAG-012
  Scenario: Test mappings must point at files that exist and carry the tag
    Given a cell with the ledger:
      """
      stories:
        - id: US-M-001
          title: Mappings
          requirements:
            - id: REQ-M-ONE
              title: One
              acceptance_criteria:
                - id: AC-M-001
                  text: Mapped to a feature without the tag
                  tests: [{type: bdd, tag: "@AC-M-001", file: features/pay.feature}]
                - id: AC-M-002
                  text: Mapped to files that are gone
                  tests:
                    - {type: bdd, tag: "@AC-M-002", file: features/gone.feature}
                    - {type: unit, tag: test_gone, file: tests/test_gone.py}
      """
    When I run "govcell check ac-tags"
    Then the exit code is 1
    And the output contains "specs/spec_ledger.yaml:8:17: error: ac.bdd-tag-missing: AC-M-001 maps a scenario tagged @AC-M-001 in features/pay.feature"
    And the output contains "error: ac.mapped-file-missing: AC-M-002 maps a bdd test to features/gone.feature"
    And the output contains "error: ac.mapped-file-missing: AC-M-002 maps a unit test to tests/test_gone.py"
    And the output contains "error: ac.orphaned-tag: tag '@AC-S-001'"

  @AC-TAG-013
  Scenario: Untagged and duplicate scenarios and odd tag spacing are warnings
    Given the file "features/more.feature":
      """
      Feature: More
        Scenario: Not tagged
          Given nothing

        @wip
        Scenario: Work in progress
          Given nothing

        @AC-S-001,@AC-S-002
        Scenario: Charge a card
          Given a card

        @AC-S-001	  @AC-S-002
        Scenario: Charge a card
          Given a card
      """
    When I run "govcell check ac-tags"
    Then the exit code is 0
    And the output contains "features/more.feature:2:3: warning: ac.untagged-scenario: scenario 'Not tagged' carries no AC tag"
    And the output does not contain "Work in progress"
    And the output contains "features/more.feature:9:3: warning: ac.malformed-tag: tag '@AC-S-001,' looks like an AC tag"
    And the output contains "did you mean '@AC-S-001'?"
    And the output contains "features/more.feature:14:3: warning: ac.duplicate-scenario: scenario name 'Charge a card' is already used on line 10"
    When I run "govcell check ac-tags --strict"
    Then the exit code is 1

  @AC-TAG-020
  Scenario: Results of the govcell pytest plugin give ACs their run status
    Given the config:
      """
      results:
        files: [test-results/govcell.json]
      """
    And the file "test-results/govcell.json":
      """
      {"schema": "govcell.results/1", "tests": [
        {"nodeid": "tests/test_pay.py::test_charge_a_card", "outcome": "passed", "acs": ["AC-S-001"],
         "feature": "features/pay.feature", "line": 3, "scenario": "Charge a card"},
        {"nodeid": "tests/test_refund.py::test_refund", "outcome": "failed", "acs": [],
         "file": "tests/test_refund.py", "function": "test_refund"}
      ]}
      """
    When I run "govcell status --json"
    Then the JSON value "ac_status.AC-S-001.run" is "passing"
    And the JSON value "ac_status.AC-S-002.run" is "failing"
    And the JSON value "requirements.REQ-S-PAY" is "failing"

  @AC-TAG-020
  Scenario: pytest-bdd cucumber JSON gives scenarios their run status
    Given the config:
      """
      results:
        files: ["test-results/*.json"]
      """
    And the file "test-results/cucumber.json":
      """
      [{"keyword": "Feature", "uri": "features/pay.feature", "name": "Pay", "tags": [], "elements": [
        {"keyword": "Scenario", "id": "test_charge_a_card", "name": "Charge a card", "line": 3, "type": "scenario",
         "tags": [{"name": "AC-S-001", "line": 2}],
         "steps": [{"keyword": "Given", "name": "a card", "line": 4, "result": {"status": "passed"}},
                   {"keyword": "Then", "name": "it is charged once", "line": 5, "result": {"status": "failed"}}]}]}]
      """
    When I run "govcell status --json"
    Then the JSON value "ac_status.AC-S-001.run" is "failing"
    And the JSON value "results.0.format" is "cucumber"

  @AC-TAG-020
  Scenario: JUnit XML from pytest and from other tools is matched to unit test mappings
    Given the config:
      """
      results:
        files: [test-results/pytest.xml, test-results/cargo.xml]
      """
    And the file "test-results/pytest.xml":
      """
      <?xml version="1.0" encoding="utf-8"?>
      <testsuites><testsuite name="pytest" tests="1">
        <testcase classname="tests.test_refund" name="test_refund" time="0.01"/>
      </testsuite></testsuites>
      """
    And the file "test-results/cargo.xml":
      """
      <testsuite name="shop" tests="2">
        <testcase classname="shop::payments::tests" name="test_refund"><failure message="other crate"/></testcase>
        <testcase classname="shop::tests" name="it_works"><skipped/></testcase>
      </testsuite>
      """
    When I run "govcell status --json"
    Then the JSON value "ac_status.AC-S-002.run" is "passing"
    And the JSON value "ac_status.AC-S-001.run" is "not_run"
    And the JSON value "results.1.tests" is "1"

  @AC-TAG-021
  Scenario Outline: A broken or stale result file is a finding, never a crash
    Given the config:
      """
      results:
        files: [test-results/r.json]
      """
    And the result file "test-results/r.json" is <kind>
    When I run "govcell check test-results"
    Then the exit code is <exit>
    And the output contains "<finding>"
    And the output has no traceback
    When I run "govcell status --json"
    Then the exit code is 0
    And the JSON value "ac_status.AC-S-001.run" is "not_run"

    Examples:
      | kind                                  | exit | finding                       |
      | empty                                 | 0    | warning: results.empty        |
      | truncated JSON                        | 1    | error: results.malformed      |
      | JSON of another tool                  | 1    | error: results.unknown-format |
      | XML that is not JUnit                 | 1    | error: results.unknown-format |
      | XML with a DTD                        | 1    | error: results.malformed      |
      | for scenarios that no longer exist    | 0    | warning: results.stale        |
      | naming an AC that is not in the ledger | 0    | warning: results.unknown-ac   |

  @AC-TAG-030
  Scenario: AC status rolls up to requirements and stories, worst first
    Given the config:
      """
      results:
        files: [test-results/govcell.json]
      """
    And the file "test-results/govcell.json":
      """
      {"schema": "govcell.results/1", "tests": [
        {"nodeid": "tests/test_pay.py::test_charge_a_card", "outcome": "passed", "acs": ["AC-S-001"],
         "feature": "features/pay.feature", "line": 3, "scenario": "Charge a card"}
      ]}
      """
    When I run "govcell status --json"
    Then the JSON value "ac_status.AC-S-001.run" is "passing"
    And the JSON value "ac_status.AC-S-002.coverage" is "covered"
    And the JSON value "ac_status.AC-S-002.run" is "not_run"
    And the JSON value "ac_status.AC-S-004.coverage" is "meta"
    And the JSON value "requirements.REQ-S-PAY" is "not_run"
    And the JSON value "requirements.REQ-S-OLD" is "meta"
    And the JSON value "stories.US-S-001" is "not_run"
    And the JSON value "acs.kernel.total" is "2"
    And the JSON value "acs.kernel.passing" is "1"
    And the JSON value "acs.non_kernel.meta" is "1"
    And the JSON value "acs.deprecated" is "1"

  @AC-TAG-031
  Scenario: govcell status is a versioned document without timestamps unless asked
    When I run "govcell status --json"
    Then the exit code is 0
    And the JSON value "schema" is "govcell.status/1"
    And the JSON value "counts.acs" is "4"
    And the JSON has the key "findings"
    And the JSON has no key "generated_at"
    And running it again prints the same bytes
    When I run "govcell status --json --timestamps"
    Then the JSON has the key "generated_at"
    When I run "govcell status"
    Then the output contains "kernel ACs     2: 2 covered, 0 uncovered, 0 meta; 0 passing, 0 failing, 2 not run"

  @AC-TAG-040
  Scenario: feature-status regenerates the report and fails only when it changed
    When I run "govcell-feature-status"
    Then the exit code is 1
    And the file "docs/feature_status.md" contains "| AC-S-001 | US-S-001 | REQ-S-PAY | yes | `features/pay.feature:3` | – | covered |"
    And the file "docs/feature_status.md" contains "- **AC-S-004** (manual): Receipts look nice"
    When I run "govcell-feature-status"
    Then the exit code is 0
    And the report is byte-identical when the cell is copied elsewhere
    Given the file "features/new.feature":
      """
      Feature: New
        @AC-S-404
        Scenario: Lost
          Given nothing
      """
    When I run "govcell feature-status --check"
    Then the exit code is 1
    And the file "docs/feature_status.md" does not contain "AC-S-404"
    When I run "govcell check feature-status"
    Then the output contains "docs/feature_status.md: error: feature-status.stale"
    When I run "govcell feature-status"
    Then the file "docs/feature_status.md" contains "- `features/new.feature:3` Lost: names unknown AC-S-404"

  @AC-TAG-050
  Scenario: govcell next ranks failing and uncovered kernel ACs, ready tasks and orphaned scenarios
    Given the config:
      """
      results:
        files: [test-results/govcell.json]
      """
    And the file "test-results/govcell.json":
      """
      {"schema": "govcell.results/1", "tests": [
        {"nodeid": "tests/test_refund.py::test_refund", "outcome": "failed", "file": "tests/test_refund.py",
         "function": "test_refund"}
      ]}
      """
    And the file "specs/tasks.yaml":
      """
      tasks:
        - {id: T-1, title: Low priority, priority: P3}
        - {id: T-2, title: Blocked by T-1, depends_on: [T-1], priority: P0}
        - {id: T-3, title: Urgent, labels: ["priority:high"]}
        - {id: T-4, title: Finished, status: done}
      """
    And the file "features/lost.feature":
      """
      Feature: Lost
        @AC-S-999
        Scenario: Orphan
          Given nothing
      """
    When I run "govcell next --json"
    Then the exit code is 0
    And the JSON value "items.0.reason" is "failing-kernel-ac"
    And the JSON value "items.0.id" is "AC-S-002"
    And the JSON value "items.1.id" is "T-3"
    And the JSON value "items.2.id" is "T-1"
    And the JSON value "items.3.reason" is "orphaned-scenario"
    And the JSON value "total" is "4"
    When I run "govcell next --limit 1"
    Then the output line 1 is "  1. failing-kernel-ac   AC-S-002: A refund is recorded  (specs/spec_ledger.yaml:12)"
    And the output contains "... and 3 more"
