Feature: Hostile
  @AC-H-001
  Scenario: Something holds
    Given a thing
    Then it holds
