Feature: Trends: the cell over its last commits
  How many ACs the cell has, how many are covered and how many findings it carries,
  at each of the last commits, read from git without a checkout and cached by what
  each commit's cell read. Real git repositories with renames and several commits.

  @AC-CHG-060
  Scenario: govcell history follows the cell over its commits, across a rename
    Given a git cell whose history adds an uncovered AC, renames its feature file, changes code only and covers the AC
    When I run "govcell history --last 5"
    Then the exit code is 0
    And the history lists the ACs "2, 3, 3, 3, 3" and the covered ACs "2, 2, 2, 2, 3"
    And the history's last subject is "cover AC-A-003"
    When I run "govcell history --last 5 --format json"
    Then the output is valid JSON
    And the output contains "govcell.history/1"

  @AC-CHG-061
  Scenario: A second run reads only the commits it has not seen
    Given a git cell whose history adds an uncovered AC, renames its feature file, changes code only and covers the AC
    When I run "govcell history --last 5"
    Then the output contains "4 commit(s) loaded, 1 replayed, 0 from the cache"
    When I run "govcell history --last 5"
    Then the output contains "0 commit(s) loaded, 0 replayed, 5 from the cache"
    Given one more commit that rewrites an AC
    When I run "govcell history --last 6"
    Then the output contains "1 commit(s) loaded, 0 replayed, 5 from the cache"

  @AC-CHG-061
  Scenario: History outside git is a finding, not a crash
    Given a cell outside git
    When I run "govcell history"
    Then the exit code is 1
    And the output contains "diff.not-git"
    And the output has no traceback

  @AC-CHG-062 @slow
  Scenario: The site shows the trend and, built with a base, the changes since it
    Given a git cell whose history adds an uncovered AC, renames its feature file, changes code only and covers the AC
    When I run "govcell site build --base HEAD~3"
    Then the exit code is 0
    And the site page "trends/index.html" contains "ACs, covered ACs and findings over the last commits"
    And the site page "changes/index.html" contains "Changes since"
