Feature: One parse per commit shared by every hook
  Every govcell hook of a commit runs in a process of its own; what one of them
  parsed is reused by the next from a cache in the git directory, which never
  changes an output, never serves a stale result and never trusts a damaged entry.

  @AC-CACHE-001
  Scenario: A second hook reuses what the first parsed, and a changed file is parsed again alone
    Given a synthetic cell of 3 stories in git with its cache in the git directory
    When I run "govcell-governance-graph"
    And I run "govcell-ac-tags" counting the cache
    Then no feature file and no spec file was parsed
    And the cache is inside the git directory and git sees no changed file
    When the feature file "specs/features/story_0002.feature" has "@AC-B0002-999" instead of "@AC-B0002-101"
    And I run "govcell-ac-tags" counting the cache
    Then 1 feature file was parsed
    And the output is the same as with "--no-cache"

  @AC-CACHE-004
  Scenario: A hook whose inputs did not change replays its output, and an edit runs the check again
    Given a synthetic cell of 3 stories in git with its cache in the git directory
    When the feature file "specs/features/story_0002.feature" has "@AC-B0002-999" instead of "@AC-B0002-101"
    And I run "govcell-ac-tags"
    And I run "govcell-ac-tags" counting the cache
    Then the output was replayed without parsing anything
    And the output is the same as with "--no-cache"
    When the feature file "specs/features/story_0002.feature" has "@AC-B0002-101" instead of "@AC-B0002-999"
    And I run "govcell-ac-tags" counting the cache
    Then the output was not replayed
    And the output is the same as with "--no-cache"

  @AC-CACHE-002
  Scenario Outline: An edited input shows on the next run with a warm cache
    Given a synthetic cell of 3 stories in git with its cache in the git directory
    When I run "govcell check --format json"
    And I edit the <input> so that a finding appears
    And I run "govcell check --format json" counting the cache
    Then the output differs from the first run's
    And the output is the same as with "--no-cache"

    Examples:
      | input          |
      | ledger         |
      | feature        |
      | policy         |
      | fixture        |
      | contextpack    |
      | config         |
      | result file    |
      | bundle include |

  @AC-CACHE-003
  Scenario: Damaged cache entries are ignored and rebuilt
    Given a synthetic cell of 3 stories in git with its cache in the git directory
    When I run "govcell check --format json"
    And every cache entry is damaged
    And I run "govcell check --format json" counting the cache
    Then the output is the same as the first run's
    And damaged entries were found and stored again

  @AC-CACHE-003
  Scenario: The cache is off with a flag, a variable or a setting
    Given a synthetic cell of 3 stories in git with its cache in the git directory
    When I run "govcell --no-cache check"
    And I run "govcell-ac-tags --no-cache"
    And I run "govcell check" with GOVCELL_NO_CACHE=1
    And the config says "cache: {enabled: false}" and I run "govcell check"
    Then the cache is empty
