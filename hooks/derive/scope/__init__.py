"""Protected governance paths and declared scopes: what a change touched, and whether it said so.

Config (``scope.protected``, default: the ledger, tasks, flows, the policy
directory, CI workflows, the feature status report and agent instruction files)
lists paths a change may touch only with a *declared scope*:

* a commit declares it with a trailer (``Governance-Scope: governance: why``),
  checked by the ``governance-scope`` hook at the ``commit-msg`` stage;
* a pull request declares it in its description, passed to ``govcell scope``
  in CI as a file (``--scope-file``: a ``## Scope`` block with ``Type:`` and
  ``Intent:`` lines, as the Rust template's PR template has, or a
  ``Governance-Scope:`` line) or a variable (``GOVCELL_SCOPE``).

Without a pull-request scope, ``govcell scope BASE HEAD`` judges each commit of
the range by its own trailer.  The same facts (changed files, protected files,
the declaration, trailers, commits and, when a policy reads it, the governance
diff) are the built-in policy input ``changes`` (:func:`changes_input`), so a
cell writes its own Rego rules about changes.

Findings are values; the command and the hook print them.

The package's modules, by what they hold: ``declared`` (reading a declaration),
``changes`` (protected paths, changed files, commits, the ``changes`` input) and
``check`` (the commit-message and range checks).  This module re-exports the
public names.
"""

from __future__ import annotations

from govcell.derive.scope.changes import (
    Commit,
    cell_changes,
    changed_files,
    changes_input,
    commits,
    matches,
    patterns,
    protected,
    reads_diff,
    wants_changes,
)
from govcell.derive.scope.check import check_message, check_range
from govcell.derive.scope.declared import (
    MAX_MESSAGE_BYTES,
    SCOPE_ENV,
    SCOPE_FILE_ENV,
    Declared,
    from_text,
    from_trailers,
    parse_value,
    pr_declaration,
    read_limited,
    trailers,
)

__all__ = ["MAX_MESSAGE_BYTES", "SCOPE_ENV", "SCOPE_FILE_ENV", "Commit", "Declared", "cell_changes", "changed_files",
           "changes_input", "check_message", "check_range", "commits", "from_text", "from_trailers", "matches",
           "parse_value", "patterns", "pr_declaration", "protected", "read_limited", "reads_diff", "trailers",
           "wants_changes"]
