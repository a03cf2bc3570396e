Feature: Hostile
  @AC-H-001
  Scenario: <script>alert(1)</script> holds
    Given a thing
    Then it holds
