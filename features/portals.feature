Feature: Status for portals, and a site that says how to look at it
  The governance site joins a service's TechDocs, its status.json lands where a
  Backstage catalog entity can point, and building it says how to view it.

  Background:
    Given a git repository initialised by govcell init

  @AC-ADOPT-072 @slow
  Scenario: TechDocs' MkDocs plugin builds the governance site, with the status where the catalog points
    Given the mkdocs.yml of the TechDocs example in docs/publishing.md
    When I run "govcell site build --out site --strict"
    Then the exit code is 0
    And the site has "techdocs_metadata.json", written by mkdocs-techdocs-core
    And the site file "governance/status.json" is what "govcell status --json" prints
    And the catalog entity of docs/publishing.md links to "governance/status.json" of its TechDocs site

  @AC-ADOPT-074 @slow
  Scenario: The site build says how to view the site in a way that works
    When I run "govcell site build --out site"
    Then the exit code is 0
    And the output contains "view it with `govcell site serve`"
    And the output does not contain "; open file://"
    And the site page "governance/index.html" has the heading "Governance"
    Given the mkdocs.yml sets "use_directory_urls: false"
    When I run "govcell site build --out site"
    Then the exit code is 0
    And the output contains "; open file://"
    And the site has "governance/stories/US-CELL-001.html", a page a browser opens from disk
