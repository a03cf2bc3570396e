"""Derived results: pure functions of the loaded cell (coverage, graph, bundles, policy, next, diff)."""
