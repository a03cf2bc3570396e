"""Which two revisions a change is judged between: the arguments, else pre-commit's or CI's, else the merge base.

``govcell diff`` compares a *base* and a *head* side; without arguments the
head is the working tree (or the index with ``--staged``) and the base is
pre-commit's ``PRE_COMMIT_FROM_REF``, else the merge base of HEAD with the
default branch (CI's target branch, origin's HEAD, else main/master).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from govcell.diagnostics import Diagnostic, diag
from govcell.load.git import git


@dataclasses.dataclass
class Side:
    spec: str | None  #: as given: a revision, INDEX, WORKTREE, or None (empty: no commit yet)
    how: str  #: why this side was chosen ("argument", "PRE_COMMIT_FROM_REF", "merge base with origin/main", ...)


def default_sides(root: Path, base: str | None, head: str | None, staged: bool) -> tuple[Side, Side, list[Diagnostic]]:
    """The two sides to compare, from the arguments, else the environment of pre-commit or CI."""
    head_side = Side(head, "argument") if head else Side("INDEX" if staged else "WORKTREE",
                                                          "--staged" if staged else "default")
    if base:
        return Side(base, "argument"), head_side, []
    env_from, env_to = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
    if env_from and env_to:
        return Side(env_from, "PRE_COMMIT_FROM_REF"), (head_side if head else Side(env_to, "PRE_COMMIT_TO_REF")), []
    if git(root, "rev-parse", "--verify", "-q", "HEAD") is None:
        return Side(None, "no commit yet"), head_side, []
    branch = default_branch(root)
    if branch is None:
        return Side("HEAD", "HEAD (no default branch found)"), head_side, []
    out = git(root, "merge-base", "HEAD", branch)
    if out is None:
        return Side(None, f"merge base with {branch}"), head_side, [
            diag("diff.base-missing", f"no merge base of HEAD and {branch}: the history that joins them is not "
                 "in this clone (a shallow clone?)", ".", hint="fetch more history (`git fetch --unshallow`, or "
                 "fetch-depth: 0 in CI), or name the base: `govcell diff BASE`")]
    return Side(out.decode().strip(), f"merge base with {branch}"), head_side, []


def default_branch(root: Path) -> str | None:
    """The branch a change is compared with: CI's target branch, origin's HEAD, else main/master."""
    def exists(ref: str) -> bool:
        return git(root, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}") is not None

    for var in ("GOVCELL_BASE_BRANCH", "GITHUB_BASE_REF", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
                "BITBUCKET_PR_DESTINATION_BRANCH", "SYSTEM_PULLREQUEST_TARGETBRANCH"):
        name = os.environ.get(var, "").removeprefix("refs/heads/")
        if name:
            for ref in (f"origin/{name}", name):
                if exists(ref):
                    return ref
    out = git(root, "symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD")
    if out and exists(out.decode().strip()):
        return out.decode().strip()
    for ref in ("origin/main", "origin/master", "main", "master"):
        if exists(ref):
            return ref
    return None
