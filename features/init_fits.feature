Feature: govcell init fits the repository it lands in
  init looks before it writes: it finds the scenarios git tracks wherever they
  are, the documentation tool, what a policy could govern and the pre-commit
  config there is, proposes only what fits, and leaves hooks that work at once.

  @AC-ADOPT-050
  Scenario: A Python library with Sphinx docs and scenarios under tests/ gets only what fits
    Given an empty git repository
    And the file "docs/conf.py":
      """
      project = "mylib"
      """
    And the file "pyproject.toml":
      """
      [project]
      name = "mylib"
      version = "1.0"
      """
    And the file "tests/unit/features/parse.feature":
      """
      Feature: Parsing
        Scenario: a number
          Given the text "1"
          Then it parses as 1
      """
    And the files are committed
    When I run "govcell init --dry-run"
    Then the exit code is 0
    And the output contains "1 feature file(s) in tests/unit/features"
    And the output contains "would skip: mkdocs.yml (the documentation is a Sphinx project (docs/conf.py)"
    And the output contains "would leave out: policy/k8s.rego and 7 file(s) of its tests and fixtures (no Kubernetes manifest in this repository"
    And the output contains "would leave out: policy/flags.rego"
    And the output contains "would create: policy/ledger.rego"
    And the output contains "govcell init --dry-run: nothing was written"
    And no file in the cell was written
    When I run "govcell init"
    Then the exit code is 0
    And the file ".govcell.yaml" contains "features: [features, tests/unit/features]"
    And the file ".pre-commit-config.yaml" contains "tests/unit/features/.*"
    And the file "mkdocs.yml" does not exist
    And the file "policy/k8s.rego" does not exist
    When I run "govcell check"
    Then the exit code is 0

  @AC-ADOPT-050
  Scenario: Kubernetes manifests and a flags registry get the pieces of the pack that govern them
    Given an empty git repository
    And the file "deploy/web.yaml":
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        labels: {app.kubernetes.io/name: web, owner: team-web}
      spec:
        template:
          spec:
            securityContext: {runAsNonRoot: true}
            containers:
              - name: web
                image: registry.example/web:latest
                resources:
                  requests: {cpu: 100m, memory: 128Mi}
                  limits: {cpu: 500m, memory: 256Mi}
                readinessProbe: {httpGet: {path: /ready, port: 8080}}
                livenessProbe: {httpGet: {path: /health, port: 8080}}
      """
    And the file "config/flags.yaml":
      """
      flags:
        - {name: dark-mode, owner: team-web, expires: "2027-01-31", rollout: 0}
      """
    And the files are committed
    When I run "govcell init"
    Then the exit code is 0
    And the output contains "created: policy/k8s.rego"
    And the output contains "created: policy/flags.rego"
    And the output contains "left out: policy/privacy.rego"
    And the file ".govcell.yaml" contains "k8s: [deploy/web.yaml]"
    And the file ".govcell.yaml" contains "flags: [config/flags.yaml]"
    When I run "govcell check policy-test"
    Then the exit code is 1
    And the output contains "deploy/web.yaml"
    And the output contains ":latest"

  @AC-ADOPT-051
  Scenario: An existing pre-commit config gets govcell's hooks merged, its comments and order kept
    Given an empty git repository
    And the file ".pre-commit-config.yaml":
      """
      # our hooks (keep this comment)
      default_stages: [pre-commit]
      repos:
      -   repo: local   # offline hooks of ours
          hooks:
          -   id: no-tabs
              name: no tabs
              entry: "\t"
              language: pygrep
              types: [python]
      """
    And the files are committed
    When I run "govcell init"
    Then the exit code is 0
    And the output contains "merged: .pre-commit-config.yaml (govcell's hooks added; its comments, order and other hooks kept)"
    And the output contains "hooks: repo: local with language: system, running the installed govcell"
    And the file ".pre-commit-config.yaml" begins with what it held, then govcell's hooks in its own indentation
    When I run "govcell init"
    Then the output contains "skipped: .pre-commit-config.yaml (already runs govcell's hooks; left as it is)"

  @AC-ADOPT-051
  Scenario: --repo and --rev pin a hook repository; one without the other is refused
    Given an empty git repository
    When I run "govcell init --repo https://github.com/acme/govcell"
    Then the exit code is 2
    And the output contains "--repo and --rev go together"
    And no file in the cell was written
    When I run "govcell init --repo https://github.com/acme/govcell --rev v1.2.3"
    Then the exit code is 0
    And the output contains "hooks: repo https://github.com/acme/govcell at rev v1.2.3"
    And the file ".pre-commit-config.yaml" contains "rev: v1.2.3"
    And the file ".pre-commit-config.yaml" does not contain "language: system"

  @AC-ADOPT-051
  Scenario: The hooks' files filters follow paths the cell has moved
    Given an empty git repository
    And the config:
      """
      paths:
        ledger: governance/ledger.yaml
        features: [tests/bdd]
        feature_status: governance/STATUS.md
      """
    When I run "govcell init --print-hooks"
    Then the exit code is 0
    And the output contains "- repo: local"
    And the output contains "files: '^(governance/.*\.ya?ml|specs/.*\.ya?ml|\.govcell\.ya?ml|pyproject\.toml)$'"
    And the output contains "files: '^(governance/.*|tests/bdd/.*|governance/STATUS\.md|\.govcell\.ya?ml|pyproject\.toml)$'"

  @slow @AC-ADOPT-052
  Scenario Outline: After init, pre-commit runs for real and a commit goes through
    Given <kind> in a git repository, committed
    When I run "govcell init"
    Then the exit code is 0
    When pre-commit is installed and runs on all files for real
    Then pre-commit passed, or failed only with the findings docs/rust-template.md explains
    And a commit of the initialised repository without a Governance-Scope trailer is refused, with one it goes through

    Examples:
      | kind                                                     |
      | an empty repository                                      |
      | a Python library with Sphinx docs and scenarios in tests |
      | a repository with a pre-commit config of its own         |
      | the Rust template                                        |
