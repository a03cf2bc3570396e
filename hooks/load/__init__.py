"""Loading: files -> located data and findings (text, YAML, validation, config, git, Gherkin, results, ADRs)."""
