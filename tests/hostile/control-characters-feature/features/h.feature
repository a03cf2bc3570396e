Feature: Hostile
  @AC-H-001
  Scenario: Something holds
    Given a  thing [31m
    Then it holds
