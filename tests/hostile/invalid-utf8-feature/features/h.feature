Feature: Hostile
  @AC-H-001
  Scenario: Something holds
    Given a thþing
    Then it holds
