"""Context bundles: resolving a contextpack task to files, and judging the result.

A bundle is what an LLM agent is given to work on one task: a header (task,
prompt, the requirements and ACs it serves) and the files its ``include``
patterns pick, in the order written.  This module turns a task into a
:class:`Bundle` (files in, files left out and why, findings), and computes the
:func:`budgets` the site shows.  The ``context-bundles`` check lives in
``govcell.checks.context_bundles``, the manifest in ``govcell.report.bundle``,
the command in ``govcell.cli.bundle``.

Everything is read once per :class:`Bundler` (the file list, each file's bytes
and its secret scan; one per ``Analysis``), so checking ten bundles that share
files costs one read of each file.

Safety rules, each with its own code so a team can see exactly what tripped:

* ``bundle.path-escape``: a pattern (or ``output``) that leaves the repository
  (``..``, an absolute or home path); it is never resolved.
* ``bundle.symlink-escape``: a file that is a symlink resolving outside the
  repository; it is never read.
* ``bundle.secret-file``: a file whose name says it holds secrets (``.env``...).
* ``bundle.secret-content``: secret-looking text (a private key block, a cloud
  key, a token), at its line and column.

Secret files and content are allowed only by naming the exact path in the
task's ``allow_secrets``.

The package's modules, by what they hold: ``model`` (the dataclasses),
``bundler`` (per-cell file reads), ``links`` (ledger links), ``files`` (patterns,
admission, safety findings), ``build`` (a task, an AC or several ACs as a
bundle), ``budgets`` (sizes against ``max_bytes``) and ``render`` (Markdown and
XML, fitting to the budget).  This module re-exports the public names.
"""

from __future__ import annotations

from govcell.derive.bundles.budgets import budgets, rendered_size
from govcell.derive.bundles.build import build, build_for_ac, build_for_acs
from govcell.derive.bundles.bundler import AcState, Bundler
from govcell.derive.bundles.files import task_position
from govcell.derive.bundles.links import link
from govcell.derive.bundles.model import (
    BINARY_SNIFF,
    SAFETY_CODES,
    TASK_NAME,
    Bundle,
    BundleBudget,
    FileInfo,
    LinkedAC,
    LinkedRequirement,
    Scenario,
)

__all__ = ["BINARY_SNIFF", "SAFETY_CODES", "TASK_NAME", "AcState", "Bundle", "BundleBudget", "Bundler", "FileInfo",
           "LinkedAC", "LinkedRequirement", "Scenario", "budgets", "build", "build_for_ac", "build_for_acs", "link",
           "rendered_size", "task_position"]
