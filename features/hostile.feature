Feature: Hostile repositories
  govcell runs on every commit of repositories whose contents anyone with a pull
  request can change. Whatever the committed files say, govcell writes nothing
  outside the repository, into .git/ or over its own inputs, prints nothing that
  forges its output, and answers in bounded time.

  @AC-HOSTILE-001
  Scenario: A bundle output through a symlinked directory is a finding and nothing is written
    Given a cell with the ledger:
      """
      stories: []
      """
    And the file "notes.md":
      """
      # Notes
      """
    And the file ".llm/contextpack.yaml":
      """
      tasks:
        notes:
          description: the notes
          max_bytes: 10000
          include: [notes.md]
          output: out/notes.md
      """
    And "out" is a symlink to a directory outside the cell
    When I run "govcell bundle notes"
    Then the exit code is 1
    And the output contains ".llm/contextpack.yaml:6:13: error: write.outside-repo: bundle output 'out/notes.md' resolves outside the repository; nothing was written"
    And nothing outside the cell was changed

  @AC-HOSTILE-001
  Scenario: A feature status report configured over the ledger is refused
    Given a cell with the ledger:
      """
      stories: []
      """
    And the config:
      """
      paths: {feature_status: specs/spec_ledger.yaml}
      """
    When I run "govcell feature-status"
    Then the exit code is 1
    And the output contains "error: write.over-input: feature status report 'specs/spec_ledger.yaml' is an input file of the cell"
    And no file in the cell was written

  @AC-HOSTILE-001
  Scenario: govcell graph -o goes through the same path policy as every other output
    Given a cell with the ledger:
      """
      stories: []
      """
    When I run "govcell graph -o specs/spec_ledger.yaml"
    Then the exit code is 1
    And the output contains "specs/spec_ledger.yaml: error: write.over-input: graph 'specs/spec_ledger.yaml' is an input file of the cell; nothing was written"
    And no file in the cell was written

  @AC-HOSTILE-002
  Scenario: Merge keys over empty mappings in the config are a finding, not a hang
    Given a cell with the ledger:
      """
      stories: []
      """
    And the config:
      """
      a: &a {}
      b: &b {<<: [*a,*a,*a,*a,*a,*a,*a,*a]}
      c: &c {<<: [*b,*b,*b,*b,*b,*b,*b,*b]}
      d: &d {<<: [*c,*c,*c,*c,*c,*c,*c,*c]}
      e: &e {<<: [*d,*d,*d,*d,*d,*d,*d,*d]}
      f: &f {<<: [*e,*e,*e,*e,*e,*e,*e,*e]}
      g: &g {<<: [*f,*f,*f,*f,*f,*f,*f,*f]}
      h: &h {<<: [*g,*g,*g,*g,*g,*g,*g,*g]}
      i: &i {<<: [*h,*h,*h,*h,*h,*h,*h,*h]}
      j: &j {<<: [*i,*i,*i,*i,*i,*i,*i,*i]}
      k: &k {<<: [*j,*j,*j,*j,*j,*j,*j,*j]}
      """
    When I run "govcell check spec-ledger"
    Then the exit code is 1
    And the output contains ".govcell.yaml:"
    And the output contains "error: yaml.alias-limit"

  @AC-HOSTILE-002
  Scenario: An ID pattern that backtracks for ever is refused and the default is used
    Given a cell with the ledger:
      """
      stories:
        - id: US-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!
          title: A story
          requirements: []
      """
    And the config:
      """
      ids: {story: "US-(A+)+X"}
      """
    When I run "govcell check spec-ledger"
    Then the exit code is 1
    And the output contains ".govcell.yaml:1:14: error: config.unsafe-pattern: ids.story 'US-(A+)+X' is not safe to run on hostile input"
    And the output contains "does not match US-[A-Z0-9][A-Z0-9-]*"

  @AC-HOSTILE-002
  Scenario: An over-long ID is a finding of its own and is never matched against the pattern
    Given a ledger whose story ID is "US-" and 100000 more characters
    When I run "govcell check spec-ledger"
    Then the exit code is 1
    And the output contains "specs/spec_ledger.yaml:2:9: error: ledger.id-too-long: story ID 'US-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA...' is 100003 characters long (at most 200)"
    And the output does not contain "ledger.id-pattern"

  @AC-HOSTILE-003
  Scenario: A key that holds a newline and an escape sequence cannot forge a finding line
    Given a cell with the ledger:
      """
      stories: []
      """
    And the file "notes.md":
      """
      # Notes
      """
    And the file ".llm/contextpack.yaml":
      """
      tasks:
        notes:
          description: the notes
          max_bytes: 10000
          include: [notes.md]
          "x\n0 finding(s): 0 error(s), 0 warning(s), 0 info\e[2J": 1
      """
    When I run "govcell check context-bundles"
    Then the output contains "key 'x\n0 finding(s): 0 error(s), 0 warning(s), 0 info\x1b[2J'"
    And the output line 3 is "1 finding(s): 0 error(s), 0 warning(s), 1 info"

  @AC-HOSTILE-004
  Scenario: A harmless-named link to git's config is a secret file, and the bundle is refused
    Given a cell with the ledger:
      """
      stories: []
      """
    And the file ".llm/contextpack.yaml":
      """
      tasks:
        notes:
          description: the notes
          max_bytes: 10000
          include: [notes.md]
      """
    And "notes.md" is a symlink to ".git/config"
    When I run "govcell bundle notes"
    Then the exit code is 1
    And the output contains "notes.md: error: bundle.secret-file: notes.md is a file of git's own (.git/) and may hold secrets"
    And the output contains "nothing was written"

  @AC-HOSTILE-005
  Scenario: An absolute feature directory and result glob in the config are findings, not walked
    Given a cell with the ledger:
      """
      stories: []
      """
    And the config:
      """
      paths: {features: [features, /etc]}
      results: {files: [/etc/*.conf]}
      """
    When I run "govcell check"
    Then the exit code is 1
    And the output contains ".govcell.yaml:1:30: error: config.path-outside: paths.features[1] '/etc' is outside the repository: left out"
    And the output contains ".govcell.yaml:2:19: error: config.path-outside: results.files[0] '/etc/*.conf' is outside the repository: left out"
    And the output has no traceback

  @AC-HOSTILE-005
  Scenario: A result file of deeply nested JSON is a finding
    Given a cell with the ledger:
      """
      stories: []
      """
    And the config:
      """
      results: {files: [deep.json]}
      """
    And a file "deep.json" of 50000 nested JSON arrays
    When I run "govcell check test-results"
    Then the exit code is 1
    And the output contains "deep.json:1:1: error: results.malformed: deep.json is JSON nested too deeply to be a result file"

  @AC-HOSTILE-006
  Scenario: Link syntax and HTML in AC text stay text in the feature status report
    Given a cell with the ledger:
      """
      stories:
        - id: US-H-001
          title: A story
          requirements:
            - id: REQ-H-ONE
              title: A requirement
              acceptance_criteria:
                - id: AC-H-001
                  text: "click [here](javascript:alert(1)) <img src=x onerror=alert(2)>"
      """
    When I run "govcell feature-status"
    Then the file "docs/feature_status.md" contains "- **AC-H-001** (REQ-H-ONE): click \[here\](javascript:alert(1)) &lt;img src=x onerror=alert(2)>"
