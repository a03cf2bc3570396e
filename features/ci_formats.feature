Feature: CI formats that GitHub and GitLab accept, for the policy run too
  govcell policy test reports its findings in the same CI formats as govcell
  check, as a run of its own.

  Background:
    Given a git repository initialised by govcell init, with a policy target that fails

  @AC-ADOPT-071
  Scenario: Policy results as SARIF are an analysis of their own that code scanning accepts
    When I run "govcell policy test --format sarif -o policy.sarif"
    Then the exit code is 1
    And the SARIF file "policy.sarif" has the automation id "govcell/policy-test/" and a result "policy.violation"
    And the SARIF multitool's GitHub rules accept "policy.sarif"

  @AC-ADOPT-071
  Scenario: Policy results as GitHub annotations with a job summary, and as GitLab Code Quality
    When I run "govcell policy test --format github" with a job summary
    Then the exit code is 1
    And the output contains "::error file=.llm/contextpack.yaml,line="
    And the output contains "title=policy.violation::"
    And the job summary begins with "## govcell policy test"
    When I run "govcell policy test --format codeclimate -o gl-code-quality-report.json"
    Then the exit code is 1
    And the file "gl-code-quality-report.json" is a Code Quality report with an issue "policy.violation"
