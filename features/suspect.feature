Feature: Suspect links: a proof reviewed against an older meaning of its AC is suspect
  An AC whose text was rewritten keeps its old scenarios and tests, but they were written
  for what it used to say. `govcell review` stamps the proofs of an AC with the fingerprint
  of its meaning in specs/reviews.yaml; when the meaning changes, the AC is suspect until
  someone reviews its proofs again. Tested on real git repositories with several commits.

  @AC-CHG-020
  Scenario: A rewritten AC is suspect everywhere until its proofs are reviewed again
    Given a git cell whose ACs' proofs were reviewed in a second commit
    And a third commit that rewrites the text of AC-A-001
    When I run "govcell check ac-tags"
    Then the exit code is 0
    And the output contains "warning: coverage.suspect: AC-A-001 changed since its proofs were reviewed"
    And the output contains "govcell review AC-A-001"
    When I run "govcell status --json"
    Then the status says AC-A-001 is suspect with the state "suspect"
    And the status JSON is valid against its published schema
    When I run "govcell next"
    Then the output contains "suspect-ac"
    And the output contains "AC-A-001"
    When I run "govcell feature-status"
    Then the file "docs/feature_status.md" contains "covered, suspect"
    When I run "govcell diff HEAD~1 HEAD --format json"
    Then the diff lists AC-A-001 going from not suspect to suspect
    When I run "govcell review AC-A-001"
    Then the exit code is 0
    And the output contains "2 proof(s) of 1 AC(s) stamped"
    When I run "govcell check ac-tags"
    Then the output does not contain "coverage.suspect"
    When I run "govcell status --json"
    Then the status says AC-A-001 is not suspect

  @AC-CHG-020
  Scenario: A suspect AC can fail the check, and the site shows it
    Given a git cell whose ACs' proofs were reviewed in a second commit
    And a third commit that rewrites the text of AC-A-001
    And the config:
      """
      severity:
        coverage.suspect: error
      """
    When I run "govcell check ac-tags"
    Then the exit code is 1
    And the output contains "error: coverage.suspect"
    When I run "govcell site build --out site"
    Then the exit code is 0
    And the story page of US-A-001 marks AC-A-001 as suspect
    And the dashboard lists the reason "suspect-ac"

  @AC-CHG-063
  Scenario: The xtask's report marks a suspect AC, and is the xtask's own again once it is reviewed
    Given a git cell whose ACs' proofs were reviewed in a second commit
    And a third commit that rewrites the text of AC-A-001
    And the config:
      """
      feature_status:
        format: xtask
      """
    When I run "govcell feature-status"
    Then the file "docs/feature_status.md" contains "| AC-A-001 | US-A-001 | REQ-A-PAY | [PASS] pass [SUSPECT] | 1 |"
    And the file "docs/feature_status.md" contains "| AC-A-002 | US-A-001 | REQ-A-PAY | [UNKNOWN] unknown | 0 |"
    And the file "docs/feature_status.md" contains "## Suspect ACs (govcell)"
    When I run "govcell check feature-status"
    Then the exit code is 0
    When I run "govcell review AC-A-001"
    And I run "govcell feature-status"
    Then the file "docs/feature_status.md" does not contain "[SUSPECT]"
    And the file "docs/feature_status.md" does not contain "Suspect ACs"
    And the file "docs/feature_status.md" contains "| AC-A-001 | US-A-001 | REQ-A-PAY | [PASS] pass | 1 |"

  @AC-CHG-021
  Scenario: A cell without review records has no suspect AC; the first review stamps a baseline
    Given a git cell whose first commit has two ACs with proofs
    And a third commit that rewrites the text of AC-A-001
    When I run "govcell check ac-tags"
    Then the exit code is 0
    And the output does not contain "coverage.suspect"
    And the output does not contain "review."
    When I run "govcell review --all"
    Then the exit code is 0
    And the output contains "3 proof(s) of 2 AC(s) stamped"
    And the reviews file is valid against its published schema
    And the reviews file lists its proofs sorted, one per line
    When I run "govcell review --all"
    Then the output contains "(unchanged)"
    When I run "govcell check ac-tags"
    Then the output does not contain "coverage.suspect"

  @AC-CHG-021
  Scenario: A malformed reviews file is a finding, never a traceback
    Given a git cell whose first commit has two ACs with proofs
    And the file "specs/reviews.yaml":
      """
      format: govcell.reviews/1
      reviews:
        - {ac: AC-A-001, proof: "scenario features/pay.feature: Pay", fingerprint: not-hex}
        - [unclosed
      """
    When I run "govcell check ac-tags"
    Then the exit code is 1
    And the output contains "specs/reviews.yaml:"
    And the output has no traceback
    When I run "govcell review --all"
    Then the exit code is 1
    And the output contains "cannot be read"
    And the output has no traceback

  @AC-CHG-022
  Scenario: A renamed or re-wrapped AC is not suspect; a renamed or deleted AC's records are stale until pruned
    Given a git cell whose ACs' proofs were reviewed in a second commit
    And a third commit that renames AC-A-002 to AC-A-012 and re-wraps the text of AC-A-001
    When I run "govcell check ac-tags"
    Then the exit code is 0
    And the output does not contain "coverage.suspect"
    And the output contains "review.stale"
    And the output contains "renamed to AC-A-012?"
    When I run "govcell review --prune"
    Then the exit code is 0
    And the output contains "AC-A-002 -> AC-A-012: its review records follow the rename"
    When I run "govcell check ac-tags"
    Then the output does not contain "review.stale"
    When the text of AC-A-012 is rewritten
    And I run "govcell check ac-tags"
    Then the output contains "coverage.suspect: AC-A-012 changed since its proofs were reviewed"
    When AC-A-001 and its scenario are deleted and committed
    And I run "govcell check ac-tags"
    Then the output contains "review.stale"
    And the output contains "records reviews of AC-A-001, which the ledger no longer has"
    When I run "govcell review --prune"
    Then the output contains "stale record(s) dropped"
    When I run "govcell check ac-tags"
    Then the output does not contain "review.stale"

  @AC-CHG-030
  Scenario: A reviewer's bundle of a change carries its diff and the ACs it touched with their proofs, within budget
    Given a git cell whose ACs' proofs were reviewed in a second commit
    And a third commit that rewrites the text of AC-A-001
    When I run "govcell bundle --changes HEAD~1 --out changes.md"
    Then the exit code is 0
    And the file "changes.md" contains "## Governance diff"
    And the file "changes.md" contains "| changed | ac | AC-A-001 | text |"
    And the file "changes.md" contains "#### AC-A-001 (covered, not run, suspect)"
    And the file "changes.md" contains "- story: US-A-001: Payments"
    And the file "changes.md" contains "- scenario: Pay (`features/pay.feature:4`)"
    And the file "changes.md" contains "- test: unit test_pay in `tests/test_pay.py`"
    And the file "changes.md" contains "`coverage.suspect`: AC-A-001 changed since its proofs were reviewed"
    And the file "changes.md" contains "### `features/pay.feature`"
    And the file "changes.md" contains "### `tests/test_pay.py`"
    And the file "changes.md" does not contain "#### AC-A-002"
    And the manifest of "changes.md" names the ACs "AC-A-001"
    When I run "govcell bundle --changes HEAD~1 --out again.md"
    Then the files "changes.md" and "again.md" are identical
    When I run "govcell bundle --changes HEAD~1 --out small.md --max-bytes 1800"
    Then the exit code is 0
    And the output contains "bundle.truncated"
    And the file "small.md" has at most 1800 bytes
    And the file "small.md" contains "## Governance diff"
    When I run "govcell bundle --changes no-such-revision --out missing.md"
    Then the exit code is 1
    And the output contains "diff.base-missing"
    And the output has no traceback
