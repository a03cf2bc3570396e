"""Entry points: console scripts, pre-commit hooks and the pytest plugin; two lines each."""
