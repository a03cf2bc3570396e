Feature: A layered kernel
  The site renders what the kernel derived and never counts again: every number
  on the dashboard of a built site is the one `govcell status --json` prints, on
  a cell built so that a recount would differ (a scenario proving two ACs, an
  outline, a deprecated AC, an AC proven only by a unit test, a missing ADR).

  @AC-ARCH-001 @slow
  Scenario: Every count on the dashboard of a built site is the one govcell status prints
    Given a cell with the ledger:
      """
      metadata: {title: Shop}
      stories:
        - id: US-S-001
          title: Pay
          adr: ADR-0042
          requirements:
            - id: REQ-S-PAY
              title: Pay by card
              acceptance_criteria:
                - {id: AC-S-001, text: A card is charged}
                - {id: AC-S-002, text: A receipt is sent}
                - {id: AC-S-003, text: Cheques are accepted, status: deprecated}
                - id: AC-S-004
                  text: A refund is booked
                  tests: [{type: unit, tag: test_refund, file: tests/test_refund.py}]
                - {id: AC-S-005, text: Nothing proves this yet}
        - id: US-S-002
          title: Receipts
          requirements:
            - id: REQ-S-MAIL
              title: Receipts by mail
              must_have_ac: false
              acceptance_criteria:
                - id: AC-S-010
                  text: The mail is readable
                  tests: [{type: manual}]
                - id: AC-S-011
                  text: The mail is sent
                  tests: [{type: unit, tag: test_mail, file: tests/test_refund.py}]
      """
    And the file "features/shop.feature":
      """
      Feature: Shop
        @AC-S-001 @AC-S-002
        Scenario: One scenario proves two ACs
          Given a card

        @AC-S-002
        Scenario Outline: Pay <amount>
          Given <amount>

          Examples:
            | amount |
            | 1      |
            | 2      |

        @AC-S-003
        Scenario: It proves a deprecated AC
          Given a cheque

        Scenario: Nothing tagged
          Given nothing
      """
    And the file "tests/test_refund.py":
      """
      def test_refund():
          assert True


      def test_mail():
          assert False
      """
    And the file "test-results/junit.xml":
      """
      <testsuite><testcase classname="tests.test_refund" name="test_refund" file="tests/test_refund.py"/>
      <testcase classname="tests.test_refund" name="test_mail" file="tests/test_refund.py"><failure/></testcase></testsuite>
      """
    And the config:
      """
      results:
        files: [test-results/junit.xml]
      """
    When I run "govcell site build --out ../built"
    Then the exit code is 0
    And every count on the built dashboard "../built/index.html" is the one "govcell status --json" prints
