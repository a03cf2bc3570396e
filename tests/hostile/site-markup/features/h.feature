Feature: Hostile
  Scenario: untagged [link](javascript:alert(10)) <img src=x onerror=alert(11)>
    Given a thing
