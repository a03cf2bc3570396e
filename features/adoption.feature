Feature: Adopting govcell
  A team adds govcell to a repository with one command and gets hooks that
  pass on a good cell and refuse a bad commit, each with its own finding.

  @AC-ADOPT-010
  Scenario: govcell init scaffolds a cell that passes every check at once
    Given an empty git repository
    When I run "govcell init"
    Then the exit code is 0
    And the output contains "created: specs/spec_ledger.yaml"
    And the output contains "staged: "
    And the cell has the scaffold files
    When I run "govcell check --format json"
    Then the exit code is 0
    And the JSON report has no findings
    When I run "govcell-governance-site"
    Then the exit code is 0
    And the output contains "govcell site: built"
    And the site has the governance pages

  @AC-ADOPT-010
  Scenario: govcell init creates the directory it is given
    Given an empty directory
    When I run "govcell init new-cell"
    Then the exit code is 0
    And the output contains "next: git init && git add -A"
    When I run "govcell check --root new-cell"
    Then the exit code is 0
    And the output is empty

  @AC-ADOPT-011
  Scenario: govcell init in an existing repository keeps the user's files
    Given an empty git repository
    And the file "README.md":
      """
      # my service
      """
    And the file "specs/spec_ledger.yaml":
      """
      metadata: {schema_version: "1.0"}
      stories: []
      """
    When I run "govcell init"
    Then the exit code is 0
    And the output contains "skipped: specs/spec_ledger.yaml (exists; --force overwrites it)"
    And the output contains "created: .pre-commit-config.yaml"
    And the output contains "skipped: features/governance.feature (its scenarios prove the starter ledger's ACs"
    And the file "specs/spec_ledger.yaml" still holds "stories: []"
    And the file "README.md" still holds "# my service"
    When I run "govcell init --force"
    Then the exit code is 0
    And the output contains "overwritten: specs/spec_ledger.yaml"
    And the file "specs/spec_ledger.yaml" still holds "AC-CELL-001"
    And the file "README.md" still holds "# my service"

  @AC-ADOPT-011
  Scenario: govcell init refuses a target that is a file
    Given an empty directory
    And the file "taken":
      """
      not a directory
      """
    When I run "govcell init taken"
    Then the exit code is 2
    And the output contains "exists and is not a directory"
    And the output has no traceback

  @AC-ADOPT-003
  Scenario: The governance-site hook says what to install when the site extra is missing
    Given an empty git repository
    And the site extra is not installed
    When I run "govcell-governance-site"
    Then the exit code is 2
    And the output contains "pip install 'govcell[site]'"
    And the output has no traceback

  @slow @AC-ADOPT-002
  Scenario: Every hook installs through pre-commit, passes on a new cell and blocks a bad commit
    Given a git repository scaffolded by govcell init and committed
    When pre-commit try-repo runs every govcell hook
    Then every hook passed
    When the cell is broken in one way per hook
    And pre-commit try-repo runs every govcell hook
    Then every hook failed with its own finding
