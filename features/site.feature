Feature: The governance site
  govcell renders a governed cell into a static MkDocs site: a dashboard, one
  page per story, an AC index, a traceability matrix, the findings and the
  schemas, built without network access and with every piece of ledger text
  shown as text.

  Background:
    Given a cell with the ledger:
      """
      metadata: {title: Shop}
      stories:
        - id: US-SHOP-001
          title: Customers can pay
          requirements:
            - id: REQ-SHOP-PAY
              title: Card payments
              tags: [payments]
              acceptance_criteria:
                - id: AC-SHOP-001
                  text: A valid card is charged once
                  tags: [money]
                  tests:
                    - {type: bdd, tag: "@AC-SHOP-001", file: features/pay.feature}
                - id: AC-SHOP-002
                  text: A declined card is never charged
                  tests:
                    - {type: unit, tag: test_declined, file: tests/test_pay.py}
        - id: US-SHOP-002
          title: Refunds
          requirements:
            - id: REQ-SHOP-REFUND
              title: Refund a payment
              acceptance_criteria:
                - id: AC-SHOP-010
                  text: A refund returns the whole amount
      """
    And the file "features/pay.feature":
      """
      Feature: Pay
        @AC-SHOP-001
        Scenario: Charge a valid card
          Given a valid card
          When the customer pays 10 EUR
          Then the card is charged 10 EUR once
      """

  @AC-SITE-001 @slow
  Scenario: A repository without mkdocs.yml gets the whole governance site
    When I run "govcell site build --out ../out --strict"
    Then the exit code is 0
    And the output contains "view it with `govcell site serve`"
    And the site has the files "index.html, stories/US-SHOP-001/index.html, stories/US-SHOP-002/index.html, acs/index.html, traceability/index.html, traceability.csv, findings/index.html, schemas/index.html, schema/ledger.json"
    And the site page "index.html" shows 2 "stories", 2 "requirements" and 3 "acs"
    And the site page "index.html" contains "data-percent=\"kernel\">66.7 %<"
    And no file in the cell was written

  @AC-SITE-002 @slow
  Scenario: The plugin adds the governance pages to a project's own MkDocs site
    Given the file "mkdocs.yml":
      """
      site_name: Shop docs
      theme: {name: material, font: false}
      plugins: [search, govcell]
      nav:
        - Home: index.md
      """
    And the file "docs/index.md":
      """
      # Shop

      See the [governance dashboard](governance/index.md).
      """
    When I run "mkdocs build --strict" in the cell
    Then the exit code is 0
    And the site has the files "index.html, governance/index.html, governance/stories/US-SHOP-001/index.html, governance/traceability.csv"
    And the site navigation has the section "Governance"
    And the site page "index.html" contains "governance/acs/"

  @AC-SITE-003 @slow
  Scenario: A story page lists its requirements, ACs, tests and scenarios with a diagram
    When I run "govcell site build --out ../out"
    Then the exit code is 0
    And the site page "stories/US-SHOP-001/index.html" contains "REQ-SHOP-PAY: Card payments"
    And the site page "stories/US-SHOP-001/index.html" contains "A declined card is never charged"
    And the site page "stories/US-SHOP-001/index.html" contains "test_declined"
    And the site page "stories/US-SHOP-001/index.html" contains "Then the card is charged 10 EUR once"
    And the story page "stories/US-SHOP-001/index.html" shows each AC with the status the kernel computed
    And the site page "stories/US-SHOP-001/index.html" contains "<svg"
    And the site page "stories/US-SHOP-001/index.html" contains "flowchart LR"

  @AC-SITE-004 @slow
  Scenario: Ledger text is shown as text, never as markup, links or template code
    Given a cell with the ledger:
      """
      stories:
        - id: US-X-001
          title: "Evil <script>alert(1)</script>"
          description: "[click me](javascript:alert(2)) and {{ 7*7 }} and {% if true %}x{% endif %}"
          requirements:
            - id: REQ-X-ONE
              title: "<img src=x onerror=alert(3)>"
              acceptance_criteria:
                - id: AC-X-001
                  text: "**bold** <b>tag</b> {{ config }}"
      """
    When I run "govcell site build --out ../out --strict"
    Then the exit code is 0
    And the site page "stories/US-X-001/index.html" contains "Evil &lt;script&gt;alert(1)&lt;/script&gt;"
    And the site page "stories/US-X-001/index.html" contains "[click me](javascript:alert(2)) and {{ 7*7 }} and {% if true %}x{% endif %}"
    And the site page "stories/US-X-001/index.html" contains "&lt;img src=x onerror=alert(3)&gt;"
    And the site page "stories/US-X-001/index.html" contains "**bold** &lt;b&gt;tag&lt;/b&gt; {{ config }}"
    And no page of the site contains "<script>alert(1)"
    And no page of the site contains "href=\"javascript:"
    And no page of the site contains "<img src=x"

  @AC-SITE-005
  Scenario: The traceability matrix is also a CSV with one row per AC
    When the governance pages are rendered
    Then the generated file "traceability.csv" has the header "story,requirement,ac,kernel,lifecycle,coverage,run,status,tests,scenarios,text"
    And the generated file "traceability.csv" has 3 rows
    And the generated file "traceability.csv" contains "US-SHOP-001,REQ-SHOP-PAY,AC-SHOP-002,yes,active"

  @AC-SITE-006
  Scenario: The findings of every check are listed, and a broken ledger still gets a site
    Given a cell with the ledger:
      """
      stories:
        - id: story-1
          title: A story
      """
    When the governance pages are rendered
    Then the generated page "findings.md" contains "ledger.id-pattern"
    And the generated page "findings.md" contains "specs/spec_ledger.yaml:2:9"
    And the dashboard's error count is the number of errors "govcell check" reports

  @AC-SITE-009
  Scenario: Policy results and graph invariants get their own pages
    Given the file "policy/pay.rego":
      """
      package main

      import rego.v1

      deny contains msg if {
        input.amount < 0
        msg := "negative amount <b>refused</b>"
      }

      deny contains msg if {
        input.currency == "XXX"
        msg := "test currency"
      }
      """
    And the file "policy/testdata/pay_valid.json":
      """
      {"amount": 10, "currency": "EUR"}
      """
    And the file "policy/testdata/pay_negative.json":
      """
      {"amount": -1, "currency": "EUR"}
      """
    When the governance pages are rendered
    Then the generated page "policies.md" contains "policy/pay.rego"
    And the generated page "policies.md" contains "policy/testdata/pay_negative.json"
    And the generated page "policies.md" contains "negative amount &lt;b&gt;refused&lt;/b&gt;"
    And the generated page "policies.md" contains "dead: never fires on a fixture"
    And the generated page "graph.md" contains "graph.kernel-ac-untested"
    And the generated page "graph.md" contains "kernel AC AC-SHOP-010 has neither an automated test nor a scenario"
    And the generated page "index.md" contains "<a href=\"policies/\">1 policy</a>"

  @AC-SITE-010 @slow
  Scenario: status.json and the JSON Schemas are files of the site
    When I run "govcell site build --out ../out"
    Then the exit code is 0
    And the site file "status.json" is what "govcell status --json" prints
    And the site file "schema/ledger.json" is what "govcell schema ledger" prints

  @AC-SITE-011
  Scenario: Bundle budgets and decision records get their own pages
    Given the file ".llm/contextpack.yaml":
      """
      version: "1.0"
      tasks:
        payments:
          description: Working on <payments>
          max_bytes: 100
          include: [features/*.feature]
      """
    And the file "docs/adr/0001-use-cards.md":
      """
      # ADR-0001: Use cards

      Status: accepted
      """
    When the governance pages are rendered
    Then the generated page "bundles.md" contains "Working on &lt;payments&gt;"
    And the generated page "bundles.md" contains "<code>features/pay.feature</code>"
    And the generated page "bundles.md" contains "gc-badge gc-over"
    And the generated page "index.md" contains "<a href=\"bundles/#payments\">payments</a>"
    And the generated page "adr/index.md" contains "<td class=\"gc-id\"><a href=\"ADR-0001/\">ADR-0001</a></td><td>Use cards</td><td>accepted</td>"

  @AC-SITE-012
  Scenario: The dashboard opens with the verdict, the commit and what to do first, and counts what govcell status counts
    Given the file "features/refund.feature":
      """
      Feature: Refund
        @AC-SHOP-001 @AC-SHOP-010
        Scenario: Refund a charged card
          Given a charged card
          When it is refunded
          Then the whole amount returns

        Scenario: Not tagged at all
          Given nothing

        @AC-SHOP-999
        Scenario: Tagged with an AC the ledger lacks
          Given nothing
      """
    When the governance pages are rendered
    Then the generated page "index.md" contains "data-verdict=\"fail\""
    And the generated page "index.md" contains "data-next=\"orphaned-scenario\""
    And the generated page "index.md" contains "<span class=\"gc-badge gc-not-run\">not run</span>"
    And every number on the dashboard is the one the status document holds

  @AC-SITE-013
  Scenario: Tables group rows by story and requirement, link every ID and filter what they list
    When the governance pages are rendered
    Then the generated page "traceability.md" contains "<tr class=\"gc-group gc-group-story\" data-group=\"s:US-SHOP-001\">"
    And the generated page "traceability.md" contains "<a class=\"gc-id\" href=\"../stories/US-SHOP-001/#REQ-SHOP-PAY\">REQ-SHOP-PAY</a>"
    And the generated page "traceability.md" contains "<select name=\"coverage\">"
    And the generated page "traceability.md" contains "<select name=\"story\">"
    And the generated page "acs.md" contains "<select name=\"tag\">"
    And the generated page "findings.md" contains "<select name=\"code\">"
    And the generated page "findings.md" contains "<select name=\"file\">"
    And the generated page "findings.md" contains "<a class=\"gc-id\" href=\"../stories/US-SHOP-002/#AC-SHOP-010\">AC-SHOP-010</a>"

  @AC-SITE-014
  Scenario: Charts are drawn at build time as inline SVG with a text alternative
    Given the file ".llm/contextpack.yaml":
      """
      version: "1.0"
      tasks:
        payments:
          description: Working on payments
          max_bytes: 100000
          include: [features/*.feature]
      """
    When the governance pages are rendered
    Then the generated page "index.md" contains "<figure class=\"gc-chart\" id=\"chart-states\""
    And the generated page "index.md" contains "<desc id=\"chart-gc-states-desc\">Acceptance criteria by state for 2 stories: US-SHOP-001: "
    And the generated page "index.md" contains "<figure class=\"gc-chart\" id=\"chart-coverage\""
    And the generated page "bundles.md" contains "<figure class=\"gc-chart\" id=\"chart-bundles\""
    And every chart of the generated page "index.md" is an inline SVG with a title and a description, no script and no address outside the page
    And every chart of the generated page "bundles.md" is an inline SVG with a title and a description, no script and no address outside the page

  @AC-SITE-016
  Scenario: Decision records get pages with their text and what cites them, and items link both ways
    Given a cell with the ledger:
      """
      metadata: {title: Shop, adrs: [ADR-0001]}
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
                  adr: ADR-0001
                  tests:
                    - {type: bdd, tag: "@AC-SHOP-001", file: features/pay.feature}
      """
    And the file "docs/adr/0001-use-cards.md":
      """
      # ADR-0001: Use cards

      Status: accepted

      We take **cards**. <script>alert(1)</script> [evil](javascript:alert(2)) [spec](../spec.md)
      """
    And the file ".llm/contextpack.yaml":
      """
      version: "1.0"
      tasks:
        payments:
          description: Working on payments
          max_bytes: 100000
          include: [features/*.feature]
          acs: [AC-SHOP-001]
      """
    When the governance pages are rendered
    Then the generated page "adr/ADR-0001.md" contains "<strong>cards</strong>"
    And the generated page "adr/ADR-0001.md" contains "&lt;script&gt;alert(1)&lt;/script&gt;"
    And the generated page "adr/ADR-0001.md" contains "<a rel=\"noopener noreferrer\">evil</a>"
    And the generated page "adr/ADR-0001.md" contains "<span class=\"gc-id\">metadata.adrs</span>"
    And the generated page "adr/ADR-0001.md" contains "<a class=\"gc-id\" href=\"../../stories/US-SHOP-001/#AC-SHOP-001\">AC-SHOP-001</a>"
    And the generated page "stories/US-SHOP-001.md" contains "<a class=\"gc-id\" href=\"../../adr/ADR-0001/\">ADR-0001</a>"
    And the generated page "stories/US-SHOP-001.md" contains "<a class=\"gc-id\" href=\"../../bundles/#payments\">payments</a>"
    And the generated page "bundles.md" contains "<a class=\"gc-id\" href=\"../stories/US-SHOP-001/#AC-SHOP-001\">AC-SHOP-001</a>"
