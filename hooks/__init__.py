"""govcell: the governance kernel of a repository (pre-commit hooks + CLI).

The import name is ``hooks`` (the repository layout is fixed); the distribution
is ``govcell``.  Keep this module import-free: every hook imports it first.
"""

__version__ = "0.1.0"
