Feature: Located YAML, compiled where it can be
  Where the install compiled the C builder of located YAML, it reads every plain
  YAML document; the Python builder it replaces gives the same values, positions
  and findings, so a cell's report does not depend on which one read it.

  @AC-PERF-010
  Scenario: The C builder and the Python builder give byte-identical findings
    Given a synthetic cell of 3 stories in git whose ledger misspells a key
    When I run the installed "govcell check --format json" with the cache off
    And I run the installed "govcell check --format json" with the cache off and GOVCELL_PURE_YAML=1
    Then both runs print the same bytes and exit 1
    And the output names the misspelled key at its line in the ledger
