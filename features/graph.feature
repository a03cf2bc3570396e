Feature: The governance graph and its invariants
  The whole cell is one directed graph; references between files must resolve,
  and the invariants of a governed cell hold.

  Background:
    Given a cell with the ledger:
      """
      metadata: {adrs: [ADR-0001]}
      stories:
        - id: US-G-001
          title: Graph story
          requirements:
            - id: REQ-G-ONE
              title: First requirement
              acceptance_criteria:
                - id: AC-G-001
                  text: Proven by a unit test
                  tests: [{type: unit, tag: test_one, file: tests/test_one.py}]
      """
    And the file "docs/adr/0001-first-decision.md":
      """
      # ADR-0001: First decision
      Status: accepted
      """

  @AC-GRF-001
  Scenario: The graph exports as versioned node-link JSON
    When I run "govcell graph --format json"
    Then the exit code is 0
    And the graph JSON has schema "govcell.graph/1"
    And the graph JSON has a "ac" node "AC-G-001" at "specs/spec_ledger.yaml" line 9
    And the graph JSON has a "contains" edge from "requirement:REQ-G-ONE" to "ac:AC-G-001"
    And the graph JSON has a "decided_by" edge from "ledger:specs/spec_ledger.yaml" to "adr:ADR-0001"

  @AC-GRF-002
  Scenario: Mermaid and DOT exports are readable and can focus on one node
    When I run "govcell graph --format mermaid"
    Then the exit code is 0
    And the output contains "flowchart LR"
    And the output contains "subgraph"
    And the output contains "US-G-001: Graph story"
    When I run "govcell graph --format dot --focus AC-G-001 --depth 1"
    Then the exit code is 0
    And the output contains "digraph govcell {"
    And the output contains ""ac:AC-G-001""
    And the output contains ""requirement:REQ-G-ONE""
    And the output does not contain ""story:US-G-001" ["
    When I run "govcell graph --focus AC-NOPE"
    Then the exit code is 2
    And the output contains "no node with ID 'AC-NOPE'"

  @AC-GRF-010
  Scenario: References that do not resolve are errors naming both ends
    Given the file "specs/tasks.yaml":
      """
      tasks:
        - {id: T-1, title: Build it, requirement: REQ-G-TWO, acs: [AC-G-001, AC-G-404], depends_on: [T-9]}
      """
    And the file "specs/devex_flows.yaml":
      """
      commands:
        test: {run: make test}
      flows:
        ci: {steps: [test, lint]}
      """
    And the file ".llm/contextpack.yaml":
      """
      tasks:
        graph-work: {description: Work on the graph, max_bytes: 10000, include: ["specs/*.yaml"], acs: [AC-G-999]}
      """
    When I run "govcell check governance-graph"
    Then the exit code is 1
    And the output contains "specs/tasks.yaml:2:45: error: graph.dangling-ref: task T-1 implements REQ-G-TWO, but no requirement has that ID"
    And the output contains "task T-1 implements AC-G-404, but no AC has that ID"
    And the output contains "task T-1 depends on T-9, but no task has that ID"
    And the output contains "specs/devex_flows.yaml:4:22: error: graph.dangling-ref: flow ci executes lint, but no command has that ID"
    And the output contains ".llm/contextpack.yaml:2:99: error: graph.dangling-ref: bundle graph-work serves AC-G-999, but no AC has that ID"

  @AC-GRF-011
  Scenario: ADRs referenced but missing, never referenced, misnamed or renumbered
    Given the file "docs/adr/0002-unused.md":
      """
      # Unused decision
      """
    And the file "docs/adr/0001-again.md":
      """
      # ADR-0001: Same number again
      """
    And the file "docs/adr/decision-three.md":
      """
      # Not numbered
      """
    And the ledger story "US-G-001" references ADR "ADR-0042"
    When I run "govcell check governance-graph"
    Then the exit code is 1
    And the output contains "error: adr.missing: story US-G-001 references ADR-0042, which has no ADR file"
    And the output contains "docs/adr/0002-unused.md:1:1: warning: adr.unreferenced: ADR-0002 (Unused decision) is never referenced"
    And the output contains "docs/adr/0001-first-decision.md:1:1: error: adr.duplicate-number: ADR-0001 is used by both docs/adr/0001-again.md and docs/adr/0001-first-decision.md"
    And the output contains "docs/adr/decision-three.md: warning: adr.bad-name"

  @AC-GRF-012
  Scenario: Dependency cycles are reported with their members in order
    Given the file "specs/tasks.yaml":
      """
      tasks:
        - {id: T-1, title: one, depends_on: [T-2]}
        - {id: T-2, title: two, depends_on: [T-3]}
        - {id: T-3, title: three, depends_on: [T-1]}
        - {id: T-4, title: self, depends_on: [T-4]}
      """
    When I run "govcell check governance-graph"
    Then the exit code is 1
    And the output contains "specs/tasks.yaml:2:10: error: graph.cycle: dependency cycle: T-1 -> T-2 -> T-3 -> T-1"
    And the output contains "specs/tasks.yaml:5:10: error: graph.cycle: dependency cycle: T-4 -> T-4"

  @AC-GRF-013
  Scenario: Structural invariants of stories, requirements, ACs and commands
    Given a cell with the ledger:
      """
      metadata: {adrs: [ADR-0001]}
      stories:
        - id: US-G-001
          title: Graph story
          requirements:
            - id: REQ-G-EMPTY
              title: No ACs here
            - id: REQ-G-OPTIONAL
              title: ACs not required
              must_have_ac: false
            - id: REQ-G-KERNEL
              title: Kernel AC without a test
              acceptance_criteria:
                - id: AC-G-002
                  text: Only checked by hand
                  tests: [{type: manual, command: look at it}]
        - id: US-G-002
          title: Empty story
      """
    And the file "specs/devex_flows.yaml":
      """
      commands:
        release: {run: make release, required: true}
        test: {run: make test, required: true}
      flows:
        ci: {steps: [test]}
      """
    When I run "govcell check governance-graph"
    Then the exit code is 1
    And the output contains "specs/spec_ledger.yaml:6:13: error: graph.req-without-ac: requirement REQ-G-EMPTY has no acceptance criteria"
    And the output does not contain "REQ-G-OPTIONAL has no"
    And the output contains "specs/spec_ledger.yaml:14:17: error: graph.kernel-ac-untested: kernel AC AC-G-002 has neither an automated test nor a scenario"
    And the output contains "specs/spec_ledger.yaml:17:9: error: graph.story-without-req: story US-G-002 has no requirements"
    And the output contains "specs/devex_flows.yaml:2:3: error: graph.required-command-unreached: required command 'release' is not a step of any flow"
    And the output does not contain "'test' is not a step"

  @AC-GRF-014
  Scenario: IDs are unique across kinds, and done tasks need done dependencies
    Given the file "specs/tasks.yaml":
      """
      tasks:
        - {id: AC-G-001, title: a task named like an AC}
        - {id: T-1, title: started, status: in_progress}
        - {id: T-2, title: finished early, status: done, depends_on: [T-1]}
        - {id: T-2, title: twice}
      """
    When I run "govcell check governance-graph"
    Then the exit code is 1
    And the output contains "specs/tasks.yaml:2:10: error: graph.duplicate-id: ID AC-G-001 names both the AC at specs/spec_ledger.yaml:9 and a task"
    And the output contains "specs/tasks.yaml:4:10: warning: graph.done-with-open-deps: task T-2 is done but its dependency T-1 is in_progress"
    And the output contains "specs/tasks.yaml:5:10: error: graph.duplicate-id: task ID T-2 is already used on line 4"
