Feature: Benchmarks and robustness under hostile input
  govcell is measured on synthetic cells of realistic shape, and no input,
  however hostile, makes it crash, hang or answer differently twice.

  @AC-PERF-001
  Scenario: The benchmark generator makes a governed cell that passes every check
    Given a synthetic benchmark cell of 3 stories
    When I run "govcell check"
    Then the exit code is 0
    And the output is empty

  @AC-PERF-004
  Scenario: An alias bomb is a finding, not a hang
    Given a cell with the ledger:
      """
      a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
      b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
      c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
      d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
      e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
      f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
      g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
      stories: *g
      """
    When I run "govcell check"
    Then the exit code is 1
    And the output contains "yaml.alias-limit"
    And the output has no traceback

  @AC-PERF-004
  Scenario: A YAML tag that would run code with yaml.load is refused with its line
    Given a cell with the ledger:
      """
      metadata: {schema_version: "1.0"}
      stories: !!python/object/apply:os.system ['echo pwned']
      """
    When I run "govcell check"
    Then the exit code is 1
    And the output contains "specs/spec_ledger.yaml:2:"
    And the output contains "yaml.tag"
    And the output has no traceback

  @AC-PERF-004
  Scenario: A feature file that escapes the repository through a symlink is never read
    Given a cell with the ledger:
      """
      stories: []
      """
    And the feature file "features/escape.feature" is a symlink to "/etc/hostname"
    When I run "govcell check"
    Then the exit code is 1
    And the output contains "features/escape.feature: error: file.outside-repo"

  @AC-PERF-005
  Scenario: The same cell gives byte-identical reports, run twice and from another path
    Given a synthetic benchmark cell of 2 stories
    When I run "govcell check --format sarif" twice and once in a copy at another path
    Then the three outputs are byte-identical
