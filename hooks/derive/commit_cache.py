"""What was derived from a commit, kept in the shared cache under the commit id.

A commit fixes every file of the cell, so a result computed from the cell at a commit
(a side of ``govcell diff``, the findings ``--new-since`` compares with) is a function
of the commit id, the ``--config`` argument, the configuration read at that commit,
what was run (the caller names it) and govcell's code (``govcell.load.cache.key``): it is
kept under exactly those, so it is never stale.  The index and the working tree are not
commits and are never kept; nor is a result whose findings depend on the machine or
the moment (:func:`volatile`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: Finding codes whose presence depends on the machine or the moment, not on the commit alone.
#: (``config.unsafe-pattern`` is not one: ``govcell.load.regex_safety`` decides from the pattern, never by timing.)
VOLATILE = ("policy.timeout", "policy.engine-crash", "policy.engine-missing", "internal.error")


def volatile(codes: Iterable[str]) -> bool:
    """Whether any of ``codes`` is one a rerun on another machine or moment might not report."""
    return any(code in VOLATILE for code in codes)


def slot(cell: Any, kind: str, what: str) -> tuple[Any, bytes]:
    """(the shared cache, the key) of ``kind`` derived by ``what`` from ``cell``'s commit; (None, b"") when
    it is not kept (no ``what``, not a commit, the cache off by flag, variable or config)."""
    source = cell.source
    if not what or source.kind != "revision" or not source.commit:
        return None, b""
    from govcell.load.cache import config_part, for_cell, key

    store = for_cell(cell)
    if not store.enabled:
        return None, b""
    return store, key(kind, source.commit, str(cell.config_path or ""), config_part(cell), what)
