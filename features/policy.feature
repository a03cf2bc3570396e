Feature: Policies as code with an embedded Rego engine
  A cell's Rego policies run in-process (regorus: no Go binary, no network)
  with conftest's semantics, are proven by good and bad fixtures and by
  test_* rules, judge the repository's own files, and report rules that
  never fire.

  @AC-POL-001
  Scenario: Rego v1 and v0 policies both run, and a compile error names its file and line
    Given an empty directory
    And the file "policy/modern.rego":
      """
      package main
      import rego.v1

      deny contains "modern says no" if input.bad
      """
    And the file "policy/legacy.rego":
      """
      package main

      deny[msg] {
        input.bad
        msg := "legacy says no"
      }
      """
    And the file "policy/broken.rego":
      """
      package main
      import rego.v1

      deny contains msg if {
        input.x ==
      }
      """
    And the file "policy/testdata/modern_bad.json":
      """
      {"bad": true}
      """
    And the file "policy/testdata/legacy_bad.yaml":
      """
      bad: true
      """
    When I run "govcell policy test"
    Then the exit code is 1
    And the output contains "policy legacy (policy/legacy.rego, package main, rego v0)"
    And the output contains "policy modern (policy/modern.rego, package main, rego v1)"
    And the output contains "ok   fixture policy/testdata/legacy_bad.yaml (must fail): 1 failure(s)"
    And the output contains "policy/broken.rego:6:1: error: policy.compile-error: policy/broken.rego does not compile as Rego v1 and v0"
    And the output has no traceback

  @AC-POL-002
  Scenario: deny and violation fail, warn warns, messages may be objects, YAML streams are judged per document
    Given an empty directory
    And the file "policy/pods.rego":
      """
      package main
      import rego.v1

      deny contains msg if {
        input.kind == "Pod"
        not input.owner
        msg := sprintf("pod %s has no owner", [input.name])
      }

      violation contains {"msg": "privileged pods are forbidden"} if {
        input.privileged
      }

      warn contains msg if {
        input.kind == "Pod"
        not input.team
        msg := sprintf("pod %s has no team", [input.name])
      }
      """
    And the file "deploy/pods.yaml":
      """
      kind: Pod
      name: a
      owner: me
      team: t
      ---
      kind: Pod
      name: b
      privileged: true
      """
    And the file "deploy/single.json":
      """
      {"kind": "Pod", "name": "c", "owner": "me"}
      """
    And the config:
      """
      policy:
        targets:
          pods: ["deploy/*"]
      """
    When I run "govcell check policy-test"
    Then the exit code is 1
    And the output contains "deploy/pods.yaml:6:1: error: policy.violation: pod b has no owner [policy pods]"
    And the output contains "deploy/pods.yaml:6:1: error: policy.violation: privileged pods are forbidden [policy pods]"
    And the output contains "deploy/pods.yaml:6:1: warning: policy.warning: pod b has no team [policy pods]"
    And the output contains "deploy/single.json:1:1: warning: policy.warning: pod c has no team [policy pods]"
    And the output does not contain "pod a"
    And the output contains "policy/pods.rego:1:1: warning: policy.no-fixtures"

  @AC-POL-010
  Scenario: Fixtures belong to the longest matching policy, valid ones must pass, the others must fail
    Given an empty directory
    And the file "policy/k8s.rego":
      """
      package main
      import rego.v1

      deny contains "no latest" if {
        endswith(input.image, ":latest")
      }
      """
    And the file "policy/k8s_secrets.rego":
      """
      package main
      import rego.v1

      deny contains "literal secret" if {
        input.password
      }
      """
    And the file "policy/testdata/k8s_valid.yaml":
      """
      image: app:1.0
      """
    And the file "policy/testdata/k8s_prod_valid.yaml":
      """
      image: app:latest
      """
    And the file "policy/testdata/k8s_invalid.yaml":
      """
      image: app:2.0
      """
    And the file "policy/testdata/k8s_secrets_pw.json":
      """
      {"password": "x"}
      """
    And the file "policy/testdata/k8s_latest.yaml":
      """
      image: app:latest
      """
    And the file "policy/testdata/expectations.yaml":
      """
      k8s_latest.yaml:
        failures: ["something else"]
      """
    And the file "policy/testdata/kube_valid.yaml":
      """
      {}
      """
    And the file "policy/testdata/k8s_broken.json":
      """
      {"image": 
      """
    When I run "govcell policy test"
    Then the exit code is 1
    And the output contains "policy/testdata/k8s_prod_valid.yaml:1:1: error: policy.fixture-unexpected-failure: fixture policy/testdata/k8s_prod_valid.yaml must pass policy k8s"
    And the output contains "policy/testdata/k8s_invalid.yaml:1:1: error: policy.fixture-no-failure: fixture policy/testdata/k8s_invalid.yaml must fail policy k8s"
    And the output contains "ok   fixture policy/testdata/k8s_secrets_pw.json (must fail): 1 failure(s)"
    And the output contains "policy.fixture-mismatch: fixture policy/testdata/k8s_latest.yaml produced failures ["no latest"], expected ["something else"]"
    And the output contains "policy/testdata/kube_valid.yaml: error: policy.fixture-orphan: fixture policy/testdata/kube_valid.yaml matches no policy"
    And the output contains "policy/testdata/k8s_broken.json:2:1: error: policy.fixture-syntax"
    And the output does not contain "k8s_valid.yaml: error"

  @AC-POL-011
  Scenario: test_* rules in any package must hold, as opa test runs them
    Given an empty directory
    And the file "policy/lib/names.rego":
      """
      package lib.names
      import rego.v1

      kebab(s) if regex.match(`^[a-z]+(-[a-z]+)*$`, s)
      """
    And the file "policy/names_test.rego":
      """
      package names_test
      import rego.v1
      import data.lib.names

      test_kebab if names.kebab("new-checkout")

      test_wrong if names.kebab("NewCheckout")
      """
    When I run "govcell policy test"
    Then the exit code is 1
    And the output contains "ok   test names_test.test_kebab (policy/names_test.rego:5)"
    And the output contains "policy/names_test.rego:7:1: error: policy.test-failed: test names_test.test_wrong is false or undefined"

  @AC-POL-020
  Scenario: Built-in inputs and globs are targets; findings point at the target file, a glob matching nothing is reported
    Given a cell with the ledger:
      """
      stories:
        - id: US-A-001
          title: A story
          requirements:
            - id: REQ-A-ONE
              title: A requirement
              acceptance_criteria:
                - id: AC-A-001
                  text: Only checked by hand
                  tests: [{type: manual}]
      """
    And the file "policy/ledger.rego":
      """
      package ledger
      import rego.v1

      deny contains msg if {
        some i, story in input.stories
        some j, req in story.requirements
        some k, ac in req.acceptance_criteria
        count([t | some t in ac.tests; t.type != "manual"]) == 0
        msg := {"msg": sprintf("%s is only checked by hand", [ac.id]),
                "loc": ["stories", i, "requirements", j, "acceptance_criteria", k, "id"]}
      }
      """
    And the file "policy/features.rego":
      """
      package features
      import rego.v1

      deny contains msg if {
        some f in input.features
        some s in f.scenarios
        some ac in s.ac_ids
        not ac in {id | some id in input.ledger_ac_ids}
        msg := {"msg": sprintf("%s is not in the ledger", [ac]), "file": s.file, "line": s.line}
      }
      """
    And the file "features/a.feature":
      """
      Feature: A

        @AC-A-002
        Scenario: tagged with an unknown AC
          Given something
      """
    And the config:
      """
      policy:
        namespaces: [ledger, features]
        targets:
          ledger: [ledger]
          features: [features, "deploy/**/*.yaml"]
      """
    When I run "govcell check policy-test"
    Then the exit code is 1
    And the output contains "specs/spec_ledger.yaml:8:17: error: policy.violation: AC-A-001 is only checked by hand [policy ledger]"
    And the output contains "features/a.feature:4:1: error: policy.violation: AC-A-002 is not in the ledger [policy features]"
    And the output contains ".govcell.yaml:5:26: error: policy.target-no-match: target 'deploy/**/*.yaml' of policy features matches no file"

  @AC-POL-012
  Scenario: A rule that loops over an object's values where it meant its keys is reported as dead
    Given an empty directory
    And the file "policy/labels.rego":
      """
      package main
      import rego.v1

      deny contains msg if {
        not input.labels.owner
        msg := "no owner label"
      }

      deny contains msg if {
        some name in input.labels
        startswith(name, "tmp-")
        msg := sprintf("temporary label %s", [name])
      }
      """
    And the file "policy/testdata/labels_valid.yaml":
      """
      labels: {owner: me}
      """
    And the file "policy/testdata/labels_no_owner.yaml":
      """
      labels: {team: a}
      """
    And the file "policy/testdata/labels_tmp.yaml":
      """
      labels: {owner: me, tmp-x: "1"}
      """
    When I run "govcell policy test"
    Then the exit code is 1
    And the output contains "policy/labels.rego:9:1: error: policy.dead-rule: rule deny of policy labels never produced a result on any of its 3 fixture(s)"
    And the output does not contain "labels.rego:4:1: error: policy.dead-rule"

  @AC-POL-013
  Scenario: govcell policy test reports in text, JSON and JUnit, with coverage on request
    Given an empty directory
    And the file "policy/main.rego":
      """
      package main
      import rego.v1

      deny contains "odd" if {
        input.n % 2 == 1
      }
      """
    And the file "policy/testdata/main_valid.json":
      """
      {"n": 2}
      """
    And the file "policy/testdata/main_odd.json":
      """
      {"n": 3}
      """
    When I run "govcell policy test --coverage"
    Then the exit code is 0
    And the output contains "coverage policy/main.rego: 100.0%"
    And the output contains "1 polic(ies), 2/2 fixture(s) ok, 0/0 test(s) passed, 0 dead rule(s)"
    When I run "govcell policy test --format json --coverage"
    Then the exit code is 0
    And the output is valid JSON
    And the output contains ""ok": true"
    When I run "govcell policy test --format junit"
    Then the exit code is 0
    And the output contains "<testcase classname="policy.main" name="fixture policy/testdata/main_odd.json"
    And no file in the cell was written

  @AC-POL-014
  Scenario Outline: Bad policy input gives a clear finding, never a traceback
    Given an empty directory
    And a policy cell with <problem>
    When I run "govcell check policy-test"
    Then the output contains "<code>"
    And the output has no traceback

    Examples:
      | problem                            | code                   |
      | an empty policy directory          | policy.empty-dir       |
      | a deny rule returning a number     | policy.bad-message     |
      | a rule calling an unknown function | policy.undefined-function |
      | a rule dividing by zero            | policy.eval-error      |
      | a fixture in YAML with a tab       | policy.fixture-syntax  |
      | a target naming no policy          | policy.unknown-policy  |
      | a policy file that is not UTF-8    | policy.encoding        |
