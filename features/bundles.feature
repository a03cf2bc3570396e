Feature: LLM context bundles
  A cell declares bounded context bundles for LLM agents in .llm/contextpack.yaml.
  govcell resolves them to the repository's tracked files, refuses anything that
  leaves the repository or looks like a secret, keeps every bundle within its
  budget and renders it deterministically with a manifest of what went in.

  Background:
    Given a cell with the ledger:
      """
      stories:
        - id: US-SHOP-001
          title: Customers can pay
          adr: ADR-0001
          requirements:
            - id: REQ-SHOP-PAY
              title: Card payments
              acceptance_criteria:
                - id: AC-SHOP-001
                  text: A valid card is charged once
                  tests:
                    - {type: bdd, tag: "@AC-SHOP-001", file: features/pay.feature}
                    - {type: unit, tag: test_charge_once, file: tests/test_pay.py}
                - id: AC-SHOP-002
                  text: A declined card is reported
      """
    And the file "features/pay.feature":
      """
      Feature: Paying
        @AC-SHOP-001
        Scenario: A valid card is charged once
          Given a valid card
      """
    And the file "src/pay.py":
      """
      def charge(card):
          return card.ok
      """
    And the file "tests/test_pay.py":
      """
      def test_charge_once():
          assert True
      """
    And the file "docs/adr/0001-payments.md":
      """
      # ADR-0001: Payments go through one gateway
      """

  @AC-BDL-001
  Scenario: The common contextpack form and the Rust template's spelling are both accepted
    Given the file ".llm/contextpack.yaml":
      """
      version: "1.0"
      tasks:
        implement_pay:
          description: Implement card payments
          max_bytes: 20000
          prompt: Make AC-SHOP-001 pass.
          include: [src/**/*.py]
          acs: [AC-SHOP-001]
        template_style:
          description: A contextpack written for the Rust template
          max_bytes: 20000
          output: .llm/bundle/template_style.md
          include_globs:
            - features/*.feature
      """
    And all files are committed
    When I run "govcell check context-bundles"
    Then the exit code is 0
    And the output is empty

  @AC-BDL-001
  Scenario Outline: A malformed contextpack is a located finding, never a traceback
    Given the file ".llm/contextpack.yaml":
      """
      tasks:
        broken:
          description: A broken bundle
          max_bytes: <max_bytes>
          include: [src/**]
          <extra>
      """
    And all files are committed
    When I run "govcell-context-bundles"
    Then the exit code is 1
    And the output contains "<finding>"
    And the output has no traceback

    Examples:
      | max_bytes | extra              | finding                                                                 |
      | 1000      | inclde: [docs/**]  | .llm/contextpack.yaml:6:5: error: contextpack.unknown-key: unknown key 'inclde' |
      | 0         | prompt: hi         | .llm/contextpack.yaml:4:16: error: contextpack.type: tasks.broken.max_bytes |
      | -5        | prompt: hi         | .llm/contextpack.yaml:4:16: error: contextpack.type: tasks.broken.max_bytes |

  @AC-BDL-010
  Scenario: Only tracked files are bundled, in include order, without duplicates
    Given the file ".gitignore":
      """
      build/
      """
    And the file "build/out.py":
      """
      print("generated")
      """
    And the file ".llm/contextpack.yaml":
      """
      tasks:
        pay:
          description: Payments
          max_bytes: 20000
          include: [tests/*.py, src/*.py, "**/*.py", features/pay.feature]
      """
    And all files are committed
    And the untracked file "src/scratch.py":
      """
      print("local experiment")
      """
    When I run "govcell bundle pay"
    Then the exit code is 0
    And the bundle ".llm/bundle/pay.md" carries exactly "tests/test_pay.py, src/pay.py, features/pay.feature"

  @AC-BDL-010
  Scenario: Outside git the tree is walked
    Given the directory is not a git repository
    And the file ".llm/contextpack.yaml":
      """
      tasks:
        pay:
          description: Payments
          max_bytes: 20000
          include: [src/*.py, tests/*.py]
      """
    When I run "govcell bundle pay"
    Then the exit code is 0
    And the bundle ".llm/bundle/pay.md" carries exactly "src/pay.py, tests/test_pay.py"
    And the file ".llm/bundle/pay.md" contains "- commit: (not a git repository)"

  @AC-BDL-011
  Scenario: Exclusions, binary and non-UTF-8 files, and unusual names
    Given the file ".llm/.llmignore":
      """
      # gitignore syntax
      *.lock
      """
    And the file "src/deps.lock":
      """
      pinned
      """
    And the file "src/notes/mon café résumé.md":
      """
      # Notes with spaces and unicode in the name
      """
    And a binary file "src/logo.png"
    And a non-UTF-8 file "src/legacy.txt"
    And the file ".llm/contextpack.yaml":
      """
      tasks:
        src:
          description: All sources
          max_bytes: 20000
          include: ["src/**"]
          exclude: [src/pay.py]
      """
    And all files are committed
    When I run "govcell bundle src"
    Then the exit code is 0
    And the bundle ".llm/bundle/src.md" carries exactly "src/notes/mon café résumé.md"
    And the file ".llm/bundle/src.md" contains "- `src/logo.png`: binary"
    And the file ".llm/bundle/src.md" contains "- `src/legacy.txt`: not valid UTF-8 (byte 0xe9 on line 2)"
    And the output contains "info: bundle.skipped-binary: bundle 'src' skips 1 file(s) that are binary: src/logo.png"
    And the output contains "info: bundle.skipped-encoding"

  @AC-BDL-012
  Scenario: Every glob is a gitignore pattern, anchored at the root in the configuration
    Given the file "README.md":
      """
      # The shop
      """
    And the file "docs/README.md":
      """
      # The docs
      """
    And the file "docs/guide.md":
      """
      # Guide
      """
    And the file "docs/drafts/wip.md":
      """
      # Not yet
      """
    And the file ".llm/.llmignore":
      """
      guide.md
      """
    And the file ".llm/contextpack.yaml":
      """
      tasks:
        docs:
          description: The documentation
          max_bytes: 20000
          include: [README.md, docs/, "!docs/drafts/", "**/README.md"]
      """
    And all files are committed
    When I run "govcell bundle docs"
    Then the exit code is 0
    And the bundle ".llm/bundle/docs.md" carries exactly "README.md, docs/README.md, docs/adr/0001-payments.md"

  @AC-BDL-020
  Scenario: Paths and symlinks leaving the repository are refused, each with its own code
    Given a symlink "src/passwd" to "/etc/passwd"
    And the file ".llm/contextpack.yaml":
      """
      tasks:
        escape:
          description: Tries to leave the repository
          max_bytes: 20000
          include:
            - src/**
            - ../../etc/*
            - /etc/passwd
      """
    And all files are committed
    When I run "govcell bundle escape"
    Then the exit code is 1
    And the output contains ".llm/contextpack.yaml:7:9: error: bundle.path-escape: bundle 'escape': pattern '../../etc/*' climbs out with '..'"
    And the output contains ".llm/contextpack.yaml:8:9: error: bundle.path-escape: bundle 'escape': pattern '/etc/passwd' is an absolute path"
    And the output contains "src/passwd: error: bundle.symlink-escape: src/passwd is a symlink to /etc/passwd, outside the repository"
    And the output contains "refused to render 'escape'"
    And the file ".llm/bundle/escape.md" does not exist

  @AC-BDL-021
  Scenario: Secret files and secret-looking content are refused at their line unless allowed by path
    Given the file ".env":
      """
      DATABASE_PASSWORD=hunter2
      """
    And a private key in "src/keys.py" at line 3
    And an AWS access key in "tests/fixtures/aws.txt" at line 1
    And the file ".llm/contextpack.yaml":
      """
      tasks:
        everything:
          description: Everything
          max_bytes: 50000
          include: ["**"]
          allow_secrets: [tests/fixtures/aws.txt]
      """
    And all files are committed
    When I run "govcell-context-bundles"
    Then the exit code is 1
    And the output contains ".env: error: bundle.secret-file: .env is a dotenv file and may hold secrets (bundle 'everything')"
    And the output contains "src/keys.py:3:1: error: bundle.secret-content: src/keys.py holds what looks like a private key block"
    And the output does not contain "tests/fixtures/aws.txt"
    When I run "govcell bundle everything"
    Then the exit code is 1
    And the file ".llm/bundle/everything.md" does not exist

  @AC-BDL-030
  Scenario: The hook reports unmatched patterns, unknown IDs and bundles over budget
    Given a generated file "src/generated/big.js" of 300000 bytes
    And the file ".llm/contextpack.yaml":
      """
      tasks:
        pay:
          description: Payments
          max_bytes: 2000
          include: [src/**, docs/missing/*.md]
          acs: [AC-SHOP-001, AC-SHOP-999]
          requirements: [REQ-SHOP-PAI]
      """
    And all files are committed
    When I run "govcell-context-bundles"
    Then the exit code is 1
    And the output contains ".llm/contextpack.yaml:5:23: warning: bundle.no-match: bundle 'pay': pattern 'docs/missing/*.md' matches no file"
    And the output contains ".llm/contextpack.yaml:6:24: error: bundle.unknown-ac: bundle 'pay' names AC-SHOP-999"
    And the output contains ".llm/contextpack.yaml:7:20: error: bundle.unknown-requirement: bundle 'pay' names REQ-SHOP-PAI"
    And the output contains "did you mean 'REQ-SHOP-PAY'?"
    And the output matches "\.llm/contextpack\.yaml:4:16: error: bundle\.over-budget: bundle 'pay' renders to \d+ bytes, \d+ over its max_bytes 2000; largest files: src/generated/big\.js \(300000 bytes\), src/pay\.py"

  @AC-BDL-040
  Scenario: A task bundle is deterministic, with its ACs, unbreakable fences and a manifest
    Given the file "docs/fences.md":
      """
      A file that tries to close the bundle's fence:
      ```
      ````
      </file>]]>
      """
    And the file ".llm/contextpack.yaml":
      """
      tasks:
        pay:
          description: Implement card payments
          max_bytes: 20000
          prompt: Make AC-SHOP-001 pass without breaking AC-SHOP-002.
          include: [src/pay.py, docs/fences.md]
          requirements: [REQ-SHOP-PAY]
      """
    And all files are committed
    When I run "govcell bundle pay"
    Then the exit code is 0
    And the output contains "wrote .llm/bundle/pay.md"
    And the file ".llm/bundle/pay.md" contains "- commit: "
    And the file ".llm/bundle/pay.md" contains "#### AC-SHOP-001 (covered, not run)"
    And the file ".llm/bundle/pay.md" contains "- scenario: A valid card is charged once (`features/pay.feature:3`)"
    And the file ".llm/bundle/pay.md" contains "#### AC-SHOP-002 (uncovered, not run)"
    And the file ".llm/bundle/pay.md" contains "`````markdown"
    And the bundle ".llm/bundle/pay.md" carries exactly "src/pay.py, docs/fences.md"
    And the manifest ".llm/bundle/pay.md.manifest.json" counts the bytes and tokens of "src/pay.py, docs/fences.md"
    When I run "govcell bundle pay --format xml --out pay.xml"
    Then the exit code is 0
    And "pay.xml" is well-formed XML whose file "docs/fences.md" holds the file's exact content
    And running "govcell bundle pay" again writes byte-identical files

  @AC-BDL-041
  Scenario: A bundle for one AC is built from the ledger within its budget
    Given the file ".llm/contextpack.yaml":
      """
      tasks: {}
      """
    And all files are committed
    When I run "govcell bundle --ac AC-SHOP-001"
    Then the exit code is 0
    And the bundle ".llm/bundle/AC-SHOP-001.md" carries exactly "features/pay.feature, tests/test_pay.py, docs/adr/0001-payments.md"
    And the file ".llm/bundle/AC-SHOP-001.md" contains "- story: US-SHOP-001: Customers can pay"
    When I run "govcell bundle --ac AC-SHOP-001 --max-bytes 900"
    Then the exit code is 0
    And the output contains "warning: bundle.truncated"
    And the file ".llm/bundle/AC-SHOP-001.md" is at most 900 bytes
    And every file of the AC is either carried or listed as left out in ".llm/bundle/AC-SHOP-001.md"
    When I run "govcell bundle --ac AC-SHOP-01"
    Then the exit code is 2
    And the output contains "did you mean 'AC-SHOP-001'?"
