Feature: Policies are compiled as opa check would
  Every .rego file is checked for compile-time errors even when no fixture
  or target feeds it, in Rego v1 and v0. The embedded engine finds some
  errors only when a rule is evaluated, so govcell reads the engine's AST
  and evaluates every rule once; each error is one located finding, never
  a traceback, and a fixture that fails to evaluate leaves the rules it
  could not cover reported as such, not as dead.

  @AC-POL-030
  Scenario: Unsafe variables, undefined functions and references, conflicting rules and parse errors, in v1 and v0, with no fixture
    Given an empty directory
    And the file "policy/modern.rego":
      """
      package main
      import rego.v1
      import data.lib.naming

      deny contains msg if {
        count(input.items) > limit
        msg := "too many items"
      }

      deny contains msg if {
        not startswith_any(input.image, ["registry.example/"])
        msg := "image from elsewhere"
      }

      deny contains "bad name" if {
        some n in data.lib.naming.allowd
        input.name == n
      }
      """
    And the file "policy/legacy.rego":
      """
      package main

      deny[msg] {
        input.kind == "Pod"
      }

      deny[msg] {
        re_match("^latest$", input.tag)
        msg := "latest tag"
      }
      """
    And the file "policy/defaults.rego":
      """
      package main
      import rego.v1

      default level := "low"
      default level := "high"

      deny contains level if input.bad
      """
    And the file "policy/lib/naming.rego":
      """
      package lib.naming
      import rego.v1

      allowed := {"checkout"}
      """
    And the file "policy/broken.rego":
      """
      package main

      deny[msg] {
        input.bad
        msg := "bad"
      """
    When I run "govcell check policy-test"
    Then the exit code is 1
    And the output contains "policy/modern.rego:6:24: error: policy.unsafe-var: use of undefined variable `limit` is unsafe (in rule deny)"
    And the output contains "policy/modern.rego:11:7: error: policy.undefined-function: undefined function startswith_any (in rule deny)"
    And the output contains "policy/modern.rego:16:13: error: policy.undefined-ref: undefined reference data.lib.naming.allowd: package data.lib.naming has no rule allowd; did you mean 'allowed'?"
    And the output contains "policy/legacy.rego:3:6: error: policy.unsafe-var: var msg is unsafe: the rule head uses it, but its body never binds it (in rule deny)"
    And the output contains "policy/legacy.rego:8:3: error: policy.undefined-function: undefined function re_match; it was removed from Rego: use regex.match (in rule deny)"
    And the output contains "policy/defaults.rego:5:1: error: policy.conflicting-rules: multiple default rules data.main.level found (first at policy/defaults.rego:4)"
    And the output contains "policy/broken.rego:6:1: error: policy.compile-error: policy/broken.rego does not compile as Rego v1 and v0"
    And the output contains "hint: bind the variable in the rule body"
    And the output has no traceback

  @AC-POL-031
  Scenario: One cause is one finding, however many policies, fixtures or checks run into it
    Given an empty directory
    And the file "policy/lib/util.rego":
      """
      package lib.util
      import rego.v1

      clean(s) := t if {
        t := trim(s, pad)
      }
      """
    And the file "policy/a.rego":
      """
      package main
      import rego.v1

      deny contains "a" if input.a
      """
    And the file "policy/b.rego":
      """
      package main
      import rego.v1

      deny contains "b" if input.b
      """
    And the file "policy/testdata/a_bad.json":
      """
      {"a": true}
      """
    And the file "policy/testdata/b_bad.json":
      """
      {"b": true}
      """
    When I run "govcell policy test"
    Then the exit code is 1
    And the output contains "policy/lib/util.rego:5:16: error: policy.unsafe-var: use of undefined variable `pad` is unsafe (in rule clean)" once
    And the output contains "NOT RUN: the policy does not compile" twice
    And the output contains "FAIL fixture policy/testdata/a_bad.json (must fail): not evaluated: the policy does not compile"
    And the output does not contain "policy.eval-error"

  @AC-POL-031
  Scenario: A rule that fails only when evaluated without input is a warning, one finding for the rule
    Given an empty directory
    And the file "policy/labels.rego":
      """
      package main
      import rego.v1

      required := ["app", "team"]

      missing := label if {
        some label in required
        not input.labels[label]
      }

      deny contains sprintf("missing label %s", [missing]) if input.kind == "Deployment"
      """
    And the file "policy/testdata/labels_valid.yaml":
      """
      kind: Deployment
      labels: {app: a, team: t}
      """
    And the file "policy/testdata/labels_no_team.yaml":
      """
      kind: Deployment
      labels: {app: a}
      """
    When I run "govcell policy test"
    Then the exit code is 0
    And the output contains "policy/labels.rego:6:1: warning: policy.eval-error: rule missing fails when evaluated with no input: rules must not produce multiple outputs" once
    And the output contains "2/2 fixture(s) ok"

  @AC-POL-032
  Scenario: Rules a failed fixture could not cover are reported once as not covered, not as dead
    Given an empty directory
    And the file "policy/k8s.rego":
      """
      package main

      required_labels := ["app", "team"]

      missing_label := label {
          label := required_labels[_]
          not input.metadata.labels[label]
      }

      deny[msg] {
          input.kind == "Deployment"
          l := missing_label
          msg := sprintf("missing label %s", [l])
      }

      deny[msg] {
          input.kind == "Deployment"
          not input.spec.replicas
          msg := "no replicas"
      }

      warn[msg] {
          input.kind == "Deployment"
          input.spec.replicas == 1
          msg := "one replica"
      }

      warn[msg] {
          input.kind == "Deployment"
          input.spec.replicas > 100
          msg := "too many replicas"
      }
      """
    And the file "policy/testdata/k8s_valid.yaml":
      """
      kind: Deployment
      metadata: {labels: {app: a, team: t}}
      spec: {replicas: 2}
      """
    And the file "policy/testdata/k8s_one_label.yaml":
      """
      kind: Deployment
      metadata: {labels: {app: a}}
      spec: {replicas: 1}
      """
    And the file "policy/testdata/k8s_no_labels.yaml":
      """
      kind: Deployment
      metadata: {labels: {}}
      spec: {}
      """
    When I run "govcell policy test"
    Then the exit code is 1
    And the output contains "policy/k8s.rego:5:1: error: policy.eval-error: rule missing_label failed on fixture policy/testdata/k8s_no_labels.yaml and with no input: rules must not produce multiple outputs" once
    And the output contains "FAIL fixture policy/testdata/k8s_no_labels.yaml (must fail): evaluation failed (deny)"
    And the output contains "ok   fixture policy/testdata/k8s_one_label.yaml (must fail): 1 failure(s), 1 warning(s)"
    And the output contains "NOT COVERED rule deny at policy/k8s.rego:16 (not evaluated on: policy/testdata/k8s_no_labels.yaml)"
    And the output contains "policy/k8s.rego:16:1: info: policy.uncovered-rules: 1 rule(s) of policy k8s produced no result on the fixtures that evaluated, and could not be checked on policy/testdata/k8s_no_labels.yaml, which failed to evaluate: deny at line(s) 16"
    And the output does not contain "policy/k8s.rego:16:1: error: policy.dead-rule"
    And the output contains "policy/k8s.rego:28:1: error: policy.dead-rule: rule warn of policy k8s never produced a result on any of its 3 fixture(s)"

  @AC-POL-033
  Scenario: The engine's own text never reaches the output: its warnings and errors are findings
    Given an empty directory
    And the file "policy/main.rego":
      """
      package main

      deny[msg] {
        input.bad
        msg := "bad"
      }

      limit := 1
      if := 2
      """
    And the file "policy/testdata/main_bad.json":
      """
      {"bad": true}
      """
    When I run "govcell check policy-test"
    Then the exit code is 0
    And the output contains "policy/main.rego:9:1: warning: policy.parse-warning: `if` will be treated as identifier due to missing `import future.keywords.if` (parsed as Rego v0)"
    And the output does not contain "-->"
    And the output does not contain "Stack backtrace"
    And the output has no traceback

  @AC-POL-034
  Scenario: The Rust template's policies: what the compile check finds there, each confirmable in the file
    Given the Rust template's policy directory
    When I run "govcell policy test"
    Then the exit code is 1
    And the output contains "policy/flags_warn.rego:2:6: error: policy.unsafe-var: var msg is unsafe: the rule head uses it, but its body never binds it (in rule warn)"
    And the output contains "policy/k8s.rego:73:1: error: policy.eval-error: rule missing_required_label failed on fixture policy/testdata/k8s_no_labels.yaml and with no input: rules must not produce multiple outputs" once
    And the output contains "info: policy.uncovered-rules: 16 rule(s) of policy k8s"
    And the output contains "10 dead rule(s), 16 rule(s) not covered"
    And the output does not contain "policy/k8s.rego:79:1: error: policy.dead-rule"
    And the output has no traceback
